//! `validate_tree` (a document a language binding built as a tree) judges
//! every document of the fixture corpus as `validate` judges its text, and
//! refuses nesting past the limit before anything else, however deep.

use std::path::Path;

use lk3_core::validate::{Limits, validate, validate_tree};
use serde_json::Value;

#[test]
fn every_fixture_that_parses_is_judged_the_same_as_a_tree_as_as_text() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut compared = 0;
    for part in ["valid", "invalid"] {
        for entry in std::fs::read_dir(corpus.join(part)).expect("the corpus") {
            let path = entry.expect("entry").path();
            let bytes = std::fs::read(&path).expect("read");
            // Text that does not parse (a repeated key, bad JSON) never becomes a tree.
            let Ok(tree) = lk3_core::json::parse_within(&bytes, Limits::default().max_depth) else { continue };
            let as_text = validate(&bytes, None, &Limits::default());
            let as_tree = validate_tree(&tree, None, &Limits::default());
            assert_eq!(as_tree.valid, as_text.valid, "{}", path.display());
            assert_eq!(as_tree.findings, as_text.findings, "{}", path.display());
            compared += 1;
        }
    }
    assert!(compared > 400, "{compared} fixtures compared");
}

#[test]
fn a_tree_nested_past_the_limit_is_refused_however_deep() {
    for depth in [65, 66, 1_000, 200_000] {
        let mut tree = Value::Null;
        for _ in 0..depth {
            tree = Value::Array(vec![tree]);
        }
        let report = validate_tree(&tree, Some("command"), &Limits::default());
        let codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["LK3-E063"], "depth {depth}");
        assert!(!report.valid);
        // Dropping a deep serde_json tree recurses: let it go level by level.
        while let Value::Array(mut items) = tree {
            tree = items.pop().unwrap_or(Value::Null);
        }
    }
    let mut within = Value::Null;
    for _ in 0..64 {
        within = Value::Array(vec![within]);
    }
    let codes: Vec<String> =
        validate_tree(&within, Some("command"), &Limits::default()).findings.into_iter().map(|f| f.code).collect();
    assert!(!codes.contains(&"LK3-E063".to_owned()), "64 levels are within the limit: {codes:?}");
}
