//! The hash chain, without I/O: canonical row bytes and `hash = SHA-256(prev_hash ‖ bytes)`.
//!
//! Canonical bytes are the compact JSON array `[seq, time_ms, actor, role, action, subject,
//! detail]` where `detail` is the stored detail text itself (already canonical JSON with sorted
//! keys), so any change to any column — a single space in `detail` included — changes the hash.
//! `seq` is inside the hashed bytes, so moving a row to another position breaks it too.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::bus::record::{hex_decode, hex_encode};

/// `prev_hash` of the first row: 32 zero bytes, hex.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit log row, as stored and as exported in evidence bundles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// Position in the chain, 1, 2, 3, … without gaps.
    pub seq: i64,
    /// When, ms since the Unix epoch (UTC).
    pub time_ms: i64,
    /// User name, or `system` for machine-written rows.
    pub actor: String,
    /// The actor's role at the time (`operator`, `supervisor`, `auditor`, `system`).
    pub role: String,
    /// [`Action::as_str`](super::Action::as_str).
    pub action: String,
    /// What it was about: an alert id, a track id, a user name, a file.
    pub subject: String,
    /// Details as canonical JSON text (sorted keys, no spaces).
    pub detail: String,
    /// The previous row's `hash` ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// `SHA-256(prev_hash bytes ‖ canonical bytes)`, lower-case hex.
    pub hash: String,
}

impl AuditRow {
    /// The bytes that are hashed after `prev_hash`.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&(
            self.seq,
            self.time_ms,
            &self.actor,
            &self.role,
            &self.action,
            &self.subject,
            &self.detail,
        ))
        .expect("strings and integers always serialise")
    }

    /// What `hash` should be given this row's contents and `prev_hash`; `None` if `prev_hash` is not
    /// 64 hex digits.
    pub fn expected_hash(&self) -> Option<String> {
        let prev = hex_decode(&self.prev_hash).filter(|b| b.len() == 32)?;
        let mut h = Sha256::new();
        h.update(&prev);
        h.update(self.canonical_bytes());
        Some(hex_encode(&h.finalize()))
    }

    /// The detail parsed back into JSON.
    pub fn detail_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.detail).unwrap_or(serde_json::Value::String(self.detail.clone()))
    }
}

/// JSON text with object keys sorted at every level and no whitespace: the same value always gives
/// the same bytes, whatever map order serde_json was built with.
pub fn canonical_json(v: &serde_json::Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).expect("a string serialises"));
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&serde_json::to_string(scalar).expect("a scalar serialises")),
    }
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_encode(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> AuditRow {
        let mut r = AuditRow {
            seq: 1,
            time_ms: 1_000,
            actor: "ana".into(),
            role: "operator".into(),
            action: "acknowledge".into(),
            subject: "alert-1".into(),
            detail: "{}".into(),
            prev_hash: GENESIS.into(),
            hash: String::new(),
        };
        r.hash = r.expected_hash().unwrap();
        r
    }

    /// Known answer computed independently (Python `hashlib` + `json.dumps(separators=(",", ":"))`),
    /// so the documented format is the implemented one.
    #[test]
    fn known_answer() {
        let r = row();
        assert_eq!(
            String::from_utf8(r.canonical_bytes()).unwrap(),
            r#"[1,1000,"ana","operator","acknowledge","alert-1","{}"]"#
        );
        assert_eq!(r.hash, "d28f41e69e790a5885b06df994b55162ab1c1d6f4d6c78f1dd67c3f412c47dbf");
    }

    #[test]
    fn keys_are_sorted_at_every_level() {
        let v = serde_json::json!({"b": 1, "a": {"d": [1, {"z": 0, "y": null}], "c": "x"}});
        assert_eq!(canonical_json(&v), r#"{"a":{"c":"x","d":[1,{"y":null,"z":0}]},"b":1}"#);
    }

    #[test]
    fn every_column_is_covered() {
        let base = row();
        let edits: [fn(&mut AuditRow); 7] = [
            |r| r.seq = 2,
            |r| r.time_ms += 1,
            |r| r.actor.push('x'),
            |r| r.role = "supervisor".into(),
            |r| r.action = "dismiss".into(),
            |r| r.subject.push('x'),
            |r| r.detail = "{ }".into(),
        ];
        for edit in edits {
            let mut r = base.clone();
            edit(&mut r);
            assert_ne!(r.expected_hash().unwrap(), base.hash);
        }
    }

    #[test]
    fn column_boundaries_are_unambiguous() {
        let mut a = row();
        a.actor = "an".into();
        a.role = "aoperator".into();
        assert_ne!(a.canonical_bytes(), row().canonical_bytes());
    }
}
