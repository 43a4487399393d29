//! `lk3 diagram`.

use lk3_core::rules::{RuleSetId, export};

/// The diagram formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// `{"rule_set": ..., "machines": [...]}`, every row of the table.
    Json,
    /// A Mermaid `stateDiagram-v2`.
    Mermaid,
    /// A Graphviz digraph.
    Dot,
}

/// A rule set in the given format; with `machine`, Mermaid of that machine
/// alone (`None` when there is no such machine).
pub fn render(rule_set: RuleSetId, format: Format, machine: Option<&str>) -> Option<String> {
    let rules = rule_set.rules();
    match (format, machine) {
        (Format::Mermaid, Some(name)) => export::to_mermaid_machine(rules, name),
        (_, Some(_)) => None,
        (Format::Json, None) => Some(export::to_json(rules)),
        (Format::Mermaid, None) => Some(export::to_mermaid(rules)),
        (Format::Dot, None) => Some(export::to_dot(rules)),
    }
}
