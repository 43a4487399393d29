//! Analysis tables built column by column in Rust, handed to Python as
//! packed buffers (numbers, times, category codes) and lists (text), which
//! `lk3/_frames.py` turns into a pandas DataFrame or into records.
//!
//! Tables: `cases`, `services`, `referrals` (from the case projections),
//! `events` (every stored event, decoded lightly) and `clients` (the client
//! registry, for the clients the selected cases name). With a key, ids
//! become keyed pseudonyms, case numbers and identities are dropped, birth
//! dates become age bands (at the client's own date, not the day the table
//! is made), domiciles their kab/kota, and times their day, week or month
//! ([`Resolution`]): a neighbour who knows when someone came must not find
//! their row by the minute.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use lk3_core::Labelled;
use lk3_core::case::{Case, RiskLevel};
use lk3_core::ids::{KodeWilayah, Sex};
use lk3_core::rules::RuleSetId;
use lk3_core::schema::ClientRecord;
use lk3_core::service::{ServiceState, ServiceTable};
use lk3_core::vocab::{
    AidItem, ContactChannel, EmergencyReason, FundingSource, Problem, ProtectivePartner, Role, Sasaran, ServiceKind,
    Stage,
};
use lk3_storage::CaseSummary;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};
use serde::Deserialize;

use lk3_core::vocab::{AgeBand, age};
use lk3_storage::pseudonym::Keyed;

/// A null time in a `datetime` column (numpy's NaT).
const NAT: i64 = i64::MIN;

/// Text values, packed into one buffer.
#[derive(Default)]
pub struct Texts {
    buf: String,
    /// End offset in `buf` of each value; `None` for a null.
    ends: Vec<Option<usize>>,
}

impl Texts {
    fn push(&mut self, v: Option<&str>) {
        self.ends.push(v.map(|s| {
            self.buf.push_str(s);
            self.buf.len()
        }));
    }
}

/// A fast, non-cryptographic hasher for interning category names (the
/// Fx hash of rustc): the names are ids and vocabulary, not hostile input.
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A categorical column: codes into a list of categories (`-1` is null).
pub struct Categories {
    codes: Vec<i32>,
    index: HashMap<String, i32, BuildHasherDefault<Fx>>,
    names: Vec<String>,
    /// The last code pushed: runs of one value (a stream's events) skip the lookup.
    last: Option<i32>,
}

impl Categories {
    /// Categories discovered from the values, in order of first appearance.
    fn open() -> Self {
        Categories { codes: Vec::new(), index: HashMap::default(), names: Vec::new(), last: None }
    }

    /// Every value of a vocabulary, in its presentation order.
    fn vocabulary<T: Labelled>() -> Self {
        Self::fixed(T::ALL.iter().map(|v| v.id()))
    }

    /// A fixed list of categories (more may be added if met).
    fn fixed<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut c = Self::open();
        for n in names {
            c.intern(n);
        }
        c
    }

    fn intern(&mut self, v: &str) -> i32 {
        if let Some(last) = self.last
            && self.names.get(usize::try_from(last).unwrap_or(usize::MAX)).is_some_and(|n| n == v)
        {
            return last;
        }
        if let Some(code) = self.index.get(v) {
            self.last = Some(*code);
            return *code;
        }
        let code = i32::try_from(self.names.len()).unwrap_or(i32::MAX);
        self.names.push(v.to_owned());
        self.index.insert(v.to_owned(), code);
        self.last = Some(code);
        code
    }

    fn push(&mut self, v: Option<&str>) {
        let code = v.map_or(-1, |v| self.intern(v));
        self.codes.push(code);
    }
}

/// One column's values.
pub enum Data {
    /// 64-bit integers.
    Int(Vec<i64>),
    /// 64-bit integers that may be missing (pandas' nullable `Int64`, never a sentinel).
    OptInt(Vec<Option<i64>>),
    /// Calendar dates that may be missing (days since 1970-01-01).
    Date(Vec<Option<i64>>),
    /// Booleans.
    Bool(Vec<bool>),
    /// UTC times in microseconds since the epoch ([`NAT`] for null).
    Time(Vec<i64>),
    /// Categorical.
    Cat(Categories),
    /// Text.
    Text(Texts),
    /// A list of vocabulary ids per row.
    List(Vec<Vec<&'static str>>),
}

/// A table: named columns of equal length.
#[derive(Default)]
pub struct Table {
    columns: Vec<(&'static str, Data)>,
}

/// Where a column is, by position, for the builders below.
#[derive(Clone, Copy)]
struct Col(usize);

impl Table {
    fn add(&mut self, name: &'static str, data: Data) -> Col {
        self.columns.push((name, data));
        Col(self.columns.len() - 1)
    }

    fn data(&mut self, c: Col) -> &mut Data {
        &mut self.columns[c.0].1
    }

    fn int(&mut self, c: Col, v: i64) {
        if let Data::Int(x) = self.data(c) {
            x.push(v)
        }
    }

    fn opt_int(&mut self, c: Col, v: Option<i64>) {
        if let Data::OptInt(x) = self.data(c) {
            x.push(v)
        }
    }

    fn date(&mut self, c: Col, v: Option<NaiveDate>) {
        if let Data::Date(x) = self.data(c) {
            x.push(v.map(|d| (d - DateTime::UNIX_EPOCH.date_naive()).num_days()))
        }
    }

    fn boolean(&mut self, c: Col, v: bool) {
        if let Data::Bool(x) = self.data(c) {
            x.push(v)
        }
    }

    fn time(&mut self, c: Col, v: Option<DateTime<Utc>>) {
        if let Data::Time(x) = self.data(c) {
            x.push(v.map_or(NAT, |t| t.timestamp_micros()))
        }
    }

    fn cat(&mut self, c: Col, v: Option<&str>) {
        if let Data::Cat(x) = self.data(c) {
            x.push(v)
        }
    }

    fn text(&mut self, c: Col, v: Option<&str>) {
        if let Data::Text(x) = self.data(c) {
            x.push(v)
        }
    }

    fn list(&mut self, c: Col, v: Vec<&'static str>) {
        if let Data::List(x) = self.data(c) {
            x.push(v)
        }
    }

    /// Floors every time of every time column to `resolution`.
    pub fn coarsen(&mut self, resolution: Resolution) {
        const DAY: i64 = 86_400_000_000;
        for (_, data) in &mut self.columns {
            match data {
                Data::Time(v) => {
                    for t in v.iter_mut().filter(|t| **t != NAT) {
                        *t = resolution.floor(*t);
                    }
                }
                Data::Date(v) => {
                    for d in v.iter_mut().flatten() {
                        *d = resolution.floor(*d * DAY) / DAY;
                    }
                }
                _ => {}
            }
        }
    }

    /// Replaces every category of a categorical id column by its pseudonym.
    fn pseudonymise_categories(&mut self, c: Col, keyed: &Keyed) {
        if let Data::Cat(x) = self.data(c) {
            for name in &mut x.names {
                *name = keyed.pseudonym(name);
            }
            x.index.clear();
            x.last = None;
        }
    }

    /// The columns as Python tuples `(name, kind, data, categories)`:
    /// `int64`, `bool` and `datetime` (µs) as bytes in native byte order,
    /// `category` as int32 codes with a list of categories, `string` and
    /// `list` as Python lists.
    pub fn into_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
        let none = py.None();
        let mut out = Vec::with_capacity(self.columns.len());
        for (name, data) in self.columns {
            let (kind, values, categories): (&str, Bound<'_, PyAny>, Bound<'_, PyAny>) = match data {
                Data::Int(v) => ("int64", bytes(py, &v, i64::to_ne_bytes).into_any(), none.bind(py).clone()),
                Data::OptInt(v) => ("Int64", masked(py, &v)?.into_any(), none.bind(py).clone()),
                Data::Date(v) => ("date", masked(py, &v)?.into_any(), none.bind(py).clone()),
                Data::Time(v) => ("datetime", bytes(py, &v, i64::to_ne_bytes).into_any(), none.bind(py).clone()),
                Data::Bool(v) => {
                    let raw: Vec<u8> = v.into_iter().map(u8::from).collect();
                    ("bool", PyBytes::new(py, &raw).into_any(), none.bind(py).clone())
                }
                Data::Cat(c) => (
                    "category",
                    bytes(py, &c.codes, i32::to_ne_bytes).into_any(),
                    PyList::new(py, &c.names)?.into_any(),
                ),
                Data::Text(t) => {
                    let mut start = 0;
                    let items = t.ends.iter().map(|end| match end {
                        Some(end) => {
                            let s = &t.buf[start..*end];
                            start = *end;
                            Some(s)
                        }
                        None => None,
                    });
                    ("string", PyList::new(py, items)?.into_any(), none.bind(py).clone())
                }
                Data::List(v) => ("list", PyList::new(py, v)?.into_any(), none.bind(py).clone()),
            };
            out.push(PyTuple::new(
                py,
                [name.into_pyobject(py)?.into_any(), kind.into_pyobject(py)?.into_any(), values, categories],
            )?);
        }
        PyList::new(py, out)
    }
}

/// Optional integers as a pair of buffers: the values (0 where missing)
/// and a byte per row, 1 where the value is missing.
fn masked<'py>(py: Python<'py>, v: &[Option<i64>]) -> PyResult<Bound<'py, PyTuple>> {
    let values: Vec<i64> = v.iter().map(|x| x.unwrap_or(0)).collect();
    let mask: Vec<u8> = v.iter().map(|x| u8::from(x.is_none())).collect();
    PyTuple::new(py, [bytes(py, &values, i64::to_ne_bytes).into_any(), PyBytes::new(py, &mask).into_any()])
}

fn bytes<'py, T: Copy, const N: usize>(py: Python<'py>, v: &[T], f: fn(T) -> [u8; N]) -> Bound<'py, PyBytes> {
    let mut raw = Vec::with_capacity(v.len() * N);
    for x in v {
        raw.extend_from_slice(&f(*x));
    }
    PyBytes::new(py, &raw)
}

/// How finely a table shows times: each becomes the start (00:00 UTC) of
/// its day, its ISO week (a Monday) or its month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// The day.
    Date,
    /// The ISO week, from Monday.
    Week,
    /// The calendar month.
    Month,
}

impl Resolution {
    /// Every resolution, finest first.
    pub const ALL: [Resolution; 3] = [Resolution::Date, Resolution::Week, Resolution::Month];

    /// Its name in the Python API.
    pub fn name(self) -> &'static str {
        match self {
            Resolution::Date => "date",
            Resolution::Week => "week",
            Resolution::Month => "month",
        }
    }

    /// The resolution named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Microseconds since the epoch, floored to the start of the period.
    fn floor(self, micros: i64) -> i64 {
        const DAY: i64 = 86_400_000_000;
        let day = micros.div_euclid(DAY);
        match self {
            Resolution::Date => day * DAY,
            // Day 0, 1970-01-01, was a Thursday: weeks start 3 days before it.
            Resolution::Week => (day - (day + 3).rem_euclid(7)) * DAY,
            Resolution::Month => DateTime::from_timestamp_micros(micros)
                .and_then(|t| t.date_naive().with_day(1))
                .map_or(day * DAY, |d| d.and_time(NaiveTime::MIN).and_utc().timestamp_micros()),
        }
    }
}

/// How a table is made: pseudonymised or not, at which moment ("overdue"
/// is judged at `now`), ages on which date, times how finely.
pub struct Options {
    /// The pseudonymisation key; `None` for plain ids.
    pub keyed: Option<Keyed>,
    /// When referrals are judged overdue.
    pub now: DateTime<Utc>,
    /// The date every age is computed on; `None`: each client's own date
    /// (the day the first of their cases was opened).
    pub age_as_of: Option<NaiveDate>,
    /// Times floored to this; `None`: exact.
    pub resolution: Option<Resolution>,
}

impl Options {
    fn id(&self, id: &str) -> String {
        match &self.keyed {
            Some(k) => k.pseudonym(id),
            None => id.to_owned(),
        }
    }
}

/// The `cases` table: one row per case.
pub fn cases(summaries: &[CaseSummary], o: &Options) -> Table {
    let mut t = Table::default();
    let unit = t.add("unit", Data::Cat(Categories::open()));
    let case_id = t.add("case_id", Data::Text(Texts::default()));
    let number = o.keyed.is_none().then(|| t.add("case_number", Data::Text(Texts::default())));
    let stage = t.add("stage", Data::Cat(Categories::vocabulary::<Stage>()));
    let opened = t.add("opened_at", Data::Time(Vec::new()));
    let last = t.add("last_at", Data::Time(Vec::new()));
    let version = t.add("events", Data::Int(Vec::new()));
    let worker = t.add("worker", Data::Cat(Categories::open()));
    let risk = t.add("risk", Data::Cat(Categories::vocabulary::<RiskLevel>()));
    let channel = t.add("channel", Data::Cat(Categories::vocabulary::<ContactChannel>()));
    let sasaran = t.add("sasaran", Data::Cat(Categories::vocabulary::<Sasaran>()));
    let problems = t.add("problems", Data::List(Vec::new()));
    let clients = t.add("clients", Data::Int(Vec::new()));
    let services = t.add("services", Data::Int(Vec::new()));
    let referrals = t.add("referrals", Data::Int(Vec::new()));
    let consents = t.add("consents", Data::Int(Vec::new()));
    let overdue = t.add("overdue_referral", Data::Bool(Vec::new()));
    for s in summaries {
        t.cat(unit, Some(&s.unit.to_string()));
        t.text(case_id, Some(&o.id(&s.case_id.to_string())));
        if let Some(c) = number {
            t.text(c, s.case_number.as_ref().map(ToString::to_string).as_deref());
        }
        t.cat(stage, Some(s.stage.id()));
        t.time(opened, Some(s.opened_at));
        t.time(last, Some(s.last_at));
        t.int(version, count(s.version));
        t.cat(worker, s.worker.map(|w| w.to_string()).as_deref());
        t.cat(risk, s.risk.map(Labelled::id));
        t.cat(channel, s.channel.map(Labelled::id));
        t.cat(sasaran, s.sasaran.map(Labelled::id));
        t.list(problems, s.problems.iter().map(|p: &Problem| p.id()).collect());
        t.int(clients, count(s.clients.len()));
        t.int(services, count(s.services.len()));
        t.int(referrals, count(s.services.iter().filter(|v| v.kind == ServiceKind::Rujukan).count()));
        t.int(consents, count(s.consents.len()));
        t.boolean(overdue, s.has_overdue_referral(o.now));
    }
    if let Some(k) = &o.keyed {
        t.pseudonymise_categories(worker, k);
    }
    t
}

/// A count as an `int64` value (saturating: no table holds 2^63 of anything).
fn count(n: impl TryInto<i64>) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

/// The `services` table (every service instance of every case) or, with
/// `referrals_only`, the `referrals` table (rujukan only, with its own states).
pub fn services(summaries: &[CaseSummary], o: &Options, referrals_only: bool) -> Table {
    // Every rule set's referral machine: a case's referral follows its own rule set's.
    let rujukan: Vec<&ServiceTable> = RuleSetId::all()
        .into_iter()
        .filter_map(|r| r.rules().service(ServiceKind::Rujukan))
        .map(|s| &s.table)
        .collect();
    let mut t = Table::default();
    let unit = t.add("unit", Data::Cat(Categories::open()));
    let case_id = t.add("case_id", Data::Text(Texts::default()));
    let service_id = t.add("service_id", Data::Text(Texts::default()));
    let kind = (!referrals_only).then(|| t.add("kind", Data::Cat(Categories::vocabulary::<ServiceKind>())));
    let state = if referrals_only {
        let states = lk3_core::rules::across_rule_sets(|r| {
            r.service(ServiceKind::Rujukan).map(|s| s.table.states()).unwrap_or_default()
        });
        t.add("state", Data::Cat(Categories::fixed(states.iter().map(|s| s.id()))))
    } else {
        t.add("state", Data::Cat(Categories::vocabulary::<ServiceState>()))
    };
    // An organisation, not a person: kept as is, as in the events table.
    let partner_id = t.add("partner_id", Data::Cat(Categories::open()));
    let deadline = t.add("response_deadline", Data::Time(Vec::new()));
    let overdue = t.add("overdue", Data::Bool(Vec::new()));
    let closed = referrals_only.then(|| t.add("closed", Data::Bool(Vec::new())));
    let stage = t.add("case_stage", Data::Cat(Categories::vocabulary::<Stage>()));
    let opened = t.add("case_opened_at", Data::Time(Vec::new()));
    for s in summaries {
        let case = o.id(&s.case_id.to_string());
        let unit_code = s.unit.to_string();
        for v in s.services.iter().filter(|v| !referrals_only || v.kind == ServiceKind::Rujukan) {
            t.cat(unit, Some(&unit_code));
            t.text(case_id, Some(&case));
            t.text(service_id, Some(&o.id(&v.service_id.to_string())));
            if let Some(c) = kind {
                t.cat(c, Some(v.kind.id()));
            }
            t.cat(state, Some(v.state.id()));
            t.cat(partner_id, v.partner_id.map(|p| p.to_string()).as_deref());
            t.time(deadline, v.response_deadline);
            let late = v.state == ServiceState::Dikirim && v.response_deadline.is_some_and(|d| o.now > d);
            t.boolean(overdue, late);
            if let Some(c) = closed {
                t.boolean(c, rujukan.iter().any(|t| t.is_terminal(v.state)));
            }
            t.cat(stage, Some(s.stage.id()));
            t.time(opened, Some(s.opened_at));
        }
    }
    t
}

/// The `aid` table: one row per aid handed over in the selected cases
/// (folded from their events: aid is in no projection).
pub fn aid(cases: &[Case], o: &Options) -> Table {
    let mut t = Table::default();
    let unit = t.add("unit", Data::Cat(Categories::open()));
    let case_id = t.add("case_id", Data::Text(Texts::default()));
    let aid_id = t.add("aid_id", Data::Text(Texts::default()));
    let funding = t.add("funding", Data::Cat(Categories::vocabulary::<FundingSource>()));
    let given_on = t.add("given_on", Data::Date(Vec::new()));
    let item = t.add("item", Data::Cat(Categories::vocabulary::<AidItem>()));
    let quantity = t.add("quantity", Data::Int(Vec::new()));
    let recipient = t.add("recipient", Data::Text(Texts::default()));
    let stage = t.add("case_stage", Data::Cat(Categories::vocabulary::<Stage>()));
    for case in cases {
        // The unit that opened the case, as in the other tables (and the `unit` filter).
        let (Some(u), Some(id)) = (case.unit(), case.case_id()) else { continue };
        let (u, id) = (u.to_string(), o.id(&id.to_string()));
        for a in case.aid() {
            t.cat(unit, Some(&u));
            t.text(case_id, Some(&id));
            t.text(aid_id, Some(&o.id(&a.aid_id.to_string())));
            t.cat(funding, Some(a.funding.id()));
            t.date(given_on, Some(a.given_on));
            t.cat(item, Some(a.item.id()));
            t.int(quantity, i64::from(a.quantity));
            t.text(recipient, Some(&o.id(&a.recipient.to_string())));
            t.cat(stage, case.stage().map(Labelled::id));
        }
    }
    t
}

/// The `protective_referrals` table: one row per emergency protective
/// referral sent from the selected cases, where it stands in the referral
/// machine (folded from their events).
pub fn protective_referrals(cases: &[Case], o: &Options) -> Table {
    let mut t = Table::default();
    let unit = t.add("unit", Data::Cat(Categories::open()));
    let case_id = t.add("case_id", Data::Text(Texts::default()));
    let referral_id = t.add("referral_id", Data::Text(Texts::default()));
    let partner = t.add("partner", Data::Cat(Categories::vocabulary::<ProtectivePartner>()));
    // An organisation, not a person: kept as is, as in the events table.
    let partner_id = t.add("partner_id", Data::Cat(Categories::open()));
    let reason = t.add("reason", Data::Cat(Categories::vocabulary::<EmergencyReason>()));
    let state = t.add("state", Data::Cat(Categories::vocabulary::<ServiceState>()));
    let consent_override = t.add("consent_override", Data::Bool(Vec::new()));
    let sent_at = t.add("sent_at", Data::Time(Vec::new()));
    let stage = t.add("case_stage", Data::Cat(Categories::vocabulary::<Stage>()));
    for case in cases {
        // The unit that opened the case, as in the other tables (and the `unit` filter).
        let (Some(u), Some(id)) = (case.unit(), case.case_id()) else { continue };
        let (u, id) = (u.to_string(), o.id(&id.to_string()));
        for r in case.protective_referrals() {
            t.cat(unit, Some(&u));
            t.text(case_id, Some(&id));
            t.text(referral_id, Some(&o.id(&r.referral_id.to_string())));
            t.cat(partner, Some(r.partner.id()));
            t.cat(partner_id, r.partner_id.map(|p| p.to_string()).as_deref());
            t.cat(reason, Some(r.reason.id()));
            t.cat(state, Some(r.state.id()));
            t.boolean(consent_override, r.consent_override);
            t.time(sent_at, Some(r.sent_at));
            t.cat(stage, case.stage().map(Labelled::id));
        }
    }
    t
}

/// A client of the selected cases, as the `clients` table shows it.
pub struct ClientRow {
    /// The registry record.
    pub record: ClientRecord,
    /// How many of the cases name the client.
    pub cases: u64,
    /// When the first of them was opened: the client's age is taken then.
    pub since: DateTime<Utc>,
}

impl ClientRow {
    fn age(&self, o: &Options) -> Option<u32> {
        let on = o.age_as_of.unwrap_or_else(|| self.since.date_naive());
        self.record.birth_date.and_then(|born| age(born, on))
    }
}

/// The `clients` table: one row per client of the selected cases whose
/// identity the registry holds (erased clients have none).
pub fn clients(rows: &[ClientRow], o: &Options) -> Table {
    let mut t = Table::default();
    let unit = t.add("unit", Data::Cat(Categories::open()));
    let client_id = t.add("client_id", Data::Text(Texts::default()));
    let sex = t.add("sex", Data::Cat(Categories::vocabulary::<Sex>()));
    let cases = t.add("cases", Data::Int(Vec::new()));
    if o.keyed.is_some() {
        let band = t.add("age_band", Data::Cat(Categories::vocabulary::<AgeBand>()));
        let kab = t.add("domicile_kab_kota", Data::Cat(Categories::open()));
        for row in rows {
            let r = &row.record;
            t.cat(unit, Some(&r.unit.to_string()));
            t.text(client_id, Some(&o.id(&r.client_id.to_string())));
            t.cat(sex, r.sex.map(Labelled::id));
            t.int(cases, count(row.cases));
            t.cat(band, row.age(o).map(|a| AgeBand::of_age(a).id()));
            let k = r.domicile.as_ref().and_then(KodeWilayah::kab_kota_code).map(|k| k.to_string());
            t.cat(kab, k.as_deref());
        }
    } else {
        let name = t.add("name", Data::Text(Texts::default()));
        let nik = t.add("nik", Data::Text(Texts::default()));
        let no_kk = t.add("no_kk", Data::Text(Texts::default()));
        let birth = t.add("birth_date", Data::Date(Vec::new()));
        let age_col = t.add("age", Data::OptInt(Vec::new()));
        let domicile = t.add("domicile", Data::Text(Texts::default()));
        for row in rows {
            let r = &row.record;
            t.cat(unit, Some(&r.unit.to_string()));
            t.text(client_id, Some(&r.client_id.to_string()));
            t.cat(sex, r.sex.map(Labelled::id));
            t.int(cases, count(row.cases));
            t.text(name, Some(&r.name));
            t.text(nik, r.nik.as_ref().map(ToString::to_string).as_deref());
            t.text(no_kk, r.no_kk.as_ref().map(ToString::to_string).as_deref());
            t.date(birth, r.birth_date);
            t.opt_int(age_col, row.age(o).map(i64::from));
            t.text(domicile, r.domicile.as_ref().map(ToString::to_string).as_deref());
        }
    }
    t
}

/// The fields of a stored event the `events` table shows, read without
/// decoding the whole payload.
#[derive(Deserialize)]
struct EventFields<'a> {
    #[serde(borrow)]
    event_id: Cow<'a, str>,
    #[serde(borrow)]
    stream_id: Cow<'a, str>,
    seq: i64,
    #[serde(borrow)]
    occurred_at: Cow<'a, str>,
    #[serde(borrow)]
    actor: ActorFields<'a>,
    #[serde(borrow)]
    command_id: Cow<'a, str>,
    #[serde(borrow)]
    rule_set: Cow<'a, str>,
    #[serde(borrow)]
    payload: PayloadFields<'a>,
}

#[derive(Deserialize)]
struct ActorFields<'a> {
    #[serde(borrow, default)]
    partner_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    role: Cow<'a, str>,
    #[serde(borrow)]
    staff_id: Cow<'a, str>,
}

#[derive(Deserialize)]
struct PayloadFields<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    service_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    step: Option<StepFields<'a>>,
    #[serde(default)]
    consent_override: bool,
}

#[derive(Deserialize)]
struct StepFields<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
}

/// Builds the `events` table, a stream or a row at a time.
pub struct EventsBuilder {
    t: Table,
    c: [Col; 15],
    keyed: Option<Keyed>,
}

impl EventsBuilder {
    /// An empty table.
    pub fn new(keyed: Option<Keyed>) -> Self {
        let mut t = Table::default();
        let c = [
            t.add("unit", Data::Cat(Categories::open())),
            t.add("stream_kind", Data::Cat(Categories::fixed(["case", "outreach"]))),
            t.add("stream_id", Data::Cat(Categories::open())),
            t.add("seq", Data::Int(Vec::new())),
            t.add("event_id", Data::Text(Texts::default())),
            t.add("occurred_at", Data::Time(Vec::new())),
            t.add("type", Data::Cat(Categories::open())),
            t.add("role", Data::Cat(Categories::vocabulary::<Role>())),
            t.add("staff_id", Data::Cat(Categories::open())),
            // The partner a `mitra` acted for (an organisation, not a person).
            t.add("partner_id", Data::Cat(Categories::open())),
            t.add("command_id", Data::Text(Texts::default())),
            t.add("rule_set", Data::Cat(Categories::fixed(RuleSetId::all().into_iter().map(RuleSetId::id)))),
            t.add("service_id", Data::Text(Texts::default())),
            t.add("step", Data::Cat(Categories::open())),
            t.add("consent_override", Data::Bool(Vec::new())),
        ];
        EventsBuilder { t, c, keyed }
    }

    /// Adds one stored event (its body, the whole event as JSON); `place`
    /// gives the unit and kind of the stream the event names.
    pub fn row<'m>(
        &mut self,
        body: &str,
        place: impl FnOnce(&str) -> Option<(&'m str, &'m str)>,
    ) -> Result<(), String> {
        let [unit, kind, stream, seq, event_id, at, ty, role, staff, partner, command, rule_set, service, step, flag] =
            self.c;
        let f: EventFields<'_> = serde_json::from_str(body).map_err(|e| e.to_string())?;
        let (unit_code, stream_kind) =
            place(&f.stream_id).ok_or_else(|| format!("event of an unknown stream {}", f.stream_id))?;
        let micros = micros(&f.occurred_at).ok_or_else(|| format!("not an RFC 3339 time: {:?}", f.occurred_at))?;
        let t = &mut self.t;
        t.cat(unit, Some(unit_code));
        t.cat(kind, Some(stream_kind));
        t.cat(stream, Some(&f.stream_id));
        t.int(seq, f.seq);
        match &self.keyed {
            Some(k) => {
                t.text(event_id, Some(&k.pseudonym(&f.event_id)));
                t.text(command, Some(&k.pseudonym(&f.command_id)));
                t.text(service, f.payload.service_id.as_deref().map(|s| k.pseudonym(s)).as_deref());
            }
            None => {
                t.text(event_id, Some(&f.event_id));
                t.text(command, Some(&f.command_id));
                t.text(service, f.payload.service_id.as_deref());
            }
        }
        if let Data::Time(x) = t.data(at) {
            x.push(micros);
        }
        t.cat(ty, Some(&f.payload.kind));
        t.cat(role, Some(&f.actor.role));
        t.cat(staff, Some(&f.actor.staff_id));
        t.cat(partner, f.actor.partner_id.as_deref());
        t.cat(rule_set, Some(&f.rule_set));
        t.cat(step, f.payload.step.as_ref().map(|s| s.kind.as_ref()));
        t.boolean(flag, f.payload.consent_override);
        Ok(())
    }

    /// The finished table.
    pub fn finish(mut self) -> Table {
        if let Some(k) = self.keyed.take() {
            let [_, _, stream, _, _, _, _, _, staff, ..] = self.c;
            self.t.pseudonymise_categories(stream, &k);
            self.t.pseudonymise_categories(staff, &k);
        }
        self.t
    }
}

/// Microseconds since the epoch of an RFC 3339 time. The form the core
/// writes (`2019-03-04T13:15:00.123456Z`) is read by hand; any other by chrono.
fn micros(text: &str) -> Option<i64> {
    fast_micros(text.as_bytes())
        .or_else(|| DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc).timestamp_micros()))
}

fn fast_micros(b: &[u8]) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut v = 0i64;
        for &c in b.get(r)? {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Some(v)
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if b.last() != Some(&b'Z') {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let fraction = match b.len() - 20 {
        0 => 0,
        n if b[19] == b'.' && (2..=7).contains(&n) => {
            let digits = n - 1;
            num(20..20 + digits)? * 10i64.pow(u32::try_from(6 - digits).ok()?)
        }
        _ => return None,
    };
    // Days from the civil date (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + hh * 3600 + mm * 60 + ss) * 1_000_000) + fraction)
}
