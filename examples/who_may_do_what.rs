//! Prints the rule set `permensos-25-2017` (the law since 2018) as a table: for every stage, the
//! commands it allows, who may issue them, what they require and where they
//! lead, with the Indonesian labels.
//!
//! `cargo run --example who_may_do_what`

use lk3::core::Labelled;
use lk3::core::rules::{RuleSet, RuleSetId};

fn main() {
    let id = RuleSetId::permensos_25_2017();
    let rules = RuleSet::get(id);
    println!("{} — {}\n", id, id.label_id());
    let mut current = None;
    for t in rules.transitions() {
        let from = t.from.map_or("(kasus baru)", |s| s.label_id());
        if current != Some(from) {
            println!("{from}");
            current = Some(from);
        }
        let roles: Vec<&str> = t.roles.iter().map(|r| r.label_id()).collect();
        let requires: Vec<&str> = t.requires.iter().map(|r| r.label_id()).collect();
        let to = if t.from == Some(t.to) { "(tetap)".to_owned() } else { format!("→ {}", t.to.label_id()) };
        println!("  {:<42} {:<22} oleh: {}", t.command.label_id(), to, roles.join(", "));
        if !requires.is_empty() {
            println!("  {:<42} {:<22} syarat: {}", "", "", requires.join("; "));
        }
    }
}
