//! `lk3 diagram`.

use lk3_core::rules::{RuleSet, RuleSetId, export};

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

/// The default rule set in the given format.
pub fn render(format: Format) -> String {
    let rules = RuleSet::get(RuleSetId::default());
    match format {
        Format::Json => export::to_json(rules),
        Format::Mermaid => export::to_mermaid(rules),
        Format::Dot => export::to_dot(rules),
    }
}
