//! Rule sets: the regulation as data, one value per regulation.
//!
//! A [`RuleSet`] bundles everything one regulation decides: the case table,
//! the service catalogue (each service's machine, whether it carries a
//! partner, whether it resolves a contact on the spot, its default
//! deadlines), the outreach machine and its visit limit, the sasaran it
//! accepts, its effective period and its sources. The machines read
//! everything from it ([`crate::Decider::decide`] looks every command up in
//! its tables) and the diagrams are exported from it ([`export`]), so the
//! two cannot disagree. This module depends on the vocabulary only.
//!
//! A case or outreach is opened under the rule set in force on its local
//! opening date ([`RuleSetId::in_force_on`]) unless the command's context
//! pins one, and is replayed under that rule set for ever.
//!
//! Adding a rule set: one folder like [`permensos_25_2017`] that builds its
//! value, and one line in the registry (`REGISTRY` in `rules/id.rs`); or, outside
//! lk3, build a [`RuleSet`] and [`register`] it.

mod catalogue;
pub mod export;
mod id;
pub mod permensos_16_2013;
pub mod permensos_25_2017;
mod requirement;
mod table;

pub use catalogue::{Deadline, OutreachSpec, OutreachTable, ServiceSpec, ServiceTable};
pub use id::{NAME_PATTERN, Period, RuleSetError, RuleSetId, register};
pub use requirement::{CaseRequirement, OutreachRequirement, Requirement, ServiceRequirement};
pub use table::{Row, Table};

use crate::label::Labelled;
use crate::vocab::{CaseCommandKind, Sasaran, ServiceKind, Stage};

/// One row of a rule set's case table.
pub type Transition = Row<Stage, CaseCommandKind, CaseRequirement>;

/// A rule set's case table.
pub type CaseTable = Table<Stage, CaseCommandKind, CaseRequirement>;

/// What any registered rule set gives, each value once, in vocabulary order:
/// for what holds before a stream has a rule set (the opening commands),
/// and for tables over every rule set's cases.
pub fn across_rule_sets<T: Labelled + PartialEq>(of: impl Fn(&'static RuleSet) -> Vec<T>) -> Vec<T> {
    let mut all: Vec<T> = RuleSetId::all().into_iter().flat_map(|r| of(r.rules())).collect();
    all.sort_by_key(|v| v.index());
    all.dedup();
    all
}

/// Everything one regulation decides. Build one (all fields are public) and
/// [`register`] it to use it; the shipped ones are registered from the start.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Its name, as documents carry it (`permensos-25-2017`; [`NAME_PATTERN`]).
    pub name: String,
    /// Its Indonesian title.
    pub title_id: String,
    /// Its English title.
    pub title_en: String,
    /// Where its rules come from, for the diagram and the docs.
    pub source: String,
    /// The local dates it is in force; `None`: never chosen by date, only pinned.
    pub effective: Option<Period>,
    /// The case lifecycle.
    pub case: CaseTable,
    /// The services a case can plan and open, in presentation order.
    pub services: Vec<ServiceSpec>,
    /// Outreach.
    pub outreach: OutreachSpec,
    /// The sasaran (who may be served) it names.
    pub sasaran: Vec<Sasaran>,
    /// The deadlines it sets on the work around a case (one per task at most).
    pub deadlines: Vec<Deadline>,
}

impl RuleSet {
    /// The rule set with the given id.
    ///
    /// ```
    /// use lk3_core::rules::{RuleSet, RuleSetId};
    /// use lk3_core::case::CaseCommandKind;
    /// use lk3_core::vocab::{Role, Stage};
    /// let rules = RuleSet::get(RuleSetId::permensos_16_2013());
    /// let t = rules.transition(Some(Stage::RencanaIntervensi), CaseCommandKind::ApprovePlan).unwrap();
    /// assert_eq!(t.to, Stage::Intervensi);
    /// assert_eq!(t.roles, vec![Role::Ketua]);
    /// ```
    pub fn get(id: RuleSetId) -> &'static RuleSet {
        id.rules()
    }

    /// How long after it arises the task falls due, if the rule set says.
    pub fn deadline(&self, task: crate::vocab::TaskKind) -> Option<chrono::Duration> {
        self.deadlines.iter().find(|d| d.task == task).map(|d| d.within)
    }

    /// Its id, once registered.
    pub fn id(&self) -> Option<RuleSetId> {
        RuleSetId::parse(&self.name)
    }

    /// Where the rules come from, for the diagram and the docs.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The case lifecycle table.
    pub fn case_table(&self) -> &CaseTable {
        &self.case
    }

    /// Every row of the case table, in presentation order.
    pub fn transitions(&self) -> &[Transition] {
        self.case.rows()
    }

    /// The stages in which a case is finished (unless reopened).
    pub fn terminal_stages(&self) -> &[Stage] {
        self.case.terminal()
    }

    /// The row for issuing `command` in `from` (`None`: no case yet), if the
    /// table allows it.
    #[inline]
    pub fn transition(&self, from: Option<Stage>, command: CaseCommandKind) -> Option<&Transition> {
        self.case.row(from, command)
    }

    /// The commands the table allows in `from`.
    pub fn allowed_commands(&self, from: Option<Stage>) -> Vec<CaseCommandKind> {
        self.case.allowed(from)
    }

    /// The stages a case can be in under this rule set.
    pub fn stages(&self) -> Vec<Stage> {
        self.case.states()
    }

    /// What the rule set says of a service, if it offers it.
    #[inline]
    pub fn service(&self, kind: ServiceKind) -> Option<&ServiceSpec> {
        self.services.iter().find(|s| s.kind == kind)
    }

    /// Its machines' names, in the export's order: `case`, each service of
    /// its catalogue, `penjangkauan`.
    pub fn machine_names(&self) -> Vec<&'static str> {
        std::iter::once("case")
            .chain(self.services.iter().map(|s| s.kind.id()))
            .chain(std::iter::once("penjangkauan"))
            .collect()
    }

    /// The services it offers inside a case, in presentation order.
    pub fn service_kinds(&self) -> Vec<ServiceKind> {
        self.services.iter().map(|s| s.kind).collect()
    }

    /// Checks the data holds together: one row per (state, command) in every
    /// table, one entry per service, outreach not among the case services, a
    /// response time for every service with a partner, one positive deadline
    /// per task that takes one.
    pub fn check(&self) -> Result<(), RuleSetError> {
        let invalid = |reason: String, reason_id: String| RuleSetError::Invalid {
            name: crate::json::cut(&self.name, 64),
            reason,
            reason_id,
        };
        let duplicate = |machine: &str| {
            invalid(
                format!("the {machine} table has two rows for one (state, command)"),
                format!("tabel {machine} memiliki dua baris untuk satu (keadaan, perintah)"),
            )
        };
        if self.case.has_duplicates() {
            return Err(duplicate("case"));
        }
        if self.outreach.table.has_duplicates() {
            return Err(duplicate("penjangkauan"));
        }
        for (i, s) in self.services.iter().enumerate() {
            if s.table.has_duplicates() {
                return Err(duplicate(s.kind.id()));
            }
            if self.services[..i].iter().any(|o| o.kind == s.kind) {
                return Err(invalid(
                    format!("the service {} is listed twice", s.kind.id()),
                    format!("layanan {} tercantum dua kali", s.kind.id()),
                ));
            }
            if !s.kind.is_case_service() {
                return Err(invalid(
                    format!("{} is not a service inside a case: it is the outreach machine", s.kind.id()),
                    format!("{} bukan layanan di dalam kasus: itu mesin penjangkauan", s.kind.id()),
                ));
            }
            if s.partner && s.response_time.is_none() {
                return Err(invalid(
                    format!("the service {} has a partner but no response time", s.kind.id()),
                    format!("layanan {} memiliki mitra tetapi tanpa batas waktu tanggapan", s.kind.id()),
                ));
            }
        }
        for (i, d) in self.deadlines.iter().enumerate() {
            let task = d.task.id();
            if self.deadlines[..i].iter().any(|o| o.task == d.task) {
                return Err(invalid(
                    format!("the deadline of {task} is listed twice"),
                    format!("batas waktu {task} tercantum dua kali"),
                ));
            }
            if d.within <= chrono::Duration::zero() {
                return Err(invalid(
                    format!("the deadline of {task} is not after the work arises"),
                    format!("batas waktu {task} tidak sesudah pekerjaan muncul"),
                ));
            }
            // A referral's answer and an outreach visit are due when the work says.
            if matches!(d.task, crate::vocab::TaskKind::JawabanRujukan | crate::vocab::TaskKind::KunjunganPenjangkauan)
            {
                return Err(invalid(
                    format!("{task} is due on the date its referral or schedule gives, not by a rule-set deadline"),
                    format!("{task} jatuh tempo pada tanggal rujukan atau jadwalnya, bukan batas waktu aturan"),
                ));
            }
        }
        Ok(())
    }
}
