//! `seawarden audit …`: users, chain verification and evidence bundles from the command line.
//!
//! Passwords are never taken from argv (visible in `ps` and shell history): they come from the
//! `SEAWARDEN_PASSWORD` environment variable or, failing that, the first line of stdin.
use std::io::BufRead as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use rusqlite::{Connection, OpenFlags};
use seawarden::audit::timearg::parse_time_ms;
use seawarden::audit::{Anchor, AuditLog, ExportRequest, Role, export_bundle, verify, verify_bundle};

/// Environment variable read for the password before falling back to stdin.
const PASSWORD_ENV: &str = "SEAWARDEN_PASSWORD";

/// Console users, the tamper-evident audit log and evidence bundles.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Add a console user; the password is read from $SEAWARDEN_PASSWORD or the first line of stdin.
    AddUser {
        /// Audit database (created if missing).
        #[arg(long)]
        db: PathBuf,
        /// Login name: letters, digits, '.', '_', '-'.
        #[arg(long)]
        name: String,
        /// operator, supervisor or auditor.
        #[arg(long)]
        role: Role,
    },
    /// Check the hash chain; exits 1 and names the first bad row if anything was edited,
    /// deleted, inserted or reordered.
    Verify {
        /// Audit database.
        #[arg(long)]
        db: PathBuf,
        /// An earlier printed head, SEQ:HASH, that must still be in the chain (catches a rewritten tail).
        #[arg(long)]
        anchor: Option<Anchor>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a time window as an evidence bundle (supervisors; password from $SEAWARDEN_PASSWORD or stdin).
    Export {
        /// Audit database.
        #[arg(long)]
        db: PathBuf,
        /// Window start: RFC 3339 (2026-12-01T15:00:00Z) or epoch seconds.
        #[arg(long, value_parser = parse_time_ms)]
        from: i64,
        /// Window end, inclusive: RFC 3339 or epoch seconds.
        #[arg(long, value_parser = parse_time_ms)]
        to: i64,
        /// Output directory (must not exist or be empty).
        #[arg(long)]
        out: PathBuf,
        /// Supervisor exporting (logged).
        #[arg(long)]
        user: String,
        /// The console's recording directory: adds track history, alerts and IR snapshots.
        #[arg(long)]
        recording: Option<PathBuf>,
        /// Where relative IR snapshot paths are found (default: the recording directory).
        #[arg(long)]
        snapshots: Option<PathBuf>,
    },
    /// Verify an evidence bundle offline; exits 1 when any file or audit row does not match.
    VerifyBundle {
        /// The bundle directory.
        dir: PathBuf,
        /// The manifest SHA-256 recorded at export; checked when given.
        #[arg(long)]
        expect: Option<String>,
    },
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Sub::AddUser { db, name, role } => {
            let password = read_password()?;
            let log = AuditLog::open(db).with_context(|| format!("opening {}", db.display()))?;
            log.add_user(None, name, *role, &password)?;
            eprintln!("added {name} ({role})");
            Ok(ExitCode::SUCCESS)
        }
        Sub::Verify { db, anchor, json } => {
            if !db.is_file() {
                bail!("{}: no such file", db.display());
            }
            let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
                .with_context(|| format!("opening {}", db.display()))?;
            let report = verify::verify_with_anchor(&conn, anchor.as_ref()).context("reading the audit log")?;
            if *json {
                println!("{}", serde_json::to_string(&report)?);
            }
            if !*json {
                for user in &report.users_not_in_log {
                    println!("TAMPERED: user {user}: record differs from the audit log (edited or inserted directly)");
                }
            }
            match &report.first_bad {
                None if !report.users_not_in_log.is_empty() => Ok(ExitCode::from(1)),
                None => {
                    let (seq, hash) = &report.last_good;
                    if !*json {
                        println!("ok: {} rows, head {seq}:{hash}", report.rows);
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Some(bad) => {
                    if !*json {
                        println!("TAMPERED: {bad}");
                    }
                    Ok(ExitCode::from(1))
                }
            }
        }
        Sub::Export { db, from, to, out, user, recording, snapshots } => {
            if !db.is_file() {
                bail!("{}: no such file", db.display());
            }
            let password = read_password()?;
            let log = AuditLog::open(db).with_context(|| format!("opening {}", db.display()))?;
            let session = log.login(user, &password)?;
            let req = ExportRequest {
                from_ms: *from,
                to_ms: *to,
                recording: recording.clone(),
                snapshots: snapshots.clone(),
                out: out.clone(),
            };
            let s = export_bundle(&log, &session, &req)?;
            log.logout(&session)?;
            eprintln!(
                "exported {} audit rows, {} track batches, {} alerts, {} IR snapshots ({} missing) to {}",
                s.rows,
                s.track_batches,
                s.alerts,
                s.snapshots,
                s.missing.len(),
                s.dir.display()
            );
            if s.read.truncated + s.read.corrupt > 0 {
                eprintln!("warning: {} damaged recorded records skipped", s.read.truncated + s.read.corrupt);
            }
            println!("manifest sha256 {}", s.manifest_sha256);
            Ok(ExitCode::SUCCESS)
        }
        Sub::VerifyBundle { dir, expect } => {
            let report = verify_bundle(dir)?;
            let mut ok = report.ok();
            for p in &report.problems {
                println!("BAD: {p}");
            }
            if let Some(want) = expect
                && !want.eq_ignore_ascii_case(&report.manifest_sha256)
            {
                println!("BAD: manifest.json sha256 {} differs from the expected {want}", report.manifest_sha256);
                ok = false;
            }
            if ok {
                println!("ok: {} files, manifest sha256 {}", report.files_ok, report.manifest_sha256);
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::from(1))
            }
        }
    }
}

/// The password from `$SEAWARDEN_PASSWORD`, else the first line of stdin.
fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(PASSWORD_ENV) {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from stdin")?;
    let p = line.trim_end_matches(['\n', '\r']).to_string();
    if p.is_empty() {
        bail!("no password: set {PASSWORD_ENV} or pipe it on stdin");
    }
    Ok(p)
}
