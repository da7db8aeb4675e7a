//! Access and audit: roles enforced in code, login, the hash chain against direct tampering with
//! the SQLite file, `seawarden audit` CLI, and evidence bundles verified offline.
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use rusqlite::{Connection, params};
use seawarden::audit::chain::AuditRow;
use seawarden::audit::{
    Action, AuditError, AuditLog, ExportRequest, Outcome, PasswordCost, Problem, Role, export_bundle, verify::verify,
};
use seawarden::bus::record::{Envelope, Recorder, RecorderConfig};
use serde_json::json;

use crate::util::seawarden_bin;

const PW: &str = "harbour-lights-42";
/// 2026-12-01T15:00:00Z.
const T0: i64 = 1_796_137_200_000;

struct Fixture {
    _dir: tempfile::TempDir,
    db: PathBuf,
    clock: Arc<AtomicI64>,
    log: AuditLog,
}

/// A log with an operator (ana), a supervisor (sam) and an auditor (aud), on a clock at T0 that
/// moves one second per row, and 10 rows in total.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audit.sqlite");
    let mut log = AuditLog::open_with_cost(&db, PasswordCost::FOR_TESTS).unwrap();
    let clock = Arc::new(AtomicI64::new(T0));
    let c = clock.clone();
    log.set_clock(move || c.fetch_add(1_000, Ordering::SeqCst));
    log.add_user(None, "ana", Role::Operator, PW).unwrap(); // 1
    log.add_user(None, "sam", Role::Supervisor, PW).unwrap(); // 2
    log.add_user(None, "aud", Role::Auditor, PW).unwrap(); // 3
    let ana = log.login("ana", PW).unwrap(); // 4
    log.alert_state("a-1", None, "raised", None, json!({"severity": "high"})).unwrap(); // 5
    log.append(&ana, Action::Acknowledge, "a-1", json!({})).unwrap(); // 6
    log.alert_state("a-1", Some("raised"), "acknowledged", Some(&ana), json!(null)).unwrap(); // 7
    log.append(&ana, Action::Assign, "a-1", json!({"unit": "patrol-3"})).unwrap(); // 8
    log.append(&ana, Action::Close(Outcome::FalseAlarm), "a-1", json!({"note": "fishing boat"})).unwrap(); // 9
    log.logout(&ana).unwrap(); // 10
    assert_eq!(log.head().unwrap().0, 10);
    Fixture { _dir: dir, db, clock, log }
}

/// Open the file as an attacker would: a plain connection, triggers dropped.
fn attacker(db: &Path) -> Connection {
    let c = Connection::open(db).unwrap();
    c.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;").unwrap();
    c
}

fn row(c: &Connection, seq: i64) -> AuditRow {
    c.query_row(
        "SELECT seq, time_ms, actor, role, action, subject, detail, prev_hash, hash FROM audit WHERE seq = ?1",
        [seq],
        |r| {
            Ok(AuditRow {
                seq: r.get(0)?,
                time_ms: r.get(1)?,
                actor: r.get(2)?,
                role: r.get(3)?,
                action: r.get(4)?,
                subject: r.get(5)?,
                detail: r.get(6)?,
                prev_hash: r.get(7)?,
                hash: r.get(8)?,
            })
        },
    )
    .unwrap()
}

fn insert(c: &Connection, r: &AuditRow) {
    c.execute(
        "INSERT INTO audit (seq, time_ms, actor, role, action, subject, detail, prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
        params![r.seq, r.time_ms, r.actor, r.role, r.action, r.subject, r.detail, r.prev_hash, r.hash],
    )
    .unwrap();
}

fn cli(args: &[&str], password: Option<&str>) -> Output {
    let mut cmd = Command::new(seawarden_bin());
    cmd.args(args).env_remove("SEAWARDEN_PASSWORD").stdin(Stdio::null());
    if let Some(p) = password {
        cmd.env("SEAWARDEN_PASSWORD", p);
    }
    cmd.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `audit verify` through the CLI: exit code and the first bad seq from the JSON report.
fn cli_verify(db: &Path, extra: &[&str]) -> (i32, Option<i64>, String) {
    let mut args = vec!["audit", "verify", "--db", db.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let o = cli(&args, None);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim())
        .unwrap_or_else(|e| panic!("{e}: {} / {}", stdout(&o), String::from_utf8_lossy(&o.stderr)));
    let bad = v["first_bad"]["seq"].as_i64();
    let problem = v["first_bad"]["problem"].as_str().unwrap_or("").to_string();
    (o.status.code().unwrap(), bad, problem)
}

mod roles {
    use super::*;

    #[test]
    fn operator_may_not_close_as_intercepted_and_the_refusal_is_logged() {
        let f = fixture();
        let ana = f.log.login("ana", PW).unwrap();
        let err = f.log.append(&ana, Action::Close(Outcome::Intercepted), "a-2", json!({})).unwrap_err();
        assert!(matches!(err, AuditError::Forbidden { role: Role::Operator, .. }), "{err}");
        let last = f.log.rows(i64::MIN, i64::MAX).unwrap().pop().unwrap();
        assert_eq!((last.actor.as_str(), last.action.as_str(), last.subject.as_str()), ("ana", "denied", "a-2"));
        assert_eq!(last.detail_json()["attempted"], "close:intercepted");

        let sam = f.log.login("sam", PW).unwrap();
        let ok = f.log.append(&sam, Action::Close(Outcome::Intercepted), "a-2", json!({})).unwrap();
        assert_eq!(ok.action, "close:intercepted");
        assert!(f.log.verify().unwrap().ok());
    }

    #[test]
    fn auditor_reads_but_changes_nothing() {
        let f = fixture();
        let aud = f.log.login("aud", PW).unwrap();
        assert!(aud.may(Action::VerifyAudit));
        assert!(!aud.may(Action::Acknowledge));
        assert!(matches!(f.log.append(&aud, Action::Acknowledge, "a-1", json!({})), Err(AuditError::Forbidden { .. })));
        assert!(matches!(f.log.add_user(Some(&aud), "eve", Role::Supervisor, PW), Err(AuditError::Forbidden { .. })));
        assert!(f.log.login("eve", PW).is_err(), "the refused user was not created");
    }

    #[test]
    fn only_supervisors_export_evidence() {
        let f = fixture();
        let ana = f.log.login("ana", PW).unwrap();
        let out = f._dir.path().join("bundle");
        let req = ExportRequest { from_ms: T0, to_ms: T0 + 60_000, recording: None, snapshots: None, out: out.clone() };
        assert!(matches!(export_bundle(&f.log, &ana, &req), Err(AuditError::Forbidden { .. })));
        assert!(!out.exists(), "nothing written on refusal");
    }
}

mod login {
    use super::*;

    #[test]
    fn wrong_password_unknown_user_and_disabled_are_all_refused_and_logged() {
        let f = fixture();
        assert!(matches!(f.log.login("ana", "wrong-password"), Err(AuditError::BadCredentials)));
        assert!(matches!(f.log.login("nobody", PW), Err(AuditError::BadCredentials)));
        let sam = f.log.login("sam", PW).unwrap();
        f.log.set_disabled(&sam, "ana", true).unwrap();
        assert!(matches!(f.log.login("ana", PW), Err(AuditError::BadCredentials)));
        let reasons: Vec<String> = f
            .log
            .rows(i64::MIN, i64::MAX)
            .unwrap()
            .into_iter()
            .filter(|r| r.action == "login_failed")
            .map(|r| r.detail_json()["reason"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(reasons, ["wrong_password", "unknown_user", "disabled"]);
    }

    #[test]
    fn bad_names_and_weak_passwords_are_refused() {
        let f = fixture();
        assert!(matches!(f.log.add_user(None, "a b", Role::Operator, PW), Err(AuditError::BadUserName(_))));
        assert!(matches!(f.log.add_user(None, "system", Role::Operator, PW), Err(AuditError::BadUserName(_))));
        assert!(matches!(f.log.add_user(None, "bo", Role::Operator, "short"), Err(AuditError::WeakPassword { .. })));
        assert!(matches!(f.log.add_user(None, "ana", Role::Operator, PW), Err(AuditError::UserExists(_))));
    }

    #[test]
    fn stored_hashes_are_argon2id_not_passwords() {
        let f = fixture();
        let c = Connection::open(&f.db).unwrap();
        let phc: String = c.query_row("SELECT phc FROM users WHERE name = 'ana'", [], |r| r.get(0)).unwrap();
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(!phc.contains(PW));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&f.db).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}

mod tamper {
    use super::*;

    #[test]
    fn clean_log_verifies_with_the_cli() {
        let f = fixture();
        drop(f.log);
        let o = cli(&["audit", "verify", "--db", f.db.to_str().unwrap()], None);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
        assert!(stdout(&o).starts_with("ok: 10 rows, head 10:"), "{}", stdout(&o));
    }

    #[test]
    fn appends_through_sqlite_are_refused_by_triggers() {
        let f = fixture();
        let c = Connection::open(&f.db).unwrap();
        assert!(c.execute("UPDATE audit SET subject = 'x' WHERE seq = 3", []).is_err());
        assert!(c.execute("DELETE FROM audit WHERE seq = 3", []).is_err());
    }

    #[test]
    fn edited_row_is_the_first_bad_row() {
        let f = fixture();
        let c = attacker(&f.db);
        c.execute(r#"UPDATE audit SET detail = '{"note":"intercepted"}' WHERE seq = 9"#, []).unwrap();
        assert_eq!(cli_verify(&f.db, &[]), (1, Some(9), "hash_mismatch".into()));
        let o = cli(&["audit", "verify", "--db", f.db.to_str().unwrap()], None);
        assert!(stdout(&o).starts_with("TAMPERED: row 9: contents do not match its hash"), "{}", stdout(&o));
    }

    #[test]
    fn edited_row_with_recomputed_hash_breaks_the_next_link() {
        let f = fixture();
        let c = attacker(&f.db);
        let mut r = row(&c, 6);
        r.actor = "sam".into();
        r.hash = r.expected_hash().unwrap();
        c.execute("UPDATE audit SET actor = ?1, hash = ?2 WHERE seq = 6", params![r.actor, r.hash]).unwrap();
        assert_eq!(cli_verify(&f.db, &[]), (1, Some(7), "broken_link".into()));
    }

    #[test]
    fn deleted_row_is_reported_missing() {
        let f = fixture();
        attacker(&f.db).execute("DELETE FROM audit WHERE seq = 5", []).unwrap();
        assert_eq!(cli_verify(&f.db, &[]), (1, Some(5), "missing".into()));
    }

    #[test]
    fn deleted_last_row_is_caught_by_the_head() {
        let f = fixture();
        attacker(&f.db).execute("DELETE FROM audit WHERE seq = 10", []).unwrap();
        assert_eq!(cli_verify(&f.db, &[]), (1, Some(10), "truncated".into()));
    }

    #[test]
    fn rewritten_head_is_caught_by_an_external_anchor() {
        let f = fixture();
        let (seq, hash) = f.log.head().unwrap();
        let c = attacker(&f.db);
        c.execute("DELETE FROM audit WHERE seq = 10", []).unwrap();
        let nine = row(&c, 9);
        c.execute("UPDATE chain_head SET seq = 9, hash = ?1", [nine.hash]).unwrap();
        assert_eq!(cli_verify(&f.db, &[]).0, 0, "without an anchor a consistent truncation passes");
        let anchor = format!("{seq}:{hash}");
        assert_eq!(cli_verify(&f.db, &["--anchor", &anchor]), (1, Some(10), "truncated".into()));
    }

    #[test]
    fn inserted_row_in_the_middle_breaks_the_chain_after_it() {
        let f = fixture();
        let c = attacker(&f.db);
        // Make room at 6 (top down, so the primary key never collides), then forge a well-chained row 6.
        for seq in (6..=10).rev() {
            c.execute("UPDATE audit SET seq = seq + 1 WHERE seq = ?1", [seq]).unwrap();
        }
        let five = row(&c, 5);
        let mut forged = AuditRow {
            seq: 6,
            time_ms: five.time_ms + 1,
            actor: "sam".into(),
            role: "supervisor".into(),
            action: "acknowledge".into(),
            subject: "a-1".into(),
            detail: "{}".into(),
            prev_hash: five.hash.clone(),
            hash: String::new(),
        };
        forged.hash = forged.expected_hash().unwrap();
        insert(&c, &forged);
        assert_eq!(cli_verify(&f.db, &[]), (1, Some(7), "broken_link".into()));
    }

    #[test]
    fn row_appended_behind_the_log_s_back_is_caught() {
        let f = fixture();
        let c = attacker(&f.db);
        let ten = row(&c, 10);
        let mut forged = ten.clone();
        forged.seq = 11;
        forged.prev_hash = ten.hash;
        forged.hash = forged.expected_hash().unwrap();
        insert(&c, &forged);
        assert_eq!(cli_verify(&f.db, &[]), (1, Some(11), "beyond_head".into()));
    }

    #[test]
    fn reordered_rows_break_at_the_first_moved_one() {
        let f = fixture();
        let c = attacker(&f.db);
        c.execute_batch(
            "UPDATE audit SET seq = -4 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = 5; UPDATE audit SET seq = 5 WHERE seq = -4;",
        )
        .unwrap();
        assert_eq!(cli_verify(&f.db, &[]), (1, Some(4), "broken_link".into()));
    }

    #[test]
    fn wrong_column_type_is_malformed_not_a_panic() {
        let f = fixture();
        attacker(&f.db).execute("UPDATE audit SET time_ms = 'yesterday' WHERE seq = 3", []).unwrap();
        assert_eq!(cli_verify(&f.db, &[]), (1, Some(3), "malformed".into()));
    }

    #[test]
    fn promoting_a_user_in_sqlite_is_refused_at_login_and_flagged() {
        let f = fixture();
        let c = attacker(&f.db);
        c.execute("UPDATE users SET role = 'supervisor' WHERE name = 'ana'", []).unwrap();
        let sam_phc: String = c.query_row("SELECT phc FROM users WHERE name = 'sam'", [], |r| r.get(0)).unwrap();
        c.execute("INSERT INTO users (name, role, phc, created_ms) VALUES ('mallory', 'supervisor', ?1, 0)", [sam_phc])
            .unwrap();
        assert!(matches!(f.log.login("ana", PW), Err(AuditError::BadCredentials)));
        assert!(matches!(f.log.login("mallory", PW), Err(AuditError::BadCredentials)));
        assert!(f.log.login("sam", PW).is_ok(), "untouched users still log in");
        let o = cli(&["audit", "verify", "--db", f.db.to_str().unwrap()], None);
        assert_eq!(o.status.code(), Some(1));
        let out = stdout(&o);
        assert!(out.contains("TAMPERED: user ana:") && out.contains("TAMPERED: user mallory:"), "{out}");
        let reasons: Vec<String> = f
            .log
            .rows(i64::MIN, i64::MAX)
            .unwrap()
            .into_iter()
            .filter(|r| r.action == "login_failed")
            .map(|r| r.detail_json()["reason"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(reasons, ["user_record_not_in_log", "user_record_not_in_log"]);
    }

    #[test]
    fn disabling_keeps_the_user_record_vouched() {
        let f = fixture();
        let sam = f.log.login("sam", PW).unwrap();
        f.log.set_disabled(&sam, "ana", true).unwrap();
        f.log.set_disabled(&sam, "ana", false).unwrap();
        assert!(f.log.login("ana", PW).is_ok());
        assert!(f.log.verify().unwrap().ok());
    }

    #[test]
    fn library_verify_agrees_with_the_cli() {
        let f = fixture();
        attacker(&f.db).execute("UPDATE audit SET subject = 'a-9' WHERE seq = 8", []).unwrap();
        let c = Connection::open(&f.db).unwrap();
        let r = verify(&c).unwrap();
        assert_eq!(r.first_bad.map(|b| (b.seq, b.problem)), Some((8, Problem::HashMismatch)));
        assert_eq!(r.last_good.0, 7);
    }
}

mod cli_users {
    use super::*;
    use std::io::Write;

    #[test]
    fn add_user_reads_the_password_from_stdin_never_argv() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.sqlite");
        let mut child = Command::new(seawarden_bin())
            .args(["audit", "add-user", "--db", db.to_str().unwrap(), "--name", "lin", "--role", "supervisor"])
            .env_remove("SEAWARDEN_PASSWORD")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("{PW}\n").as_bytes()).unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let log = AuditLog::open(&db).unwrap();
        let s = log.login("lin", PW).unwrap();
        assert_eq!(s.role(), Role::Supervisor);
        assert!(log.login("lin", &format!("{PW}\n")).is_err(), "the newline is not part of the password");
    }

    #[test]
    fn add_user_from_env_and_refusals() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.sqlite");
        let d = db.to_str().unwrap();
        let o = cli(&["audit", "add-user", "--db", d, "--name", "kim", "--role", "auditor"], Some(PW));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = cli(&["audit", "add-user", "--db", d, "--name", "kim", "--role", "auditor"], Some(PW));
        assert_eq!(o.status.code(), Some(2), "duplicate");
        let o = cli(&["audit", "add-user", "--db", d, "--name", "joe", "--role", "admiral"], Some(PW));
        assert_eq!(o.status.code(), Some(2), "unknown role");
        let o = cli(&["audit", "add-user", "--db", d, "--name", "joe", "--role", "operator"], None);
        assert_eq!(o.status.code(), Some(2), "no password on stdin");
        assert!(String::from_utf8_lossy(&o.stderr).contains("SEAWARDEN_PASSWORD"));
    }
}

mod bundle {
    use super::*;
    use seawarden::alert::{Alert, AlertId, AlertKind, Evidence, Reason, Severity};
    use seawarden::bus::msg::{AlertMsg, TrackReport, TracksMsg};
    use seawarden::bus::topic;

    fn alert(time_s: f64, snapshot: &str) -> Vec<u8> {
        let a = Alert {
            time: time_s,
            id: AlertId::derive("hac-sa", "17", AlertKind::DarkTarget, time_s),
            site: "hac-sa".into(),
            kind: AlertKind::DarkTarget,
            severity: Severity::High,
            track_id: "17".into(),
            lat: 22.12,
            lon: 113.57,
            mmsi: None,
            reasons: vec![Reason { rule: "dark_target".into(), value: 300.0, threshold: 120.0 }],
            evidence: vec![Evidence { kind: "ir_snapshot".into(), uri: snapshot.into() }],
            update: 0,
        };
        serde_json::to_vec(&AlertMsg::new(a, Some(time_s))).unwrap()
    }

    fn tracks(time_s: f64) -> Vec<u8> {
        let t = TrackReport {
            track_id: "17".into(),
            time: time_s,
            lat: 22.12,
            lon: 113.57,
            sog_kn: 25.0,
            cog_deg: 90.0,
            ..Default::default()
        };
        serde_json::to_vec(&TracksMsg::new("hac-sa", time_s, vec![t])).unwrap()
    }

    /// A recording: track batches every second over T0..T0+30 s, two alerts (one snapshot present,
    /// one missing), a status message; plus the fixture's audit rows at T0..T0+9 s.
    fn setup() -> (Fixture, PathBuf) {
        let f = fixture();
        let rec = f._dir.path().join("rec");
        std::fs::create_dir_all(rec.join("snaps")).unwrap();
        std::fs::write(rec.join("snaps/a1.png"), b"\x89PNG fake thermal frame").unwrap();
        let mut cfg = RecorderConfig::new(&rec);
        cfg.max_file_bytes = 2_000;
        let mut envs: Vec<Envelope> = (0..30)
            .map(|i| T0 + i * 1_000)
            .map(|ms| Envelope { received_ms: ms, topic: topic::tracks("hac-sa"), payload: tracks(ms as f64 / 1e3) })
            .collect();
        let a = |ms: i64, snap: &str| Envelope {
            received_ms: ms,
            topic: topic::alerts("hac-sa"),
            payload: alert(ms as f64 / 1e3, snap),
        };
        envs.push(a(T0 + 5_500, "snaps/a1.png"));
        envs.push(a(T0 + 6_500, "snaps/gone.png"));
        envs.push(a(T0 + 50_000, "snaps/a1.png")); // outside the window
        envs.push(Envelope { received_ms: T0 + 7_000, topic: topic::status("hac-sa"), payload: b"{}".to_vec() });
        envs.sort_by_key(|e| e.received_ms); // the console records in receive order
        let mut r = Recorder::open(cfg).unwrap();
        for e in &envs {
            r.append(e).unwrap();
        }
        drop(r);
        (f, rec)
    }

    fn export(f: &Fixture, rec: &Path, out: &Path, user: &str) -> Output {
        cli(
            &[
                "audit",
                "export",
                "--db",
                f.db.to_str().unwrap(),
                "--from",
                "2026-12-01T15:00:02Z",
                "--to",
                "2026-12-01T15:00:10Z",
                "--out",
                out.to_str().unwrap(),
                "--user",
                user,
                "--recording",
                rec.to_str().unwrap(),
            ],
            Some(PW),
        )
    }

    #[test]
    fn export_writes_a_bundle_that_verifies_and_is_logged() {
        let (f, rec) = setup();
        let out = f._dir.path().join("bundle");
        let o = export(&f, &rec, &out, "sam");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let sha = stdout(&o).trim().strip_prefix("manifest sha256 ").unwrap().to_string();

        let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        let files: Vec<&str> = m["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
        assert_eq!(files, ["alerts.jsonl", "audit.json", "ir/0000-a1.png", "other.jsonl", "tracks.jsonl"]);
        assert_eq!(m["missing"], json!(["snaps/gone.png"]));
        let audit: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("audit.json")).unwrap()).unwrap();
        let seqs: Vec<i64> = audit["rows"].as_array().unwrap().iter().map(|r| r["seq"].as_i64().unwrap()).collect();
        assert_eq!(seqs, (3..=10).collect::<Vec<_>>(), "rows stamped T0+2 s ..= T0+10 s (login takes two clock ticks)");
        let tracks = std::fs::read_to_string(out.join("tracks.jsonl")).unwrap();
        assert_eq!(tracks.lines().count(), 9, "batches at T0+2 s ..= T0+10 s");
        assert_eq!(std::fs::read_to_string(out.join("alerts.jsonl")).unwrap().lines().count(), 2);

        let o = cli(&["audit", "verify-bundle", out.to_str().unwrap(), "--expect", &sha], None);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
        assert!(stdout(&o).starts_with("ok: 5 files"), "{}", stdout(&o));

        // The export itself is on the chain, with the manifest hash.
        let log = AuditLog::open(&f.db).unwrap();
        let rows = log.rows(i64::MIN, i64::MAX).unwrap();
        let export_row = rows.iter().find(|r| r.action == "export_evidence").unwrap();
        assert_eq!(export_row.actor, "sam");
        assert_eq!(export_row.detail_json()["manifest_sha256"], sha.as_str());
        assert!(log.verify().unwrap().ok());
    }

    #[test]
    fn a_flipped_byte_an_added_file_and_a_forged_row_are_all_caught() {
        let (f, rec) = setup();
        let out = f._dir.path().join("bundle");
        assert!(export(&f, &rec, &out, "sam").status.success());

        let p = out.join("tracks.jsonl");
        let mut bytes = std::fs::read(&p).unwrap();
        bytes[40] ^= 0x01;
        std::fs::write(&p, bytes).unwrap();
        let o = cli(&["audit", "verify-bundle", out.to_str().unwrap()], None);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(stdout(&o).trim(), "BAD: tracks.jsonl: modified (hash differs from the manifest)");

        std::fs::write(out.join("ir/extra.png"), b"planted").unwrap();
        let o = cli(&["audit", "verify-bundle", out.to_str().unwrap()], None);
        assert!(stdout(&o).contains("BAD: ir/extra.png: not in the manifest"), "{}", stdout(&o));

        // Forge an audit row and fix up the manifest so the file hashes agree: the row hash still fails.
        std::fs::remove_file(out.join("ir/extra.png")).unwrap();
        let ap = out.join("audit.json");
        let text = std::fs::read_to_string(&ap).unwrap().replace("fishing boat", "intercepted");
        std::fs::write(&ap, &text).unwrap();
        let mut m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        for file in m["files"].as_array_mut().unwrap() {
            let path = out.join(file["path"].as_str().unwrap());
            let (sha, n) = seawarden::audit::bundle::sha256_file(&path).unwrap();
            file["sha256"] = json!(sha);
            file["bytes"] = json!(n);
        }
        std::fs::write(out.join("manifest.json"), serde_json::to_vec_pretty(&m).unwrap()).unwrap();
        let o = cli(&["audit", "verify-bundle", out.to_str().unwrap()], None);
        assert_eq!(o.status.code(), Some(1));
        assert!(stdout(&o).contains("BAD: audit.json row 9: HashMismatch"), "{}", stdout(&o));
    }

    #[test]
    fn operator_export_is_refused_and_logged() {
        let (f, rec) = setup();
        let out = f._dir.path().join("bundle");
        let o = export(&f, &rec, &out, "ana");
        assert_eq!(o.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("may not export_evidence"),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let last = AuditLog::open(&f.db).unwrap().rows(i64::MIN, i64::MAX).unwrap().pop().unwrap();
        assert_eq!((last.actor.as_str(), last.action.as_str()), ("ana", "denied"));
    }

    #[test]
    fn wrong_password_exports_nothing() {
        let (f, rec) = setup();
        let out = f._dir.path().join("bundle");
        let o = cli(
            &[
                "audit",
                "export",
                "--db",
                f.db.to_str().unwrap(),
                "--from",
                "0",
                "--to",
                "2e9",
                "--out",
                out.to_str().unwrap(),
                "--user",
                "sam",
                "--recording",
                rec.to_str().unwrap(),
            ],
            Some("not-the-password"),
        );
        assert_eq!(o.status.code(), Some(2));
        assert!(!out.exists());
        let _ = f.clock.load(Ordering::SeqCst);
    }
}

mod concurrency {
    use super::*;

    #[test]
    fn appends_from_many_threads_form_one_chain() {
        let f = fixture();
        let log = Arc::new(f.log);
        let ana = log.login("ana", PW).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let (log, ana) = (log.clone(), ana.clone());
                std::thread::spawn(move || {
                    for i in 0..25 {
                        log.append(&ana, Action::Acknowledge, &format!("a-{t}-{i}"), json!({})).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let r = log.verify().unwrap();
        assert!(r.ok(), "{r:?}");
        assert_eq!(r.rows, 111, "10 fixture rows, 1 login, 100 appends");
    }
}
