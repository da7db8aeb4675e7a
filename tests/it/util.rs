//! Helpers shared by the integration test modules.
// Each helper is used by some modules only; the rest would warn as dead code in the others.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The `seawarden` binary that Cargo built for this test run.
pub fn seawarden_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_seawarden"))
}

/// The repository root (where `Cargo.toml` and `assets/` live).
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `assets/samples/<sub>`: the sample logs (AIS, radar, fuzz regressions).
pub fn samples_dir(sub: &str) -> PathBuf {
    repo_root().join("assets").join("samples").join(sub)
}

/// Every file under `dir` (recursively) whose extension is one of `exts`, sorted by path so that
/// runs and reports are in a stable order.
pub fn files_with_extensions(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap_or_else(|e| panic!("reading {}: {e}", dir.display())).path();
            if path.is_dir() {
                walk(&path, exts, out);
            } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.contains(&e)) {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, exts, &mut out);
    out.sort();
    out
}
