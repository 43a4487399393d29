//! The floor of `benches/validate_floor.py`, shared by `parse_floor` and
//! `parse_floor_mimalloc`: read each file, parse it into a `serde_json::Value`.

use std::path::{Path, PathBuf};

fn files(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(path)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
        entries.sort();
        for entry in entries {
            files(&entry, out)?;
        }
    } else if path.extension().is_some_and(|e| e == "json") {
        out.push(path.to_owned());
    }
    Ok(())
}

/// Reads and parses every `*.json` file under the command line's paths.
pub fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        paths.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"));
    }
    let mut found = Vec::new();
    for p in &paths {
        files(p, &mut found)?;
    }
    let (mut documents, mut parsed, mut bytes) = (0u64, 0u64, 0u64);
    for f in &found {
        let data = std::fs::read(f)?;
        bytes += data.len() as u64;
        documents += 1;
        if serde_json::from_slice::<serde_json::Value>(&data).is_ok() {
            parsed += 1;
        }
    }
    println!("{{\"documents\": {documents}, \"parsed\": {parsed}, \"bytes\": {bytes}}}");
    Ok(())
}
