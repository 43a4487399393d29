//! The README shows the Mermaid diagram generated from the enforced table.
//! Run `LK3_BLESS=1 cargo test --test readme -- --test-threads=1` to refresh them.

use lk3::core::rules::{RuleSet, RuleSetId, export};

fn check(machine: &str) {
    let start = format!("<!-- diagram:{machine}:start -->\n```mermaid\n");
    let end = format!("```\n<!-- diagram:{machine}:end -->");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let (Some(a), Some(b)) = (readme.find(&start), readme.find(&end)) else {
        panic!("README.md lacks the diagram markers for {machine}");
    };
    let current = &readme[a + start.len()..b];
    let generated =
        export::to_mermaid_machine(RuleSet::get(RuleSetId::permensos_25_2017()), machine).expect("a machine");
    if current != generated && std::env::var_os("LK3_BLESS").is_some() {
        let fresh = format!("{}{generated}{}", &readme[..a + start.len()], &readme[b..]);
        std::fs::write(path, fresh).expect("writable");
        return;
    }
    assert_eq!(
        current, generated,
        "README diagram of {machine} is stale: run `LK3_BLESS=1 cargo test --test readme -- --test-threads=1`"
    );
}

#[test]
fn readme_case_diagram_is_fresh() {
    check("case");
}

#[test]
fn readme_referral_diagram_is_fresh() {
    check("rujukan");
}
