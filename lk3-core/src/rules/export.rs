//! Exports a rule set as JSON, Mermaid or Graphviz DOT, straight from the
//! table the code enforces.
//!
//! The JSON form lists every row, in-stage commands (recording consent, a
//! protective referral ...) included as rows whose `from` equals `to`. The
//! two diagrams draw the stage changes only, and list each stage's in-stage
//! commands in a comment, so that they stay readable.

use serde::{Deserialize, Serialize};

use super::{Requirement, RuleSet, Table};
use crate::label::Labelled;
use crate::vocab::Role;

/// A rule set as exported: `{"rule_set": ..., "machines": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleSetExport {
    /// The rule set's name.
    #[schemars(regex(pattern = super::NAME_PATTERN))]
    pub rule_set: String,
    /// Its Indonesian name.
    pub label_id: String,
    /// Its English name.
    pub label_en: String,
    /// Where its rules come from.
    pub source: String,
    /// The first local date it is in force (absent: chosen only when pinned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<chrono::NaiveDate>,
    /// The last local date it is in force (absent: still in force).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_until: Option<chrono::NaiveDate>,
    /// Where its effective dates come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_source: Option<String>,
    /// Its state machines: `case`, then the services of its catalogue, and `penjangkauan`.
    pub machines: Vec<MachineExport>,
    /// The deadlines it sets on the work around a case (absent: none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<DeadlineExport>,
}

/// One deadline: a task falls due this many hours after its work arises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeadlineExport {
    /// The task.
    pub task: crate::vocab::TaskKind,
    /// Indonesian label.
    pub label_id: String,
    /// English label.
    pub label_en: String,
    /// Hours after the work arises.
    pub within_hours: i64,
    /// Where the duration comes from, tagged.
    pub source: String,
}

/// One state machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MachineExport {
    /// `case`, or a service name.
    pub name: String,
    /// Where the machine comes from (a service's or outreach's source), tagged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// For a service: whether it is delivered by a partner named when it is opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<bool>,
    /// For a service: whether one instance can resolve a contact on the spot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolves_contact: Option<bool>,
    /// For a service with a partner: the default response time, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_days: Option<i64>,
    /// For outreach: how many visits it may carry out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
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
    /// Where the state comes from, tagged, when the rule set says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
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
    /// Where it comes from, tagged, when the rule set says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The rule set's exported form.
///
/// ```
/// use lk3_core::rules::{export, RuleSet, RuleSetId};
/// let doc = export::to_export(RuleSet::get(RuleSetId::permensos_16_2013()));
/// let names: Vec<&str> = doc.machines.iter().map(|m| m.name.as_str()).collect();
/// assert_eq!(names, ["case", "informasi", "konsultasi", "konseling", "advokasi", "rujukan", "penjangkauan"]);
/// assert_eq!(doc.machines[0].states.len(), 11);
/// let doc = export::to_export(RuleSet::get(RuleSetId::permensos_25_2017()));
/// assert!(doc.machines.iter().any(|m| m.name == "perlindungan" && m.source.is_some()));
/// ```
pub fn to_export(rules: &RuleSet) -> RuleSetExport {
    let services = rules.services.iter().map(|s| MachineExport {
        source: Some(s.source.clone()),
        partner: Some(s.partner),
        resolves_contact: Some(s.resolves_contact),
        response_days: s.response_time.map(|d| d.num_days()),
        ..machine(s.kind.id(), &s.table)
    });
    // The names are `RuleSet::machine_names`, in that order.
    let outreach = MachineExport {
        source: Some(rules.outreach.source.clone()),
        max_attempts: Some(rules.outreach.max_attempts),
        ..machine("penjangkauan", &rules.outreach.table)
    };
    RuleSetExport {
        rule_set: rules.name.clone(),
        label_id: rules.title_id.clone(),
        label_en: rules.title_en.clone(),
        source: rules.source.clone(),
        effective_from: rules.effective.as_ref().map(|p| p.from),
        effective_until: rules.effective.as_ref().and_then(|p| p.until),
        effective_source: rules.effective.as_ref().map(|p| p.source.clone()),
        deadlines: rules
            .deadlines
            .iter()
            .map(|d| DeadlineExport {
                task: d.task,
                label_id: d.task.label_id().to_owned(),
                label_en: d.task.label_en().to_owned(),
                within_hours: d.within.num_hours(),
                source: d.source.clone(),
            })
            .collect(),
        machines: std::iter::once(machine("case", rules.case_table()))
            .chain(services)
            .chain(std::iter::once(outreach))
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
            source: table.state_source(s).map(str::to_owned),
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
            source: t.source.clone(),
        })
        .collect();
    MachineExport {
        name: name.to_owned(),
        source: None,
        partner: None,
        resolves_contact: None,
        response_days: None,
        max_attempts: None,
        states,
        transitions,
    }
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
/// let m = export::to_mermaid(RuleSet::get(RuleSetId::permensos_16_2013()));
/// assert!(m.starts_with("stateDiagram-v2"));
/// assert!(m.contains("rencana_intervensi --> intervensi : approve_plan"));
/// assert!(m.contains("rujukan__dikirim --> rujukan__ditolak : reject"));
/// ```
pub fn to_mermaid(rules: &RuleSet) -> String {
    let doc = to_export(rules);
    let mut out = String::from("stateDiagram-v2\n");
    for m in &doc.machines {
        out.push_str(&format!(
            "    %% {} / {}: generated by `lk3 diagram --rule-set {} --format mermaid`\n",
            doc.rule_set, m.name, doc.rule_set
        ));
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
/// let m = export::to_mermaid_machine(RuleSet::get(RuleSetId::permensos_16_2013()), "rujukan").unwrap();
/// assert!(m.contains("dikirim --> ditolak : reject"));
/// assert!(export::to_mermaid_machine(RuleSet::get(RuleSetId::permensos_16_2013()), "x").is_none());
/// ```
pub fn to_mermaid_machine(rules: &RuleSet, name: &str) -> Option<String> {
    let doc = to_export(rules);
    let m = doc.machines.iter().find(|m| m.name == name)?;
    let mut out = String::from("stateDiagram-v2\n");
    out.push_str(&format!(
        "    %% {} / {}: generated by `lk3 diagram --rule-set {} --format mermaid --machine {}`\n",
        doc.rule_set, m.name, doc.rule_set, m.name
    ));
    mermaid_body(&mut out, m, "    ", true);
    Some(out)
}

/// A Graphviz DOT digraph of each machine's state changes, one cluster per machine.
///
/// ```
/// use lk3_core::rules::{export, RuleSet, RuleSetId};
/// let d = export::to_dot(RuleSet::get(RuleSetId::permensos_16_2013()));
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
