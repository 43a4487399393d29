//! The floor `lk3 validate` is measured against (`benches/validate_floor.py`):
//! read every `*.json` file under the paths given and parse each into a
//! `serde_json::Value`, nothing more. Prints the documents and bytes read.
//!
//! ```text
//! cargo run --release --example parse_floor -- DIR...
//! ```
//!
//! Without a path it reads the fixture corpus (`tests/fixtures`).

#[path = "common/floor.rs"]
mod floor;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    floor::run()
}
