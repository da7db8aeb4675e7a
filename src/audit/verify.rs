//! Walk the chain and name the first row that does not hold.
//!
//! Checks, row by row in `seq` order: no gap in `seq` (a deleted row), `prev_hash` equal to the
//! previous row's `hash` (a deleted, inserted or reordered row), `hash` equal to the recomputed one
//! (an edited row). Then the chain head kept beside the log must point at the last row (rows cut
//! off the end, or appended without the head). Someone who rewrites every later hash *and* the head
//! defeats a keyless chain; that is what an external anchor is for: note the head that
//! `seawarden audit verify` prints and pass it later as `--anchor SEQ:HASH`.

use rusqlite::Connection;
use rusqlite::types::Value as Sql;
use serde::Serialize;

use super::AuditError;
use super::chain::{AuditRow, GENESIS};
use super::log::{user_fingerprint, vouched_fingerprint};

/// What is wrong with the first bad row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "problem")]
pub enum Problem {
    /// The row's contents do not hash to its stored `hash`: it was edited.
    HashMismatch,
    /// Its `prev_hash` is not the previous row's `hash`: a row before it was removed, inserted or moved.
    BrokenLink,
    /// No row with this `seq`: it was deleted.
    Missing,
    /// A column has the wrong type or the hash is not hex: the file was edited by hand.
    Malformed {
        /// What.
        what: String,
    },
    /// The chain head names a later row than the last one present: rows were cut off the end.
    Truncated {
        /// The last `seq` the head records.
        head_seq: i64,
    },
    /// The head's hash differs from this row's: the head or the row was rewritten.
    HeadMismatch,
    /// Rows after the recorded head: appended behind the log's back.
    BeyondHead {
        /// The head's `seq`.
        head_seq: i64,
    },
    /// An external anchor (`SEQ:HASH`) does not match.
    AnchorMismatch,
}

/// The first failure: which row and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRow {
    /// The row's `seq` (for `Missing`, the seq that should be there).
    pub seq: i64,
    /// Why.
    #[serde(flatten)]
    pub problem: Problem,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.problem {
            Problem::HashMismatch => write!(f, "row {}: contents do not match its hash (edited)", self.seq),
            Problem::BrokenLink => write!(
                f,
                "row {}: prev_hash does not match row {} (removed, inserted or reordered)",
                self.seq,
                self.seq - 1
            ),
            Problem::Missing => write!(f, "row {}: missing (deleted)", self.seq),
            Problem::Malformed { what } => write!(f, "row {}: malformed ({what})", self.seq),
            Problem::Truncated { head_seq } => {
                write!(f, "row {}: missing, the head records {head_seq} rows (cut off the end)", self.seq)
            }
            Problem::HeadMismatch => write!(f, "row {}: hash differs from the recorded chain head", self.seq),
            Problem::BeyondHead { head_seq } => {
                write!(f, "row {}: after the recorded head {head_seq} (appended outside the log)", self.seq)
            }
            Problem::AnchorMismatch => write!(f, "row {}: does not match the external anchor", self.seq),
        }
    }
}

/// Result of a full check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Rows read.
    pub rows: u64,
    /// Last good row's (seq, hash) before any failure.
    pub last_good: (i64, String),
    /// The first failure, `None` when the chain holds.
    pub first_bad: Option<BadRow>,
    /// Users whose record (role, password hash, disabled) is not what the log's latest
    /// `manage_users` row vouches for: edited or inserted straight into SQLite. They cannot log in.
    pub users_not_in_log: Vec<String>,
}

impl VerifyReport {
    /// True when nothing is wrong.
    pub fn ok(&self) -> bool {
        self.first_bad.is_none() && self.users_not_in_log.is_empty()
    }
}

/// An externally kept checkpoint: row `seq` must have `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The row.
    pub seq: i64,
    /// Its hash, hex.
    pub hash: String,
}

impl std::str::FromStr for Anchor {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (seq, hash) = s.split_once(':').ok_or("anchor is SEQ:HASH")?;
        let seq = seq.parse().map_err(|_| format!("bad anchor seq {seq:?}"))?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("anchor hash must be 64 hex digits".into());
        }
        Ok(Anchor { seq, hash: hash.to_ascii_lowercase() })
    }
}

fn text(v: &Sql, col: &str) -> Result<String, String> {
    match v {
        Sql::Text(s) => Ok(s.clone()),
        other => Err(format!("{col} is {other:?}, not text")),
    }
}

fn int(v: &Sql, col: &str) -> Result<i64, String> {
    match v {
        Sql::Integer(i) => Ok(*i),
        other => Err(format!("{col} is {other:?}, not an integer")),
    }
}

fn decode(vals: &[Sql]) -> Result<AuditRow, String> {
    Ok(AuditRow {
        seq: int(&vals[0], "seq")?,
        time_ms: int(&vals[1], "time_ms")?,
        actor: text(&vals[2], "actor")?,
        role: text(&vals[3], "role")?,
        action: text(&vals[4], "action")?,
        subject: text(&vals[5], "subject")?,
        detail: text(&vals[6], "detail")?,
        prev_hash: text(&vals[7], "prev_hash")?,
        hash: text(&vals[8], "hash")?,
    })
}

/// Users whose stored record the log does not vouch for, by name.
fn check_users(conn: &Connection) -> Result<Vec<String>, AuditError> {
    let mut stmt = conn.prepare("SELECT name, role, phc, disabled FROM users ORDER BY name")?;
    let mut rows = stmt.query([])?;
    let mut bad = Vec::new();
    while let Some(r) = rows.next()? {
        let name = match r.get::<_, Sql>(0)? {
            Sql::Text(s) => s,
            other => format!("{other:?}"),
        };
        let record = (r.get::<_, String>(1), r.get::<_, String>(2), r.get::<_, bool>(3));
        let ok = match record {
            (Ok(role), Ok(phc), Ok(disabled)) => {
                vouched_fingerprint(conn, &name)? == Some(user_fingerprint(&name, &role, &phc, disabled))
            }
            _ => false,
        };
        if !ok {
            bad.push(name);
        }
    }
    Ok(bad)
}

/// Check the chain in `conn`; an `Err` only for database failures, tampering is in the report.
pub fn verify(conn: &Connection) -> Result<VerifyReport, AuditError> {
    verify_with_anchor(conn, None)
}

/// [`verify`], also checking an external anchor.
pub fn verify_with_anchor(conn: &Connection, anchor: Option<&Anchor>) -> Result<VerifyReport, AuditError> {
    let mut report =
        VerifyReport { rows: 0, last_good: (0, GENESIS.into()), first_bad: None, users_not_in_log: Vec::new() };
    report.users_not_in_log = check_users(conn)?;
    let mut stmt = conn.prepare(
        "SELECT seq, time_ms, actor, role, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1i64;
    let mut anchor_seen = false;
    let bad = |seq, problem| Some(BadRow { seq, problem });
    while let Some(r) = rows.next()? {
        report.rows += 1;
        let vals: Vec<Sql> = (0..9).map(|i| r.get::<_, Sql>(i)).collect::<Result<_, _>>()?;
        let seq_here = match &vals[0] {
            Sql::Integer(i) => *i,
            _ => expected_seq,
        };
        let row = match decode(&vals) {
            Ok(row) => row,
            Err(what) => {
                report.first_bad = bad(seq_here, Problem::Malformed { what });
                return Ok(report);
            }
        };
        if row.seq != expected_seq {
            // Rows are in seq order, so a jump means seq `expected_seq` is gone.
            report.first_bad = bad(expected_seq, Problem::Missing);
            return Ok(report);
        }
        if row.prev_hash != report.last_good.1 {
            report.first_bad = bad(row.seq, Problem::BrokenLink);
            return Ok(report);
        }
        match row.expected_hash() {
            None => {
                report.first_bad = bad(row.seq, Problem::Malformed { what: "prev_hash is not 64 hex digits".into() });
                return Ok(report);
            }
            Some(h) if h != row.hash => {
                report.first_bad = bad(row.seq, Problem::HashMismatch);
                return Ok(report);
            }
            Some(_) => {}
        }
        if let Some(a) = anchor.filter(|a| a.seq == row.seq) {
            anchor_seen = true;
            if a.hash != row.hash {
                report.first_bad = bad(row.seq, Problem::AnchorMismatch);
                return Ok(report);
            }
        }
        report.last_good = (row.seq, row.hash);
        expected_seq += 1;
    }
    drop(rows);
    let head: Option<(i64, String)> = {
        use rusqlite::OptionalExtension;
        conn.query_row("SELECT seq, hash FROM chain_head WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
    };
    let (last_seq, last_hash) = report.last_good.clone();
    let (head_seq, head_hash) = head.unwrap_or((0, GENESIS.into()));
    if head_seq > last_seq {
        report.first_bad = bad(last_seq + 1, Problem::Truncated { head_seq });
    } else if head_seq < last_seq {
        report.first_bad = bad(head_seq + 1, Problem::BeyondHead { head_seq });
    } else if head_hash != last_hash {
        report.first_bad = bad(last_seq, Problem::HeadMismatch);
    } else if let Some(a) = anchor.filter(|_| !anchor_seen) {
        report.first_bad = bad(last_seq + 1, Problem::Truncated { head_seq: a.seq });
    }
    Ok(report)
}
