//! The alert: what the anomaly stage raises about a track and what the bus must never lose.
//!
//! An [`Alert`] is the last typed value an edge node produces (`Track → anomaly → Alert → bus`).
//! Its JSON form is the alerts batch contract of DESIGN.md (`{"time", "id", "kind", "severity",
//! "track_id", "lat", "lon", "mmsi"?, "reasons": [...]}`) plus the site and evidence references.
//! Its [`AlertId`] is derived, never drawn at random, so a replay or a restart over the same input
//! yields the same ids and the console can de-duplicate resends by id.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A globally unique, stable alert id: 16 lowercase hex digits (64 bits of SHA-256).
///
/// Stable across resends, restarts and replays, because it is derived from what defines the
/// episode ([`AlertId::derive`]), not from a counter or a clock.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct AlertId(pub String);

impl AlertId {
    /// The id of the alert episode `kind` on track `track_id` at `site` that began at
    /// `episode_start_s`.
    ///
    /// SHA-256 over `site \0 track_id \0 kind \0 episode_start_ms`, first 8 bytes as hex. The start
    /// time is rounded to whole milliseconds first so that a value re-read from JSON (which may
    /// differ in the last bit) gives the same id.
    ///
    /// # Units
    /// `episode_start_s`: seconds since the Unix epoch (or the input's time base).
    ///
    /// # Examples
    /// ```
    /// use seawarden::alert::{AlertId, AlertKind};
    /// let a = AlertId::derive("hac-sa", "17", AlertKind::DarkTarget, 1_700_000_000.25);
    /// let b = AlertId::derive("hac-sa", "17", AlertKind::DarkTarget, 1_700_000_000.25);
    /// assert_eq!(a, b);
    /// assert_eq!(a.as_str().len(), 16);
    /// assert_ne!(a, AlertId::derive("ka-ho", "17", AlertKind::DarkTarget, 1_700_000_000.25));
    /// ```
    pub fn derive(site: &str, track_id: &str, kind: AlertKind, episode_start_s: f64) -> AlertId {
        let ms = (episode_start_s * 1000.0).round() as i64;
        let mut h = Sha256::new();
        h.update(site.as_bytes());
        h.update([0]);
        h.update(track_id.as_bytes());
        h.update([0]);
        h.update(kind.as_str().as_bytes());
        h.update([0]);
        h.update(ms.to_le_bytes());
        let digest = h.finalize();
        let mut s = String::with_capacity(16);
        for b in &digest[..8] {
            use fmt::Write;
            // Writing to a String cannot fail.
            let _ = write!(s, "{b:02x}");
        }
        AlertId(s)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AlertId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of anomaly an alert reports: exactly the kinds of DESIGN.md's alerts contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Radar/IR sees a vessel that sends no AIS.
    DarkTarget,
    /// A vessel enters a known smuggling hotspot.
    HotspotEntry,
    /// A vessel heads for the shore outside a harbour.
    ShoreApproach,
    /// A small fast craft moving at night.
    NightFastCraft,
    /// A vessel crosses the maritime boundary.
    BoundaryCrossing,
    /// A vessel lingers in one place.
    Loitering,
    /// Two vessels meet at sea.
    Rendezvous,
    /// A vessel's AIS went silent while it is still seen.
    AisGap,
    /// AIS reports a position the sensors contradict.
    AisSpoof,
    /// AIS identity does not match what the sensors see (size, class).
    IdentityMismatch,
    /// Someone may be in danger: search and rescue.
    Distress,
}

impl AlertKind {
    /// Every kind, in contract order.
    pub const ALL: [AlertKind; 11] = [
        AlertKind::DarkTarget,
        AlertKind::HotspotEntry,
        AlertKind::ShoreApproach,
        AlertKind::NightFastCraft,
        AlertKind::BoundaryCrossing,
        AlertKind::Loitering,
        AlertKind::Rendezvous,
        AlertKind::AisGap,
        AlertKind::AisSpoof,
        AlertKind::IdentityMismatch,
        AlertKind::Distress,
    ];

    /// The contract name (`dark_target`, …), also hashed into [`AlertId`].
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::DarkTarget => "dark_target",
            AlertKind::HotspotEntry => "hotspot_entry",
            AlertKind::ShoreApproach => "shore_approach",
            AlertKind::NightFastCraft => "night_fast_craft",
            AlertKind::BoundaryCrossing => "boundary_crossing",
            AlertKind::Loitering => "loitering",
            AlertKind::Rendezvous => "rendezvous",
            AlertKind::AisGap => "ais_gap",
            AlertKind::AisSpoof => "ais_spoof",
            AlertKind::IdentityMismatch => "identity_mismatch",
            AlertKind::Distress => "distress",
        }
    }
}

/// How urgent an alert is; ordered, so `Low < Critical`, and the outbox evicts the lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look when the queue is quiet.
    Low,
    /// Look soon.
    Medium,
    /// Look now.
    High,
    /// Act now (task a patrol).
    Critical,
}

impl Severity {
    /// 0 (low) … 3 (critical), the outbox's eviction rank.
    pub fn rank(self) -> u8 {
        self as u8
    }
}

/// One rule's finding, so an operator sees why: the rule, what was observed, the limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reason {
    /// The rule's name (`night_fast_craft`, `ais_gap`, …).
    pub rule: String,
    /// The observed value, in the rule's unit.
    pub value: f64,
    /// The threshold it crossed, same unit.
    pub threshold: f64,
}

/// Where the proof lives: an IR snapshot, a track history excerpt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evidence {
    /// What it is: `ir_snapshot`, `track_history`, …
    pub kind: String,
    /// Where to fetch it (node-relative path or URL).
    pub uri: String,
}

/// An alert about one track: the alerts batch contract, plus site, update number and evidence.
///
/// Later updates of the same episode keep the `id` and raise `update` (severity may rise, kind
/// never changes); a receiver de-duplicates on (`id`, `update`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Alert {
    /// When, in seconds since the Unix epoch (the input's time base for replays).
    pub time: f64,
    /// Stable id of the episode ([`AlertId::derive`]).
    pub id: AlertId,
    /// The site (monitoring point) that raised it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub site: String,
    /// What was seen.
    pub kind: AlertKind,
    /// How urgent.
    pub severity: Severity,
    /// The flagged track, site-scoped.
    pub track_id: String,
    /// The flagged vessel's estimated latitude at `time`, degrees north.
    pub lat: f64,
    /// The flagged vessel's estimated longitude at `time`, degrees east.
    pub lon: f64,
    /// The vessel's MMSI when AIS identified it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mmsi: Option<u32>,
    /// Why: one entry per rule that fired.
    pub reasons: Vec<Reason>,
    /// References to IR snapshots and track history.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// 0 for the first report of an episode, then 1, 2, … for its updates.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub update: u32,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    mod derive {
        use super::*;

        #[test]
        fn same_inputs_give_the_same_id() {
            let a = AlertId::derive("hac-sa", "17", AlertKind::AisGap, 12.5);
            assert_eq!(a, AlertId::derive("hac-sa", "17", AlertKind::AisGap, 12.5));
            assert_eq!(a, AlertId::derive("hac-sa", "17", AlertKind::AisGap, 12.500_000_1));
        }

        #[test]
        fn every_part_changes_the_id() {
            let a = AlertId::derive("hac-sa", "17", AlertKind::AisGap, 12.5);
            assert_ne!(a, AlertId::derive("hac-sb", "17", AlertKind::AisGap, 12.5));
            assert_ne!(a, AlertId::derive("hac-sa", "18", AlertKind::AisGap, 12.5));
            assert_ne!(a, AlertId::derive("hac-sa", "17", AlertKind::AisSpoof, 12.5));
            assert_ne!(a, AlertId::derive("hac-sa", "17", AlertKind::AisGap, 13.5));
        }

        #[test]
        fn is_pinned_to_a_known_value() {
            // Pinned so that a change of hashing breaks this test, not the console's de-duplication.
            let a = AlertId::derive("hac-sa", "17", AlertKind::DarkTarget, 0.0);
            assert_eq!(a.as_str().len(), 16);
            assert!(a.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }

    mod serde_form {
        use super::*;

        #[test]
        fn matches_the_alerts_batch_contract() {
            let a = Alert {
                time: 12.5,
                id: AlertId("00ff".into()),
                site: String::new(),
                kind: AlertKind::NightFastCraft,
                severity: Severity::High,
                track_id: "7".into(),
                lat: 22.1,
                lon: 113.5,
                mmsi: None,
                reasons: vec![Reason { rule: "speed".into(), value: 30.0, threshold: 25.0 }],
                evidence: vec![],
                update: 0,
            };
            let j = serde_json::to_value(&a).unwrap();
            assert_eq!(
                j,
                serde_json::json!({"time": 12.5, "id": "00ff", "kind": "night_fast_craft", "severity": "high",
                    "track_id": "7", "lat": 22.1, "lon": 113.5,
                    "reasons": [{"rule": "speed", "value": 30.0, "threshold": 25.0}]})
            );
            let back: Alert = serde_json::from_value(j).unwrap();
            assert_eq!(back, a);
        }

        #[test]
        fn kinds_serialise_as_their_contract_names() {
            for k in AlertKind::ALL {
                assert_eq!(serde_json::to_value(k).unwrap(), serde_json::Value::String(k.as_str().into()));
            }
        }

        #[test]
        fn severities_are_ordered() {
            assert!(Severity::Low < Severity::Medium && Severity::High < Severity::Critical);
        }
    }
}
