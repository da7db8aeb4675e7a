//! Scoring alerts against the simulator's labelled episodes (`seawarden eval-alerts`):
//! per-rule and overall precision, per-behaviour recall, and time to alert.
//!
//! An alert (its first line per id) is attributed to the simulated vessel nearest its position at
//! the nearest truth time (within `max_match_m`). It is a true positive when that vessel has an
//! episode of a behaviour the alert's kind is meant to catch ([`targets`]) that is under way at
//! the alert time (from `start - lead_s` to `end + grace_s`). An episode is recalled when some
//! true-positive alert hits it; its time to alert is that alert's time minus the episode start
//! (the first moment the behaviour is observable in the labels).
use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use crate::alert::{Alert, AlertKind};
use crate::geodesy::{LatLon, distance_m};

/// Which labelled behaviours an alert kind is meant to catch.
pub fn targets(kind: AlertKind) -> &'static [&'static str] {
    match kind {
        AlertKind::DarkTarget
        | AlertKind::HotspotEntry
        | AlertKind::ShoreApproach
        | AlertKind::NightFastCraft
        | AlertKind::BoundaryCrossing => &["smuggling"],
        AlertKind::Loitering => &["loitering", "rendezvous"],
        AlertKind::Rendezvous => &["rendezvous"],
        AlertKind::AisGap | AlertKind::AisSpoof | AlertKind::IdentityMismatch => &["ais_spoof"],
        AlertKind::Distress => &["drifting"],
    }
}

/// One labelled episode (episodes.jsonl).
#[derive(Debug, Clone, Deserialize)]
pub struct EpisodeLabel {
    /// Vessel id (`v3`).
    pub vessel: String,
    /// Behaviour label.
    pub behaviour: String,
    /// Start, epoch seconds.
    pub start: f64,
    /// End, epoch seconds.
    pub end: f64,
}

/// One truth line (truth.jsonl), the fields scoring needs.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthLine {
    /// Epoch seconds.
    pub time: f64,
    /// Vessel id.
    pub id: String,
    /// Degrees.
    pub lat: f64,
    /// Degrees.
    pub lon: f64,
}

/// Matching tolerances.
#[derive(Debug, Clone, Copy)]
pub struct EvalConfig {
    /// Farthest an alert may be from the vessel it is attributed to, metres.
    pub max_match_m: f64,
    /// An alert this early before the episode's label starts still counts, seconds.
    pub lead_s: f64,
    /// … and this late after it ends, seconds.
    pub grace_s: f64,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig { max_match_m: 300.0, lead_s: 30.0, grace_s: 120.0 }
    }
}

/// Counts for one alert kind.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct KindScore {
    /// Distinct alerts (ids).
    pub alerts: usize,
    /// Of which true positives.
    pub true_pos: usize,
}

impl KindScore {
    /// true_pos / alerts (1 when there are no alerts).
    pub fn precision(&self) -> f64 {
        if self.alerts == 0 { 1.0 } else { self.true_pos as f64 / self.alerts as f64 }
    }
}

/// Recall and time to alert for one behaviour.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BehaviourScore {
    /// Episodes labelled.
    pub episodes: usize,
    /// Episodes hit by a true-positive alert.
    pub recalled: usize,
    /// Time to first true-positive alert per recalled episode, seconds.
    pub time_to_alert_s: Vec<f64>,
}

impl BehaviourScore {
    /// recalled / episodes (1 when there are none).
    pub fn recall(&self) -> f64 {
        if self.episodes == 0 { 1.0 } else { self.recalled as f64 / self.episodes as f64 }
    }
}

/// The whole score.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// Per alert kind.
    pub kinds: BTreeMap<&'static str, KindScore>,
    /// Per behaviour that some kind targets.
    pub behaviours: BTreeMap<String, BehaviourScore>,
    /// Alerts that are not true positives.
    pub false_alerts: usize,
}

impl Score {
    /// All kinds together.
    pub fn overall(&self) -> KindScore {
        self.kinds.values().fold(KindScore::default(), |a, k| KindScore { alerts: a.alerts + k.alerts, true_pos: a.true_pos + k.true_pos })
    }

    /// The enforcement kinds that target smuggling, together.
    pub fn smuggling(&self) -> KindScore {
        self.kinds
            .iter()
            .filter(|(k, _)| AlertKind::ALL.iter().any(|a| a.as_str() == **k && targets(*a) == ["smuggling"]))
            .fold(KindScore::default(), |a, (_, k)| KindScore { alerts: a.alerts + k.alerts, true_pos: a.true_pos + k.true_pos })
    }
}

/// The `q` quantile (0..=1) of `v` by nearest rank; `None` if empty.
pub fn quantile(v: &[f64], q: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let i = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len()) - 1;
    Some(s[i])
}

/// Score `alerts` (all lines; the first per id counts) against episodes and truth.
pub fn score(alerts: &[Alert], episodes: &[EpisodeLabel], truth: &[TruthLine], cfg: EvalConfig) -> Score {
    // Truth by whole second.
    let mut by_sec: HashMap<i64, Vec<&TruthLine>> = HashMap::new();
    for t in truth {
        by_sec.entry(t.time.round() as i64).or_default().push(t);
    }
    let vessel_at = |time: f64, p: LatLon| -> Option<&str> {
        let s = time.round() as i64;
        [s, s - 1, s + 1, s - 2, s + 2]
            .iter()
            .filter_map(|k| by_sec.get(k))
            .flat_map(|v| v.iter())
            .map(|t| (t.id.as_str(), distance_m(p, LatLon::new(t.lat, t.lon))))
            .filter(|(_, d)| *d <= cfg.max_match_m)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(id, _)| id)
    };
    let mut sc = Score::default();
    for k in AlertKind::ALL {
        for b in targets(k) {
            sc.behaviours.entry((*b).to_owned()).or_default();
        }
    }
    for e in episodes {
        if let Some(b) = sc.behaviours.get_mut(&e.behaviour) {
            b.episodes += 1;
        }
    }
    let mut first_hit: HashMap<usize, f64> = HashMap::new();
    let mut seen = HashSet::new();
    for a in alerts {
        if !seen.insert(a.id.clone()) {
            continue;
        }
        let ks = sc.kinds.entry(a.kind.as_str()).or_default();
        ks.alerts += 1;
        let Some(v) = vessel_at(a.time, LatLon::new(a.lat, a.lon)) else {
            sc.false_alerts += 1;
            continue;
        };
        let mut tp = false;
        for (i, e) in episodes.iter().enumerate() {
            if e.vessel == v
                && targets(a.kind).contains(&e.behaviour.as_str())
                && a.time >= e.start - cfg.lead_s
                && a.time <= e.end + cfg.grace_s
            {
                tp = true;
                let f = first_hit.entry(i).or_insert(a.time);
                *f = f.min(a.time);
            }
        }
        if tp {
            ks.true_pos += 1;
        } else {
            sc.false_alerts += 1;
        }
    }
    for (i, t) in first_hit {
        let e = &episodes[i];
        if let Some(b) = sc.behaviours.get_mut(&e.behaviour) {
            b.recalled += 1;
            b.time_to_alert_s.push((t - e.start).max(0.0));
        }
    }
    sc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::{AlertId, Severity};

    fn alert(id: &str, kind: AlertKind, time: f64, lat: f64) -> Alert {
        Alert {
            time,
            id: AlertId(id.into()),
            site: String::new(),
            kind,
            severity: Severity::Medium,
            track_id: "1".into(),
            lat,
            lon: 113.6,
            mmsi: None,
            reasons: vec![],
            evidence: vec![],
            update: 0,
        }
    }

    mod score {
        use super::*;

        #[test]
        fn counts_hits_misses_and_time_to_alert() {
            let episodes = vec![
                EpisodeLabel { vessel: "v1".into(), behaviour: "smuggling".into(), start: 100.0, end: 400.0 },
                EpisodeLabel { vessel: "v2".into(), behaviour: "smuggling".into(), start: 100.0, end: 400.0 },
            ];
            let truth: Vec<TruthLine> = (0..500)
                .flat_map(|s| {
                    [
                        TruthLine { time: s as f64, id: "v1".into(), lat: 22.10, lon: 113.6 },
                        TruthLine { time: s as f64, id: "v3".into(), lat: 22.20, lon: 113.6 },
                    ]
                })
                .collect();
            let alerts = vec![
                alert("a", AlertKind::DarkTarget, 120.0, 22.10),
                alert("a", AlertKind::DarkTarget, 130.0, 22.10), // an update: not counted again
                alert("b", AlertKind::NightFastCraft, 110.0, 22.10),
                alert("c", AlertKind::DarkTarget, 120.0, 22.20), // v3 is not smuggling
            ];
            let s = score(&alerts, &episodes, &truth, EvalConfig::default());
            assert_eq!(s.kinds["dark_target"], KindScore { alerts: 2, true_pos: 1 });
            assert_eq!(s.smuggling(), KindScore { alerts: 3, true_pos: 2 });
            let b = &s.behaviours["smuggling"];
            assert_eq!((b.episodes, b.recalled), (2, 1));
            assert_eq!(b.time_to_alert_s, vec![10.0]);
            assert_eq!(s.false_alerts, 1);
        }
    }

    #[test]
    fn quantile_is_nearest_rank() {
        assert_eq!(quantile(&[3.0, 1.0, 2.0, 4.0], 0.5), Some(2.0));
        assert_eq!(quantile(&[3.0, 1.0, 2.0, 4.0], 0.95), Some(4.0));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
