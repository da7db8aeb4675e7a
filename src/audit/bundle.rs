//! Evidence bundles: one time window of the audit log plus what the console recorded, in a
//! directory whose `manifest.json` lists the SHA-256 of every file, verifiable offline.
//!
//! # Layout of a bundle
//! - `audit.json`: the audit rows of the window with their chain hashes (each row re-hashable).
//! - `tracks.jsonl`, `alerts.jsonl`, `other.jsonl`: recorded envelopes of the window, by topic kind
//!   (only when a recording directory is given).
//! - `ir/`: IR snapshot files that alerts in the window reference as evidence, when found.
//! - `manifest.json`: window, exporter, audit chain head at export, every file's `sha256` and size,
//!   and the evidence references that could not be found.
//!
//! The export itself is appended to the audit log with the manifest's SHA-256, so the log vouches
//! for the bundle and the bundle for its files.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::AuditError;
use super::chain::{AuditRow, sha256_hex};
use super::log::{AuditLog, Session, now_ms};
use super::role::Action;
use super::verify::Problem;
use crate::bus::msg::{AlertMsg, MAX_PAYLOAD_BYTES};
use crate::bus::record::{Envelope, ReadStats, RecordingReader, hex_encode};
use crate::bus::topic::{self, TopicKind};

/// The manifest's `schema` value.
pub const MANIFEST_SCHEMA: &str = "seawarden.evidence/1";
/// The manifest's file name inside a bundle.
pub const MANIFEST: &str = "manifest.json";

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    /// Window start, ms since the epoch (inclusive).
    pub from_ms: i64,
    /// Window end, ms since the epoch (inclusive).
    pub to_ms: i64,
    /// The console's recording directory, for track history, alerts and IR snapshots.
    pub recording: Option<PathBuf>,
    /// Where IR snapshot URIs that are relative paths are looked up (default: the recording directory).
    pub snapshots: Option<PathBuf>,
    /// Output directory; must not exist or be empty.
    pub out: PathBuf,
}

/// One file in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Path relative to the bundle, `/`-separated.
    pub path: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Size.
    pub bytes: u64,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`MANIFEST_SCHEMA`].
    pub schema: String,
    /// When it was written, ms since the epoch.
    pub created_ms: i64,
    /// Who exported it.
    pub exported_by: String,
    /// Window start, ms.
    pub from_ms: i64,
    /// Window end, ms.
    pub to_ms: i64,
    /// Audit chain head at export: (seq, hash).
    pub audit_head: (i64, String),
    /// Every file but the manifest.
    pub files: Vec<ManifestFile>,
    /// Evidence references (IR snapshot URIs) that could not be found.
    pub missing: Vec<String>,
    /// Recorded messages skipped as truncated or corrupt while exporting.
    pub recording_skipped: u64,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct BundleSummary {
    /// The bundle directory.
    pub dir: PathBuf,
    /// SHA-256 of `manifest.json`: write it on the chain-of-custody form.
    pub manifest_sha256: String,
    /// Audit rows exported.
    pub rows: usize,
    /// Track batches exported.
    pub track_batches: u64,
    /// Alert messages exported.
    pub alerts: u64,
    /// IR snapshots copied.
    pub snapshots: usize,
    /// Evidence references not found.
    pub missing: Vec<String>,
    /// What the recording reader skipped.
    pub read: ReadStats,
}

/// Export the window as an evidence bundle (supervisors only; the export is logged).
pub fn export_bundle(log: &AuditLog, session: &Session, req: &ExportRequest) -> Result<BundleSummary, AuditError> {
    log.require(session, Action::ExportEvidence, &req.out.display().to_string())?;
    if req.from_ms > req.to_ms {
        return Err(AuditError::Bundle(format!("empty window: from {} > to {}", req.from_ms, req.to_ms)));
    }
    prepare_out(&req.out)?;
    let rows = log.rows(req.from_ms, req.to_ms)?;
    let audit_head = log.head()?;
    write_json(&req.out.join("audit.json"), &json!({"schema": "seawarden.audit_rows/1", "rows": rows}))?;

    let mut summary = BundleSummary {
        dir: req.out.clone(),
        manifest_sha256: String::new(),
        rows: rows.len(),
        track_batches: 0,
        alerts: 0,
        snapshots: 0,
        missing: Vec::new(),
        read: ReadStats::default(),
    };
    if let Some(rec) = &req.recording {
        export_recording(rec, req.snapshots.as_deref().unwrap_or(rec), req, &mut summary)?;
    }

    let files = list_bundle(&req.out)?
        .into_iter()
        .map(|rel| {
            let (sha256, bytes) = sha256_file(&req.out.join(&rel))?;
            Ok(ManifestFile { path: rel, sha256, bytes })
        })
        .collect::<Result<Vec<_>, AuditError>>()?;
    let manifest = Manifest {
        schema: MANIFEST_SCHEMA.into(),
        created_ms: now_ms(),
        exported_by: session.user().into(),
        from_ms: req.from_ms,
        to_ms: req.to_ms,
        audit_head,
        files,
        missing: summary.missing.clone(),
        recording_skipped: summary.read.truncated + summary.read.corrupt,
    };
    let manifest_path = req.out.join(MANIFEST);
    write_json(&manifest_path, &manifest)?;
    summary.manifest_sha256 = sha256_file(&manifest_path)?.0;
    log.append(
        session,
        Action::ExportEvidence,
        &req.out.display().to_string(),
        json!({
            "from_ms": req.from_ms, "to_ms": req.to_ms, "manifest_sha256": summary.manifest_sha256,
            "files": manifest.files.len(), "rows": summary.rows, "missing": summary.missing,
        }),
    )?;
    Ok(summary)
}

fn prepare_out(out: &Path) -> Result<(), AuditError> {
    if out.exists() {
        let mut entries = fs::read_dir(out).map_err(AuditError::io(out))?;
        if entries.next().is_some() {
            return Err(AuditError::Bundle(format!("{} exists and is not empty", out.display())));
        }
    }
    fs::create_dir_all(out).map_err(AuditError::io(out))
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<(), AuditError> {
    let file = File::create(path).map_err(AuditError::io(path))?;
    let mut w = BufWriter::new(file);
    serde_json::to_writer_pretty(&mut w, value).map_err(|e| AuditError::Bundle(e.to_string()))?;
    w.write_all(b"\n").map_err(AuditError::io(path))?;
    w.into_inner().map_err(|e| AuditError::io(path)(e.into_error()))?.sync_all().map_err(AuditError::io(path))
}

struct Lines {
    path: PathBuf,
    w: Option<BufWriter<File>>,
}

impl Lines {
    fn new(path: PathBuf) -> Self {
        Lines { path, w: None }
    }
    fn push(&mut self, env: &Envelope) -> Result<(), AuditError> {
        if self.w.is_none() {
            self.w = Some(BufWriter::new(File::create(&self.path).map_err(AuditError::io(&self.path))?));
        }
        let w = self.w.as_mut().expect("opened above");
        serde_json::to_writer(&mut *w, env).map_err(|e| AuditError::Bundle(e.to_string()))?;
        w.write_all(b"\n").map_err(AuditError::io(&self.path))
    }
    fn finish(self) -> Result<(), AuditError> {
        if let Some(w) = self.w {
            let f = w.into_inner().map_err(|e| AuditError::io(&self.path)(e.into_error()))?;
            f.sync_all().map_err(AuditError::io(&self.path))?;
        }
        Ok(())
    }
}

fn export_recording(
    rec: &Path,
    snapshots: &Path,
    req: &ExportRequest,
    s: &mut BundleSummary,
) -> Result<(), AuditError> {
    let mut reader =
        RecordingReader::window(rec, req.from_ms, req.to_ms).map_err(|e| AuditError::Bundle(e.to_string()))?;
    let mut tracks = Lines::new(req.out.join("tracks.jsonl"));
    let mut alerts = Lines::new(req.out.join("alerts.jsonl"));
    let mut other = Lines::new(req.out.join("other.jsonl"));
    let mut wanted: Vec<String> = Vec::new();
    for env in reader.by_ref() {
        let env = env.map_err(|e| AuditError::Bundle(e.to_string()))?;
        match topic::parse(&env.topic) {
            Some(TopicKind::Tracks { .. }) => {
                s.track_batches += 1;
                tracks.push(&env)?;
            }
            Some(TopicKind::Alerts { .. }) => {
                s.alerts += 1;
                alerts.push(&env)?;
                if env.payload.len() <= MAX_PAYLOAD_BYTES
                    && let Ok(msg) = serde_json::from_slice::<AlertMsg>(&env.payload)
                {
                    for ev in msg.alert.evidence.iter().filter(|e| e.kind == "ir_snapshot") {
                        if !wanted.contains(&ev.uri) {
                            wanted.push(ev.uri.clone());
                        }
                    }
                }
            }
            _ => other.push(&env)?,
        }
    }
    s.read = reader.stats();
    tracks.finish()?;
    alerts.finish()?;
    other.finish()?;
    for (i, uri) in wanted.iter().enumerate() {
        match resolve_snapshot(snapshots, uri) {
            Some(src) => {
                let dir = req.out.join("ir");
                fs::create_dir_all(&dir).map_err(AuditError::io(&dir))?;
                let name = src.file_name().and_then(|n| n.to_str()).unwrap_or("snapshot");
                let safe: String = name
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' })
                    .collect();
                let dst = dir.join(format!("{i:04}-{safe}"));
                fs::copy(&src, &dst).map_err(AuditError::io(&src))?;
                s.snapshots += 1;
            }
            None => s.missing.push(uri.clone()),
        }
    }
    Ok(())
}

/// A snapshot URI (`file:///abs`, `/abs`, or relative to `base`) to an existing file.
fn resolve_snapshot(base: &Path, uri: &str) -> Option<PathBuf> {
    let p = uri.strip_prefix("file://").unwrap_or(uri);
    if p.contains("://") {
        return None; // remote: the bundle is offline, so it is listed as missing
    }
    let path = Path::new(p);
    let path = if path.is_absolute() { path.to_path_buf() } else { base.join(path) };
    path.is_file().then_some(path)
}

/// SHA-256 (hex) and size of a file, streamed.
pub fn sha256_file(path: &Path) -> Result<(String, u64), AuditError> {
    let mut f = File::open(path).map_err(AuditError::io(path))?;
    let mut h = Sha256::new();
    let n = io::copy(&mut f, &mut h).map_err(AuditError::io(path))?;
    Ok((hex_encode(&h.finalize()), n))
}

/// Every file under `dir` except the manifest, as sorted `/`-separated relative paths.
fn list_bundle(dir: &Path) -> Result<Vec<String>, AuditError> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), AuditError> {
        for entry in fs::read_dir(dir).map_err(AuditError::io(dir))? {
            let entry = entry.map_err(AuditError::io(dir))?;
            let path = entry.path();
            let ty = entry.file_type().map_err(AuditError::io(&path))?;
            if ty.is_dir() {
                walk(root, &path, out)?;
            } else {
                let rel = path.strip_prefix(root).expect("walked from root");
                let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                out.push(rel.join("/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.retain(|p| p != MANIFEST);
    out.sort();
    Ok(out)
}

/// One thing wrong with a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum BundleProblem {
    /// The file's hash differs from the manifest's.
    Modified {
        /// Relative path.
        path: String,
    },
    /// Listed in the manifest, not present.
    Missing {
        /// Relative path.
        path: String,
    },
    /// Present, not listed: added after export.
    Unlisted {
        /// Relative path.
        path: String,
    },
    /// A manifest path leaving the bundle (`..`, absolute): refused, not read.
    UnsafePath {
        /// The path as written.
        path: String,
    },
    /// An audit row in `audit.json` does not hash or link.
    AuditRow {
        /// Its seq.
        seq: i64,
        /// Why.
        problem: Problem,
    },
    /// `audit.json` does not parse.
    AuditUnreadable {
        /// Why.
        what: String,
    },
}

impl std::fmt::Display for BundleProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BundleProblem::Modified { path } => write!(f, "{path}: modified (hash differs from the manifest)"),
            BundleProblem::Missing { path } => write!(f, "{path}: missing"),
            BundleProblem::Unlisted { path } => write!(f, "{path}: not in the manifest (added later)"),
            BundleProblem::UnsafePath { path } => write!(f, "{path}: path leaves the bundle"),
            BundleProblem::AuditRow { seq, problem } => write!(f, "audit.json row {seq}: {problem:?}"),
            BundleProblem::AuditUnreadable { what } => write!(f, "audit.json: {what}"),
        }
    }
}

/// Result of checking a bundle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BundleReport {
    /// SHA-256 of `manifest.json` as found: compare it with the one recorded at export.
    pub manifest_sha256: String,
    /// Files whose hash matched.
    pub files_ok: usize,
    /// Everything wrong, in manifest order.
    pub problems: Vec<BundleProblem>,
}

impl BundleReport {
    /// True when every file matches and every audit row holds.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

fn safe_rel(p: &str) -> bool {
    !p.is_empty() && Path::new(p).components().all(|c| matches!(c, Component::Normal(_)))
}

/// Check a bundle offline: every listed file's hash, no unlisted files, every audit row's hash
/// and links. `Err` only when the manifest itself cannot be read.
pub fn verify_bundle(dir: &Path) -> Result<BundleReport, AuditError> {
    let manifest_path = dir.join(MANIFEST);
    let bytes = fs::read(&manifest_path).map_err(AuditError::io(&manifest_path))?;
    let manifest: Manifest =
        serde_json::from_slice(&bytes).map_err(|e| AuditError::Bundle(format!("{MANIFEST}: {e}")))?;
    if manifest.schema != MANIFEST_SCHEMA {
        return Err(AuditError::Bundle(format!(
            "{MANIFEST}: schema {:?}, expected {MANIFEST_SCHEMA}",
            manifest.schema
        )));
    }
    let mut report = BundleReport { manifest_sha256: sha256_hex(&bytes), files_ok: 0, problems: Vec::new() };
    for f in &manifest.files {
        if !safe_rel(&f.path) {
            report.problems.push(BundleProblem::UnsafePath { path: f.path.clone() });
            continue;
        }
        let path = dir.join(&f.path);
        if !path.is_file() {
            report.problems.push(BundleProblem::Missing { path: f.path.clone() });
            continue;
        }
        let (sha, n) = sha256_file(&path)?;
        if sha == f.sha256 && n == f.bytes {
            report.files_ok += 1;
        } else {
            report.problems.push(BundleProblem::Modified { path: f.path.clone() });
        }
    }
    for present in list_bundle(dir)? {
        if !manifest.files.iter().any(|f| f.path == present) {
            report.problems.push(BundleProblem::Unlisted { path: present });
        }
    }
    check_audit_rows(dir, &mut report);
    Ok(report)
}

fn check_audit_rows(dir: &Path, report: &mut BundleReport) {
    #[derive(Deserialize)]
    struct AuditFile {
        rows: Vec<AuditRow>,
    }
    let path = dir.join("audit.json");
    let parsed = fs::read(&path)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice::<AuditFile>(&b).map_err(|e| e.to_string()));
    let rows = match parsed {
        Ok(f) => f.rows,
        Err(what) => {
            report.problems.push(BundleProblem::AuditUnreadable { what });
            return;
        }
    };
    let mut prev: Option<&AuditRow> = None;
    for row in &rows {
        let problem = if row.expected_hash().as_deref() != Some(row.hash.as_str()) {
            Some(Problem::HashMismatch)
        } else if let Some(p) = prev.filter(|p| p.seq + 1 == row.seq && p.hash != row.prev_hash) {
            let _ = p;
            Some(Problem::BrokenLink)
        } else if prev.is_some_and(|p| p.seq >= row.seq) {
            Some(Problem::Malformed { what: "rows out of order".into() })
        } else {
            None
        };
        if let Some(problem) = problem {
            report.problems.push(BundleProblem::AuditRow { seq: row.seq, problem });
        }
        prev = Some(row);
    }
}
