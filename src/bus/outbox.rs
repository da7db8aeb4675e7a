//! The persistent alert outbox: SQLite in WAL mode, one row per alert message.
//!
//! An alert is committed here before it is published and deleted only when the broker's PUBACK
//! for it arrives, so a broker outage, a network flap or a `kill -9` of the node loses nothing:
//! whatever is still here is sent again after reconnect or restart (receivers de-duplicate by
//! id). The table is bounded: past `max_rows`, rows are evicted lowest severity first, oldest
//! first within a severity, and every eviction is logged and counted.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::error::BusError;
use super::inflight::OutboxSeq;
use crate::alert::{Alert, AlertId};

/// Default bound on rows: a day of a busy night's alerts, a few MB of disk.
pub const DEFAULT_MAX_ROWS: u64 = 100_000;

/// One stored alert message, ready to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    /// Its rowid: insertion order, and its handle for deletion.
    pub seq: OutboxSeq,
    /// The alert's id.
    pub id: AlertId,
    /// Topic to publish on.
    pub topic: String,
    /// The encoded message.
    pub payload: Vec<u8>,
}

/// What [`Outbox::push`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pushed {
    /// False when this (id, update) was already waiting (a replay or restart).
    pub inserted: bool,
    /// Alerts dropped by the overflow policy to make room.
    pub evicted: Vec<AlertId>,
}

/// The SQLite outbox. Not `Sync`: the bus shares it behind a mutex.
#[derive(Debug)]
pub struct Outbox {
    conn: Connection,
    path: PathBuf,
    max_rows: u64,
}

impl Outbox {
    /// Open or create the outbox at `path` (WAL, `synchronous=FULL`: a committed alert survives
    /// power loss, not just a crash), holding at most `max_rows` (at least 1).
    ///
    /// # Errors
    /// [`BusError::Outbox`] when the file cannot be opened or initialised.
    pub fn open(path: &Path, max_rows: u64) -> Result<Self, BusError> {
        let err = |source| BusError::Outbox { path: path.to_path_buf(), source };
        let conn = Connection::open(path).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                alert_id TEXT NOT NULL,
                update_no INTEGER NOT NULL,
                severity INTEGER NOT NULL,
                topic TEXT NOT NULL,
                payload BLOB NOT NULL,
                UNIQUE (alert_id, update_no)
            );
            CREATE INDEX IF NOT EXISTS outbox_evict ON outbox (severity, seq);",
        )
        .map_err(err)?;
        Ok(Outbox { conn, path: path.to_path_buf(), max_rows: max_rows.max(1) })
    }

    fn err(&self, source: rusqlite::Error) -> BusError {
        BusError::Outbox { path: self.path.clone(), source }
    }

    /// Commit one alert message; evict per the overflow policy if the table is over its bound.
    ///
    /// # Errors
    /// [`BusError::Outbox`] on any SQLite failure; then nothing was committed.
    pub fn push(&mut self, topic: &str, alert: &Alert, payload: &[u8]) -> Result<Pushed, BusError> {
        let max = self.max_rows;
        let tx = self.conn.transaction().map_err(|e| BusError::Outbox { path: self.path.clone(), source: e })?;
        let r: Result<Pushed, rusqlite::Error> = (|| {
            let n = tx.execute(
                "INSERT OR IGNORE INTO outbox (alert_id, update_no, severity, topic, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![alert.id.as_str(), alert.update, alert.severity.rank(), topic, payload],
            )?;
            let count: i64 = tx.query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))?;
            let count = count.max(0) as u64;
            let mut evicted = Vec::new();
            if count > max {
                let mut q = tx.prepare("SELECT seq, alert_id FROM outbox ORDER BY severity ASC, seq ASC LIMIT ?1")?;
                let victims: Vec<(i64, String)> =
                    q.query_map([(count - max) as i64], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
                drop(q);
                for (seq, id) in victims {
                    tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
                    evicted.push(AlertId(id));
                }
            }
            Ok(Pushed { inserted: n == 1, evicted })
        })();
        let path = &self.path;
        let err = |source| BusError::Outbox { path: path.clone(), source };
        match r {
            Ok(p) => {
                tx.commit().map_err(err)?;
                for id in &p.evicted {
                    tracing::warn!(alert = %id, max_rows = max, "outbox full: evicted the oldest lowest-severity alert");
                }
                Ok(p)
            }
            Err(e) => Err(err(e)),
        }
    }

    /// Up to `limit` rows after `seq`, in insertion order: what to send next.
    ///
    /// # Errors
    /// [`BusError::Outbox`] on any SQLite failure.
    pub fn next_after(&self, seq: OutboxSeq, limit: usize) -> Result<Vec<OutboxRow>, BusError> {
        let mut q = self
            .conn
            .prepare_cached("SELECT seq, alert_id, topic, payload FROM outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2")
            .map_err(|e| self.err(e))?;
        let rows = q
            .query_map(params![seq, limit as i64], |r| {
                Ok(OutboxRow { seq: r.get(0)?, id: AlertId(r.get(1)?), topic: r.get(2)?, payload: r.get(3)? })
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// Delete the row acknowledged by the broker; false when it was already gone (evicted, or a
    /// second PUBACK for a resend).
    ///
    /// # Errors
    /// [`BusError::Outbox`] on any SQLite failure.
    pub fn remove(&mut self, seq: OutboxSeq) -> Result<bool, BusError> {
        let n = self.conn.execute("DELETE FROM outbox WHERE seq = ?1", [seq]).map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    /// Rows waiting.
    ///
    /// # Errors
    /// [`BusError::Outbox`] on any SQLite failure.
    pub fn len(&self) -> Result<u64, BusError> {
        let n: i64 = self.conn.query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0)).map_err(|e| self.err(e))?;
        Ok(n.max(0) as u64)
    }

    /// True when nothing waits.
    ///
    /// # Errors
    /// [`BusError::Outbox`] on any SQLite failure.
    pub fn is_empty(&self) -> Result<bool, BusError> {
        Ok(self.len()? == 0)
    }

    /// The row of an alert, if it waits (for tests and diagnostics).
    ///
    /// # Errors
    /// [`BusError::Outbox`] on any SQLite failure.
    pub fn find(&self, id: &AlertId) -> Result<Option<OutboxSeq>, BusError> {
        self.conn
            .query_row("SELECT seq FROM outbox WHERE alert_id = ?1 ORDER BY seq LIMIT 1", [id.as_str()], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::{AlertKind, Severity};

    fn alert(n: u32, sev: Severity) -> Alert {
        Alert {
            time: f64::from(n),
            id: AlertId::derive("s", &n.to_string(), AlertKind::Loitering, f64::from(n)),
            site: "s".into(),
            kind: AlertKind::Loitering,
            severity: sev,
            track_id: n.to_string(),
            lat: 22.0,
            lon: 113.0,
            mmsi: None,
            reasons: vec![],
            evidence: vec![],
            update: 0,
        }
    }

    #[test]
    fn rows_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.db");
        {
            let mut o = Outbox::open(&p, 10).unwrap();
            o.push("t", &alert(1, Severity::Low), b"x").unwrap();
        }
        let o = Outbox::open(&p, 10).unwrap();
        assert_eq!(o.len().unwrap(), 1);
        assert_eq!(o.next_after(0, 10).unwrap()[0].payload, b"x");
    }

    #[test]
    fn a_repeated_alert_is_not_stored_twice() {
        let dir = tempfile::tempdir().unwrap();
        let mut o = Outbox::open(&dir.path().join("o.db"), 10).unwrap();
        assert!(o.push("t", &alert(1, Severity::Low), b"x").unwrap().inserted);
        assert!(!o.push("t", &alert(1, Severity::Low), b"x").unwrap().inserted);
        let mut upd = alert(1, Severity::High);
        upd.update = 1;
        assert!(o.push("t", &upd, b"y").unwrap().inserted);
        assert_eq!(o.len().unwrap(), 2);
    }

    #[test]
    fn overflow_evicts_oldest_low_severity_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut o = Outbox::open(&dir.path().join("o.db"), 3).unwrap();
        o.push("t", &alert(1, Severity::High), b"").unwrap();
        o.push("t", &alert(2, Severity::Low), b"").unwrap();
        o.push("t", &alert(3, Severity::Low), b"").unwrap();
        let p = o.push("t", &alert(4, Severity::Critical), b"").unwrap();
        assert_eq!(p.evicted, vec![alert(2, Severity::Low).id]);
        let p = o.push("t", &alert(5, Severity::Medium), b"").unwrap();
        assert_eq!(p.evicted, vec![alert(3, Severity::Low).id]);
        let left: Vec<_> = o.next_after(0, 10).unwrap().into_iter().map(|r| r.id).collect();
        assert_eq!(
            left,
            vec![alert(1, Severity::High).id, alert(4, Severity::Critical).id, alert(5, Severity::Medium).id]
        );
    }

    #[test]
    fn remove_deletes_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut o = Outbox::open(&dir.path().join("o.db"), 3).unwrap();
        o.push("t", &alert(1, Severity::High), b"").unwrap();
        let seq = o.find(&alert(1, Severity::High).id).unwrap().unwrap();
        assert!(o.remove(seq).unwrap());
        assert!(!o.remove(seq).unwrap());
        assert!(o.is_empty().unwrap());
    }
}
