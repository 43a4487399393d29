//! Rule sets: the regulation as data.
//!
//! A rule set lists the stages of a case, the allowed transitions, which roles
//! may issue each command and what each step requires. The code enforces the
//! table ([`Case::decide`](crate::Decider::decide) looks every command up in it) and the
//! diagrams are exported from it ([`export`]), so the two cannot disagree.
//!
//! Adding a rule set (say `permensos-25-2017`) means adding a variant to
//! [`RuleSetId`] and a module like [`permensos_16_2013`] that builds its
//! table; nothing else changes, and cases opened under the old one keep
//! replaying under it.

pub mod export;
pub mod permensos_16_2013;
mod requirement;
mod table;

use std::sync::LazyLock;

pub use requirement::{CaseRequirement, OutreachRequirement, Requirement, ServiceRequirement};
pub use table::{Row, Table};

use crate::case::CaseCommandKind;
use crate::label::labelled_enum;
use crate::vocab::Stage;

labelled_enum! {
    /// The rule sets this library knows. A case records the one it was opened
    /// under and is always replayed under it. The default is `permensos-16-2013`.
    #[derive(Default)]
    pub enum RuleSetId {
        /// Permensos 16/2013 tentang Lembaga Konsultasi Kesejahteraan Keluarga.
        #[default]
        Permensos16_2013 = ("permensos-16-2013", "Permensos 16/2013 tentang LK3", "Minister of Social Affairs Regulation 16/2013 on LK3"),
    }
}

/// One row of a rule set's case table.
pub type Transition = Row<Stage, CaseCommandKind, CaseRequirement>;

/// A rule set's case table.
pub type CaseTable = Table<Stage, CaseCommandKind, CaseRequirement>;

/// A rule set: the case lifecycle table (the service and outreach machines
/// join it in their own modules).
#[derive(Debug)]
pub struct RuleSet {
    id: RuleSetId,
    source: &'static str,
    case: CaseTable,
}

impl RuleSet {
    /// Builds a rule set from its case table; used by the rule-set modules.
    pub(crate) fn new(id: RuleSetId, source: &'static str, transitions: Vec<Transition>, terminal: Vec<Stage>) -> Self {
        RuleSet { id, source, case: Table::new(transitions, terminal) }
    }

    /// The rule set with the given id.
    ///
    /// ```
    /// use lk3_core::rules::{RuleSet, RuleSetId};
    /// use lk3_core::case::CaseCommandKind;
    /// use lk3_core::vocab::{Role, Stage};
    /// let rules = RuleSet::get(RuleSetId::Permensos16_2013);
    /// let t = rules.transition(Some(Stage::RencanaIntervensi), CaseCommandKind::ApprovePlan).unwrap();
    /// assert_eq!(t.to, Stage::Intervensi);
    /// assert_eq!(t.roles, vec![Role::Ketua]);
    /// ```
    pub fn get(id: RuleSetId) -> &'static RuleSet {
        static PERMENSOS_16_2013: LazyLock<RuleSet> = LazyLock::new(permensos_16_2013::rule_set);
        match id {
            RuleSetId::Permensos16_2013 => &PERMENSOS_16_2013,
        }
    }

    /// The rule set's id.
    pub fn id(&self) -> RuleSetId {
        self.id
    }

    /// Where the rules come from, for the diagram and the docs.
    pub fn source(&self) -> &'static str {
        self.source
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
}
