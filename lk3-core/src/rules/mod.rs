//! Rule sets: the regulation as data.
//!
//! A rule set lists the stages of a case, the allowed transitions, which roles
//! may issue each command and what each step requires. The code enforces the
//! table ([`crate::case::Case::decide`] looks every command up in it) and the
//! diagrams are exported from it ([`export`]), so the two cannot disagree.
//!
//! Adding a rule set (say `permensos-25-2017`) means adding a variant to
//! [`RuleSetId`] and a module like [`permensos_16_2013`] that builds its
//! table; nothing else changes, and cases opened under the old one keep
//! replaying under it.

pub mod export;
pub mod permensos_16_2013;
mod requirement;

use std::sync::LazyLock;

pub use requirement::Requirement;

use crate::case::CaseCommandKind;
use crate::label::{Labelled, labelled_enum};
use crate::vocab::{Role, Stage};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The stage the command is issued in; `None` for the command that opens a case.
    pub from: Option<Stage>,
    /// The stage after it (equal to `from` for in-stage commands such as recording consent).
    pub to: Stage,
    /// The command.
    pub command: CaseCommandKind,
    /// The roles that may issue it.
    pub roles: Vec<Role>,
    /// What must hold for it to be accepted.
    pub requires: Vec<Requirement>,
}

/// A rule set: the case lifecycle table and its lookup index.
#[derive(Debug)]
pub struct RuleSet {
    id: RuleSetId,
    source: &'static str,
    transitions: Vec<Transition>,
    terminal: Vec<Stage>,
    /// `index[from][command]`: the row for a (stage, command) pair. Row 0 of
    /// the first dimension is "no case yet".
    index: Vec<Vec<Option<usize>>>,
}

fn stage_slot(stage: Option<Stage>) -> usize {
    stage.map_or(0, |s| s as usize + 1)
}

impl RuleSet {
    /// Builds a rule set from its table; used by the rule-set modules.
    ///
    /// A (stage, command) pair must appear at most once: a later duplicate
    /// is ignored and reported by the rule-set tests.
    pub(crate) fn new(id: RuleSetId, source: &'static str, transitions: Vec<Transition>, terminal: Vec<Stage>) -> Self {
        let mut index = vec![vec![None; CaseCommandKind::ALL.len()]; Stage::ALL.len() + 1];
        for (row, t) in transitions.iter().enumerate() {
            let slot = &mut index[stage_slot(t.from)][t.command as usize];
            if slot.is_none() {
                *slot = Some(row);
            }
        }
        RuleSet { id, source, transitions, terminal, index }
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

    /// Every row of the case table, in presentation order.
    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    /// The stages in which a case is finished (unless reopened).
    pub fn terminal_stages(&self) -> &[Stage] {
        &self.terminal
    }

    /// The row for issuing `command` in `from` (`None`: no case yet), if the
    /// table allows it.
    #[inline]
    pub fn transition(&self, from: Option<Stage>, command: CaseCommandKind) -> Option<&Transition> {
        self.index[stage_slot(from)][command as usize].map(|row| &self.transitions[row])
    }

    /// The commands the table allows in `from`, in table order.
    pub fn allowed_commands(&self, from: Option<Stage>) -> Vec<CaseCommandKind> {
        CaseCommandKind::ALL.iter().copied().filter(|c| self.transition(from, *c).is_some()).collect()
    }

    /// The stages a case can be in under this rule set.
    pub fn stages(&self) -> Vec<Stage> {
        Stage::ALL
            .iter()
            .copied()
            .filter(|s| self.transitions.iter().any(|t| t.to == *s || t.from == Some(*s)))
            .collect()
    }
}
