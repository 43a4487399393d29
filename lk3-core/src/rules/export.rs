//! Exports a rule set as JSON, Mermaid or Graphviz DOT, straight from the
//! table the code enforces.
//!
//! The JSON form lists every row, in-stage commands (recording consent, a
//! protective referral ...) included as rows whose `from` equals `to`. The
//! two diagrams draw the stage changes only, and list each stage's in-stage
//! commands in a comment, so that they stay readable.

use serde::{Deserialize, Serialize};

use super::{Requirement, RuleSet, RuleSetId, Table};
use crate::label::Labelled;
use crate::vocab::Role;

/// A rule set as exported: `{"rule_set": ..., "machines": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleSetExport {
    /// The rule set's id.
    pub rule_set: RuleSetId,
    /// Its Indonesian name.
    pub label_id: String,
    /// Its English name.
    pub label_en: String,
    /// Where its rules come from.
    pub source: String,
    /// Its state machines: `case`, then the services (`informasi`,
    /// `konsultasi`, `konseling`, `advokasi`, `rujukan`) and `penjangkauan`.
    pub machines: Vec<MachineExport>,
}

/// One state machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MachineExport {
    /// `case`, or a service name.
    pub name: String,
    /// Its states.
    pub states: Vec<StateExport>,
    /// Its transitions.
    pub transitions: Vec<TransitionExport>,
}

/// One state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StateExport {
    /// The state's id.
    pub id: String,
    /// Indonesian label.
    pub label_id: String,
    /// English label.
    pub label_en: String,
    /// Whether the machine's work is finished in this state.
    pub terminal: bool,
}

/// One transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TransitionExport {
    /// The state it is issued in; `null` for the command that creates the machine.
    pub from: Option<String>,
    /// The state after it.
    pub to: String,
    /// The command's id.
    pub command: String,
    /// Roles that may issue it.
    pub roles: Vec<Role>,
    /// What it requires.
    pub requires: Vec<Requirement>,
}

/// The rule set's exported form.
///
/// ```
/// use lk3_core::rules::{export, RuleSet, RuleSetId};
/// let doc = export::to_export(RuleSet::get(RuleSetId::Permensos16_2013));
/// let names: Vec<&str> = doc.machines.iter().map(|m| m.name.as_str()).collect();
/// assert_eq!(names, ["case", "informasi", "konsultasi", "konseling", "advokasi", "rujukan", "penjangkauan"]);
/// assert_eq!(doc.machines[0].states.len(), 11);
/// ```
pub fn to_export(rules: &RuleSet) -> RuleSetExport {
    RuleSetExport {
        rule_set: rules.id(),
        label_id: rules.id().label_id().to_owned(),
        label_en: rules.id().label_en().to_owned(),
        source: rules.source().to_owned(),
        machines: std::iter::once(machine("case", rules.case_table()))
            .chain(crate::service::machine_exports(rules.id()))
            .chain(std::iter::once(crate::outreach::machine_export(rules.id())))
            .collect(),
    }
}

/// The exported form of one machine table.
pub fn machine<S: Labelled + PartialEq, C: Labelled + PartialEq, R: Copy + Into<Requirement>>(
    name: &str,
    table: &Table<S, C, R>,
) -> MachineExport {
    let states = table
        .states()
        .into_iter()
        .map(|s| StateExport {
            id: s.id().to_owned(),
            label_id: s.label_id().to_owned(),
            label_en: s.label_en().to_owned(),
            terminal: table.is_terminal(s),
        })
        .collect();
    let transitions = table
        .rows()
        .iter()
        .map(|t| TransitionExport {
            from: t.from.map(|s| s.id().to_owned()),
            to: t.to.id().to_owned(),
            command: t.command.id().to_owned(),
            roles: t.roles.clone(),
            requires: t.requires.iter().map(|r| (*r).into()).collect(),
        })
        .collect();
    MachineExport { name: name.to_owned(), states, transitions }
}

/// Pretty JSON of [`to_export`], ending in a newline.
pub fn to_json(rules: &RuleSet) -> String {
    // Serialising plain strings and enums into a String cannot fail.
    let mut s = serde_json::to_string_pretty(&to_export(rules)).unwrap_or_default();
    s.push('\n');
    s
}

fn in_stage_commands(machine: &MachineExport, state: &str) -> Vec<String> {
    machine
        .transitions
        .iter()
        .filter(|t| t.from.as_deref() == Some(state) && t.to == state)
        .map(|t| t.command.clone())
        .collect()
}

/// The diagram id of a state: the case's stages as they are, other
/// machines' states prefixed with the machine (`rujukan__selesai`), since
/// several machines share state ids.
fn node(machine: &MachineExport, state: &str, flat: bool) -> String {
    if flat || machine.name == "case" { state.to_owned() } else { format!("{}__{state}", machine.name) }
}

fn mermaid_body(out: &mut String, m: &MachineExport, indent: &str, flat: bool) {
    for s in &m.states {
        out.push_str(&format!("{indent}state \"{}\" as {}\n", s.label_id, node(m, &s.id, flat)));
    }
    for t in m.transitions.iter().filter(|t| t.from.as_deref() != Some(t.to.as_str())) {
        let from = t.from.as_deref().map_or_else(|| "[*]".to_owned(), |f| node(m, f, flat));
        out.push_str(&format!("{indent}{from} --> {} : {}\n", node(m, &t.to, flat), t.command));
    }
    for s in m.states.iter().filter(|s| s.terminal) {
        out.push_str(&format!("{indent}{} --> [*]\n", node(m, &s.id, flat)));
    }
    for s in &m.states {
        let cmds = in_stage_commands(m, &s.id);
        if !cmds.is_empty() {
            out.push_str(&format!("{indent}%% in {}: {}\n", s.id, cmds.join(", ")));
        }
    }
}

/// A Mermaid `stateDiagram-v2` of every machine's state changes: the case at
/// the top level, each service and the outreach as a composite state.
///
/// ```
/// use lk3_core::rules::{export, RuleSet, RuleSetId};
/// let m = export::to_mermaid(RuleSet::get(RuleSetId::Permensos16_2013));
/// assert!(m.starts_with("stateDiagram-v2"));
/// assert!(m.contains("rencana_intervensi --> intervensi : approve_plan"));
/// assert!(m.contains("rujukan__dikirim --> rujukan__ditolak : reject"));
/// ```
pub fn to_mermaid(rules: &RuleSet) -> String {
    let doc = to_export(rules);
    let mut out = String::from("stateDiagram-v2\n");
    for m in &doc.machines {
        out.push_str(&format!("    %% {} / {}: generated by `lk3 diagram --format mermaid`\n", doc.rule_set, m.name));
        if m.name == "case" {
            mermaid_body(&mut out, m, "    ", false);
        } else {
            out.push_str(&format!("    state \"{}\" as {} {{\n", m.name, m.name));
            mermaid_body(&mut out, m, "        ", false);
            out.push_str("    }\n");
        }
    }
    out
}

/// A Mermaid `stateDiagram-v2` of one machine (`case`, `rujukan` ...), or
/// `None` when the rule set has no machine of that name.
///
/// ```
/// use lk3_core::rules::{export, RuleSet, RuleSetId};
/// let m = export::to_mermaid_machine(RuleSet::get(RuleSetId::default()), "rujukan").unwrap();
/// assert!(m.contains("dikirim --> ditolak : reject"));
/// assert!(export::to_mermaid_machine(RuleSet::get(RuleSetId::default()), "x").is_none());
/// ```
pub fn to_mermaid_machine(rules: &RuleSet, name: &str) -> Option<String> {
    let doc = to_export(rules);
    let m = doc.machines.iter().find(|m| m.name == name)?;
    let mut out = String::from("stateDiagram-v2\n");
    out.push_str(&format!(
        "    %% {} / {}: generated by `lk3 diagram --format mermaid --machine {}`\n",
        doc.rule_set, m.name, m.name
    ));
    mermaid_body(&mut out, m, "    ", true);
    Some(out)
}

/// A Graphviz DOT digraph of each machine's state changes, one cluster per machine.
///
/// ```
/// use lk3_core::rules::{export, RuleSet, RuleSetId};
/// let d = export::to_dot(RuleSet::get(RuleSetId::Permensos16_2013));
/// assert!(d.starts_with("digraph"));
/// assert!(d.contains("\"kontak\" -> \"registrasi\" [label=\"register\"]"));
/// assert!(d.contains("\"rujukan__diproses\" -> \"rujukan__selesai\" [label=\"complete\"]"));
/// ```
pub fn to_dot(rules: &RuleSet) -> String {
    let doc = to_export(rules);
    let mut out = format!("digraph \"{}\" {{\n    rankdir=LR;\n    node [shape=box, style=rounded];\n", doc.rule_set);
    for m in &doc.machines {
        out.push_str(&format!("    subgraph \"cluster_{}\" {{\n        label=\"{}\";\n", m.name, m.name));
        out.push_str(&format!("        \"{}__start\" [shape=point, label=\"\"];\n", m.name));
        for s in &m.states {
            let extra = if s.terminal { ", peripheries=2" } else { "" };
            out.push_str(&format!(
                "        \"{}\" [label=\"{}\\n({})\"{extra}];\n",
                node(m, &s.id, false),
                s.label_id,
                s.id
            ));
        }
        for t in m.transitions.iter().filter(|t| t.from.as_deref() != Some(t.to.as_str())) {
            let from = t.from.as_deref().map_or_else(|| format!("{}__start", m.name), |f| node(m, f, false));
            out.push_str(&format!("        \"{from}\" -> \"{}\" [label=\"{}\"];\n", node(m, &t.to, false), t.command));
        }
        for s in &m.states {
            let cmds = in_stage_commands(m, &s.id);
            if !cmds.is_empty() {
                out.push_str(&format!("        // in {}: {}\n", s.id, cmds.join(", ")));
            }
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    out
}
