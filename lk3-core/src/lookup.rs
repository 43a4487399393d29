//! Finding a person in a unit's client registry before opening a new file:
//! by NIK, by No. KK (the family), or by name, names compared in a normal
//! form (case, spaces and punctuation ignored; the old Indonesian spellings
//! read as today's: `oe` → `u`, `dj` → `j`, `tj` → `c`, `ch` → `kh`, and `j`
//! and `y` as one letter, so `Jusuf` is `Yusuf` and `nj`, `sj` are `ny`,
//! `sy`; a doubled letter as one) and ranked by
//! Jaro-Winkler similarity (`strsim`). The duplicate check at registration
//! is the same lookup, asked with the new record.

use serde::Serialize;

use crate::ids::{ClientId, Nik, NoKk};
use crate::label::labelled_enum;
use crate::schema::ClientRecord;

/// How similar two normal forms must be for a name to be a candidate.
pub const NAME_THRESHOLD: f64 = 0.88;

labelled_enum! {
    /// Why a record was found.
    pub enum MatchKind {
        /// The same NIK.
        Nik = ("nik", "NIK sama", "Same NIK"),
        /// The same family card (a family member, or the same person).
        NoKk = ("no_kk", "No. KK sama", "Same family card"),
        /// A similar name (with the same birth date, when both are known).
        Nama = ("nama", "Nama mirip", "Similar name"),
    }
}

/// One record found, with how well it matches (1.0: the same NIK).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClientMatch {
    /// The record found.
    pub client_id: ClientId,
    /// Why.
    pub by: MatchKind,
    /// How well, from 0 to 1: 1 for the same NIK, 0.9 for the same No. KK,
    /// the names' similarity otherwise.
    pub score: f64,
}

/// What to look for; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientLookup {
    /// The NIK.
    pub nik: Option<Nik>,
    /// The family card number.
    pub no_kk: Option<NoKk>,
    /// A name, as given.
    pub name: Option<String>,
    /// A birth date: a similar name with another known birth date is not a match.
    pub birth_date: Option<chrono::NaiveDate>,
}

impl ClientLookup {
    /// The lookup a new record asks: its NIK, No. KK, name and birth date.
    pub fn of(record: &ClientRecord) -> Self {
        ClientLookup {
            nik: record.nik,
            no_kk: record.no_kk,
            name: Some(record.name.clone()),
            birth_date: record.birth_date,
        }
    }

    /// The records of `registry` that match, best first (then by id), each once.
    pub fn find<'a>(&self, registry: impl IntoIterator<Item = &'a ClientRecord>) -> Vec<ClientMatch> {
        let wanted = self.name.as_deref().map(normal_name).filter(|n| !n.is_empty());
        let mut found: Vec<ClientMatch> = registry
            .into_iter()
            .filter_map(|r| {
                if self.nik.is_some() && r.nik == self.nik {
                    return Some(ClientMatch { client_id: r.client_id, by: MatchKind::Nik, score: 1.0 });
                }
                // Another known birth date is another person, whatever the name.
                let born_apart = matches!((self.birth_date, r.birth_date), (Some(a), Some(b)) if a != b);
                let name = wanted.as_deref().filter(|_| !born_apart).map(|w| name_similarity(w, &normal_name(&r.name)));
                let by_name = name.filter(|s| *s >= NAME_THRESHOLD);
                if self.no_kk.is_some() && r.no_kk == self.no_kk {
                    let score = by_name.map_or(0.9, |s| s.max(0.9));
                    return Some(ClientMatch { client_id: r.client_id, by: MatchKind::NoKk, score });
                }
                by_name.map(|score| ClientMatch { client_id: r.client_id, by: MatchKind::Nama, score })
            })
            .collect();
        found.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.client_id.cmp(&b.client_id)));
        found
    }
}

/// A name's normal form: lowercase letters and single spaces, the old
/// spellings read as today's, doubled letters as one.
///
/// ```
/// use lk3_core::lookup::normal_name;
/// assert_eq!(normal_name("  SOEKARNO "), normal_name("Sukarno"));
/// assert_eq!(normal_name("Djoko Tjahjono"), normal_name("joko cahyono"));
/// assert_eq!(normal_name("Muhammad"), normal_name("Muhamad"));
/// assert_eq!(normal_name("Siti Nur'aini"), "siti nuraini");
/// ```
pub fn normal_name(name: &str) -> String {
    let lower: String = name
        .chars()
        .filter_map(|c| {
            if c.is_alphabetic() {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else if c.is_whitespace() || c == '-' || c == '.' || c == ',' {
                Some(' ')
            } else {
                None
            }
        })
        .collect();
    let words: Vec<String> = lower.split_whitespace().map(modern_spelling).collect();
    words.join(" ")
}

/// One word with the van Ophuijsen and Soewandi forms read as today's (EYD).
/// Old `j` is today's `y` and old `dj` today's `j`, so which a bare `j` is
/// cannot be told: `j` and `y` are one letter here.
fn modern_spelling(word: &str) -> String {
    let marked = word.replace("dj", "j").replace("tj", "c").replace("ch", "kh").replace("oe", "u").replace('j', "y");
    let mut out = String::with_capacity(marked.len());
    for c in marked.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// How similar two normal forms are (Jaro-Winkler), also word by word in
/// any order, so that "Siti Aminah" finds "Aminah Siti".
fn name_similarity(a: &str, b: &str) -> f64 {
    let whole = strsim::jaro_winkler(a, b);
    let mut aw: Vec<&str> = a.split(' ').collect();
    let mut bw: Vec<&str> = b.split(' ').collect();
    aw.sort_unstable();
    bw.sort_unstable();
    whole.max(strsim::jaro_winkler(&aw.join(" "), &bw.join(" ")))
}
