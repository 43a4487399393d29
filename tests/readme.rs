//! The README shows the Mermaid diagram generated from the enforced table.
//! Run `LK3_BLESS=1 cargo test --test readme` to refresh it.

use lk3::core::rules::{RuleSet, RuleSetId, export};

const START: &str = "<!-- diagram:case:start -->\n```mermaid\n";
const END: &str = "```\n<!-- diagram:case:end -->";

#[test]
fn readme_diagram_is_fresh() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let (Some(a), Some(b)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the diagram markers");
    };
    let current = &readme[a + START.len()..b];
    let generated = export::to_mermaid(RuleSet::get(RuleSetId::default()));
    if current != generated && std::env::var_os("LK3_BLESS").is_some() {
        let fresh = format!("{}{generated}{}", &readme[..a + START.len()], &readme[b..]);
        std::fs::write(path, fresh).expect("writable");
        return;
    }
    assert_eq!(current, generated, "README diagram is stale: run `LK3_BLESS=1 cargo test --test readme`");
}
