//! The audit log in SQLite: users, sessions and the append-only, hash-chained action log.
//!
//! Every append runs in one `IMMEDIATE` transaction that reads the chain head, inserts the row
//! and moves the head, so concurrent writers serialise and the chain never forks. Triggers refuse
//! `UPDATE` and `DELETE` on the log: tampering takes a deliberate `DROP TRIGGER`, and
//! [`verify`](super::verify) catches it anyway.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::{Value, json};

use super::AuditError;
use super::chain::{AuditRow, GENESIS, canonical_json, sha256_hex};
use super::password::{MIN_PASSWORD_LEN, PasswordCost, hash_password, verify_password};
use super::role::{Action, Role};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    phc TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    time_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_time ON audit(time_ms);
CREATE INDEX IF NOT EXISTS audit_subject ON audit(subject, action);
CREATE TABLE IF NOT EXISTS chain_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
";

/// The actor name of machine-written rows.
pub const SYSTEM_ACTOR: &str = "system";

/// A logged-in user. Only [`AuditLog::login`] makes one, so holding a `Session` proves a password
/// was checked; its role decides what [`AuditLog::append`] accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    user: String,
    role: Role,
    id: String,
    started_ms: i64,
}

impl Session {
    /// The user name.
    pub fn user(&self) -> &str {
        &self.user
    }
    /// The user's role.
    pub fn role(&self) -> Role {
        self.role
    }
    /// Random id tying this session's rows together.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Login time, ms since the epoch.
    pub fn started_ms(&self) -> i64 {
        self.started_ms
    }
    /// Whether this session may do `action` (the console greys out what it may not).
    pub fn may(&self, action: Action) -> bool {
        self.role.may(action)
    }
}

/// A user as listed (never the hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Created, ms since the epoch.
    pub created_ms: i64,
    /// Disabled users cannot log in.
    pub disabled: bool,
}

type ClockFn = Box<dyn Fn() -> i64 + Send + Sync>;

/// Users and the hash-chained audit log in one SQLite file. `Sync`: share it behind an `Arc`.
pub struct AuditLog {
    conn: Mutex<Connection>,
    path: PathBuf,
    cost: PasswordCost,
    clock: ClockFn,
    /// Hash verified against for unknown users, so a wrong name costs as much time as a wrong password.
    dummy_phc: Mutex<Option<String>>,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog").field("path", &self.path).field("cost", &self.cost).finish()
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

impl AuditLog {
    /// Open (creating if needed) the log at `path` with production password cost.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, AuditError> {
        Self::open_with_cost(path, PasswordCost::default())
    }

    /// Open with a chosen Argon2 cost for new passwords (tests use [`PasswordCost::FOR_TESTS`]).
    pub fn open_with_cost(path: impl AsRef<Path>, cost: PasswordCost) -> Result<Self, AuditError> {
        let path = path.as_ref().to_path_buf();
        #[cfg(unix)]
        let created = !path.exists();
        let conn = Connection::open(&path)?;
        #[cfg(unix)]
        if created {
            // Password hashes live here: owner-only, like an SSH key (SQLite gives -wal/-shm the same mode).
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(AuditError::io(&path))?;
        }
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // WAL: readers (verify, export) never block the console's appends; FULL: an appended row survives power loss.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(AuditLog { conn: Mutex::new(conn), path, cost, clock: Box::new(now_ms), dummy_phc: Mutex::new(None) })
    }

    /// Replace the clock rows are stamped with (tests, simulations); ms since the epoch.
    pub fn set_clock(&mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) {
        self.clock = Box::new(clock);
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, AuditError>,
    ) -> Result<T, AuditError> {
        let mut guard = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }

    /// Add a user. `by` is the supervisor doing it from the console; `None` means the
    /// administrator at the command line (`seawarden audit add-user`), recorded as `system`.
    pub fn add_user(&self, by: Option<&Session>, name: &str, role: Role, password: &str) -> Result<(), AuditError> {
        if let Some(s) = by {
            self.require(s, Action::ManageUsers, name)?;
        }
        let valid = (1..=64).contains(&name.len())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            && name != SYSTEM_ACTOR;
        if !valid {
            return Err(AuditError::BadUserName(name.into()));
        }
        if password.chars().count() < MIN_PASSWORD_LEN {
            return Err(AuditError::WeakPassword { min: MIN_PASSWORD_LEN });
        }
        let phc = hash_password(password, self.cost)?;
        let now = (self.clock)();
        let (actor, actor_role) = match by {
            Some(s) => (s.user.as_str(), s.role.as_str()),
            None => (SYSTEM_ACTOR, SYSTEM_ACTOR),
        };
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO users (name, role, phc, created_ms) VALUES (?1, ?2, ?3, ?4)",
                params![name, role.as_str(), phc, now],
            )?;
            if inserted == 0 {
                return Err(AuditError::UserExists(name.into()));
            }
            let fp = user_fingerprint(name, role.as_str(), &phc, false);
            let detail = json!({"op": "add_user", "role": role.as_str(), "user_sha256": fp});
            insert_row(&tx, now, actor, actor_role, Action::ManageUsers, name, &detail)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Enable or disable a user (supervisors only).
    pub fn set_disabled(&self, by: &Session, name: &str, disabled: bool) -> Result<(), AuditError> {
        self.require(by, Action::ManageUsers, name)?;
        let now = (self.clock)();
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if tx.execute("UPDATE users SET disabled = ?1 WHERE name = ?2", params![disabled, name])? == 0 {
                return Err(AuditError::BadUserName(name.into()));
            }
            let (role, phc): (String, String) =
                tx.query_row("SELECT role, phc FROM users WHERE name = ?1", [name], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let fp = user_fingerprint(name, &role, &phc, disabled);
            let detail = json!({"op": if disabled { "disable_user" } else { "enable_user" }, "user_sha256": fp});
            insert_row(&tx, now, &by.user, by.role.as_str(), Action::ManageUsers, name, &detail)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// All users, by name.
    pub fn users(&self) -> Result<Vec<User>, AuditError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare("SELECT name, role, created_ms, disabled FROM users ORDER BY name")?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, bool>(3)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (name, role, created_ms, disabled) = row?;
                let role = role.parse().map_err(|what| AuditError::Corrupt { seq: 0, what })?;
                out.push(User { name, role, created_ms, disabled });
            }
            Ok(out)
        })
    }

    /// Check a password and open a session; success and failure are both logged.
    pub fn login(&self, user: &str, password: &str) -> Result<Session, AuditError> {
        let (found, vouched) = self.with_conn(|conn| {
            let found: Option<(String, String, bool)> = conn
                .query_row("SELECT role, phc, disabled FROM users WHERE name = ?1", [user], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let vouched = match &found {
                Some((role, phc, disabled)) => {
                    vouched_fingerprint(conn, user)? == Some(user_fingerprint(user, role, phc, *disabled))
                }
                None => false,
            };
            Ok((found, vouched))
        })?;
        let now = (self.clock)();
        let ok_role = match &found {
            Some(_) if !vouched => {
                tracing::error!(user, "user record differs from the audit log: refusing the login");
                None
            }
            Some((role, phc, disabled)) => {
                let matches = verify_password(password, phc)?;
                if matches && !disabled {
                    Some(role.parse::<Role>().map_err(|what| AuditError::Corrupt { seq: 0, what })?)
                } else {
                    None
                }
            }
            None => {
                let _ = verify_password(password, &self.dummy_hash()?);
                None
            }
        };
        let Some(role) = ok_role else {
            let reason = match &found {
                None => "unknown_user",
                Some(_) if !vouched => "user_record_not_in_log",
                Some((_, _, true)) => "disabled",
                Some(_) => "wrong_password",
            };
            self.append_system(Action::LoginFailed, user, json!({"reason": reason}))?;
            return Err(AuditError::BadCredentials);
        };
        let mut id = [0u8; 8];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut id);
        let session = Session { user: user.into(), role, id: crate::bus::record::hex_encode(&id), started_ms: now };
        self.write(&session.user, role.as_str(), Action::Login, user, json!({"session": session.id}))?;
        Ok(session)
    }

    fn dummy_hash(&self) -> Result<String, AuditError> {
        let mut guard = self.dummy_phc.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(hash_password("no such user, no such password", self.cost)?);
        }
        Ok(guard.clone().expect("set above"))
    }

    /// End a session (logged).
    pub fn logout(&self, session: &Session) -> Result<AuditRow, AuditError> {
        self.append(session, Action::Logout, &session.user, json!({}))
    }

    /// Record that `session` did `action` on `subject`. Refused — and the refusal recorded as a
    /// `denied` row — when the session's role may not do it.
    pub fn append(
        &self,
        session: &Session,
        action: Action,
        subject: &str,
        detail: Value,
    ) -> Result<AuditRow, AuditError> {
        self.require(session, action, subject)?;
        let mut detail = detail;
        if let Value::Object(map) = &mut detail {
            map.entry("session").or_insert_with(|| Value::String(session.id.clone()));
        } else {
            detail = json!({"session": session.id, "value": detail});
        }
        self.write(&session.user, session.role.as_str(), action, subject, detail)
    }

    /// Record an alert's state change (`raised`, `updated`, `acknowledged`, `closed`, …). `by` is the
    /// operator whose action caused it, `None` when the system did (a new alert from a node).
    pub fn alert_state(
        &self,
        alert_id: &str,
        from: Option<&str>,
        to: &str,
        by: Option<&Session>,
        detail: Value,
    ) -> Result<AuditRow, AuditError> {
        let mut d = json!({"from": from, "to": to});
        if let Some(s) = by {
            d["session"] = Value::String(s.id.clone());
        }
        if !detail.is_null() {
            d["detail"] = detail;
        }
        match by {
            Some(s) => self.write(&s.user, s.role.as_str(), Action::AlertState, alert_id, d),
            None => self.append_system(Action::AlertState, alert_id, d),
        }
    }

    /// Record a machine-written row (actor and role `system`): alert state changes, failed logins.
    pub fn append_system(&self, action: Action, subject: &str, detail: Value) -> Result<AuditRow, AuditError> {
        self.write(SYSTEM_ACTOR, SYSTEM_ACTOR, action, subject, detail)
    }

    /// Err(Forbidden) after logging a `denied` row, when `session` may not do `action`.
    pub(crate) fn require(&self, session: &Session, action: Action, subject: &str) -> Result<(), AuditError> {
        if session.may(action) {
            return Ok(());
        }
        tracing::warn!(user = %session.user, role = %session.role, %action, "refused");
        let detail = json!({"attempted": action.as_str(), "session": session.id});
        self.write(&session.user, session.role.as_str(), Action::Denied, subject, detail)?;
        Err(AuditError::Forbidden { user: session.user.clone(), role: session.role, action })
    }

    fn write(
        &self,
        actor: &str,
        role: &str,
        action: Action,
        subject: &str,
        detail: Value,
    ) -> Result<AuditRow, AuditError> {
        let now = (self.clock)();
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row = insert_row(&tx, now, actor, role, action, subject, &detail)?;
            tx.commit()?;
            Ok(row)
        })
    }

    /// The chain head: (last seq, its hash), or `(0, GENESIS)` for an empty log.
    pub fn head(&self) -> Result<(i64, String), AuditError> {
        self.with_conn(|conn| head(conn))
    }

    /// Rows with `from_ms <= time_ms <= to_ms`, in chain order.
    pub fn rows(&self, from_ms: i64, to_ms: i64) -> Result<Vec<AuditRow>, AuditError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare(
                "SELECT seq, time_ms, actor, role, action, subject, detail, prev_hash, hash FROM audit
                 WHERE time_ms BETWEEN ?1 AND ?2 ORDER BY seq",
            )?;
            let rows = stmt.query_map([from_ms, to_ms], |r| {
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
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Check the whole chain; see [`verify`](super::verify::verify).
    pub fn verify(&self) -> Result<super::VerifyReport, AuditError> {
        self.with_conn(|conn| super::verify::verify(conn))
    }
}

/// SHA-256 of a user record (name, role, password hash, disabled): what the log vouches for, so a
/// role changed or a user inserted straight into SQLite is refused at login and flagged by verify.
pub(crate) fn user_fingerprint(name: &str, role: &str, phc: &str, disabled: bool) -> String {
    sha256_hex(canonical_json(&json!({"name": name, "role": role, "phc": phc, "disabled": disabled})).as_bytes())
}

/// The fingerprint recorded by the latest `manage_users` row about `name`, if any.
pub(crate) fn vouched_fingerprint(conn: &Connection, name: &str) -> Result<Option<String>, AuditError> {
    let detail: Option<String> = conn
        .query_row(
            "SELECT detail FROM audit WHERE subject = ?1 AND action = 'manage_users' ORDER BY seq DESC LIMIT 1",
            [name],
            |r| r.get(0),
        )
        .optional()?;
    Ok(detail
        .and_then(|d| serde_json::from_str::<Value>(&d).ok())
        .and_then(|v| v.get("user_sha256").and_then(Value::as_str).map(str::to_string)))
}

fn head(conn: &Connection) -> Result<(i64, String), AuditError> {
    Ok(conn
        .query_row("SELECT seq, hash FROM chain_head WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, GENESIS.to_string())))
}

/// Append one row after the current head and move the head, inside the caller's transaction.
fn insert_row(
    tx: &rusqlite::Transaction<'_>,
    time_ms: i64,
    actor: &str,
    role: &str,
    action: Action,
    subject: &str,
    detail: &Value,
) -> Result<AuditRow, AuditError> {
    let (last_seq, prev_hash) = head(tx)?;
    let mut row = AuditRow {
        seq: last_seq + 1,
        time_ms,
        actor: actor.into(),
        role: role.into(),
        action: action.as_str().into(),
        subject: subject.into(),
        detail: canonical_json(detail),
        prev_hash,
        hash: String::new(),
    };
    row.hash = row
        .expected_hash()
        .ok_or_else(|| AuditError::Corrupt { seq: last_seq, what: "chain head hash is not 64 hex digits".into() })?;
    tx.execute(
        "INSERT INTO audit (seq, time_ms, actor, role, action, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            row.seq,
            row.time_ms,
            row.actor,
            row.role,
            row.action,
            row.subject,
            row.detail,
            row.prev_hash,
            row.hash
        ],
    )?;
    tx.execute(
        "INSERT INTO chain_head (id, seq, hash) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        params![row.seq, row.hash],
    )?;
    Ok(row)
}
