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

/// One sensor (radar/IR) position from measurements.jsonl: what makes a behaviour observable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SensorFix {
    /// Epoch seconds.
    pub time: f64,
    /// Degrees.
    pub lat: f64,
    /// Degrees.
    pub lon: f64,
    /// 1-σ error, metres.
    pub sigma_m: f64,
}

/// The radar/IR fixes of measurement JSONL text (AIS, scan-only and bad lines skipped).
pub fn sensor_fixes(measurements: &str) -> Vec<SensorFix> {
    #[derive(Deserialize)]
    struct L {
        time: f64,
        lat: Option<f64>,
        lon: Option<f64>,
        sigma_m: Option<f64>,
        kind: Option<String>,
        mmsi: Option<u32>,
    }
    measurements
        .lines()
        .filter_map(|l| serde_json::from_str::<L>(l).ok())
        .filter(|l| l.mmsi.is_none() && l.kind.as_deref() != Some("ais"))
        .filter_map(|l| Some(SensorFix { time: l.time, lat: l.lat?, lon: l.lon?, sigma_m: l.sigma_m.unwrap_or(20.0) }))
        .collect()
}

/// Truth positions by whole second, for nearest-vessel look-ups.
struct TruthIndex<'a> {
    by_sec: HashMap<i64, Vec<&'a TruthLine>>,
}

impl<'a> TruthIndex<'a> {
    fn new(truth: &'a [TruthLine]) -> Self {
        let mut by_sec: HashMap<i64, Vec<&TruthLine>> = HashMap::new();
        for t in truth {
            by_sec.entry(t.time.round() as i64).or_default().push(t);
        }
        TruthIndex { by_sec }
    }

    /// The vessel nearest `p` at `time` (±`slack_s` whole seconds), within `max_m`.
    fn nearest(&self, time: f64, p: LatLon, max_m: f64, slack_s: i64) -> Option<&'a str> {
        let s = time.round() as i64;
        (s - slack_s..=s + slack_s)
            .filter_map(|k| self.by_sec.get(&k))
            .flat_map(|v| v.iter())
            .map(|t| (t.id.as_str(), distance_m(p, LatLon::new(t.lat, t.lon))))
            .filter(|(_, d)| *d <= max_m)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(id, _)| id)
    }
}

/// When each vessel was seen by radar or IR: per vessel id, the sorted times of the fixes whose
/// nearest vessel (within 3 σ, at least 50 m and at most `max_match_m`) it is.
pub fn seen_times(fixes: &[SensorFix], truth: &[TruthLine], cfg: EvalConfig) -> HashMap<String, Vec<f64>> {
    let idx = TruthIndex::new(truth);
    let mut out: HashMap<String, Vec<f64>> = HashMap::new();
    for f in fixes {
        let gate = (3.0 * f.sigma_m).clamp(50.0, cfg.max_match_m);
        if let Some(v) = idx.nearest(f.time, LatLon::new(f.lat, f.lon), gate, 0) {
            out.entry(v.to_owned()).or_default().push(f.time);
        }
    }
    for v in out.values_mut() {
        v.sort_by(f64::total_cmp);
    }
    out
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
    /// A behaviour is observable once the vessel has been seen this many times by radar/IR
    /// within `fix_window_s` during the episode (seen steadily enough for any tracker to hold
    /// it, not one stray fix at the edge of coverage).
    pub min_fixes: usize,
    /// See `min_fixes`, seconds.
    pub fix_window_s: f64,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig { max_match_m: 300.0, lead_s: 30.0, grace_s: 120.0, min_fixes: 3, fix_window_s: 30.0 }
    }
}

/// Counts for one alert kind.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct KindScore {
    /// Distinct alerts (ids).
    pub alerts: usize,
    /// Of which true positives.
    pub true_pos: usize,
    /// Observable episodes of the behaviours this kind targets.
    pub episodes: usize,
    /// Of which this kind raised a true-positive alert for.
    pub recalled: usize,
}

impl KindScore {
    /// true_pos / alerts (1 when there are no alerts).
    pub fn precision(&self) -> f64 {
        if self.alerts == 0 { 1.0 } else { self.true_pos as f64 / self.alerts as f64 }
    }

    /// recalled / episodes (1 when there are none).
    pub fn recall(&self) -> f64 {
        if self.episodes == 0 { 1.0 } else { self.recalled as f64 / self.episodes as f64 }
    }

    fn add(self, o: KindScore) -> KindScore {
        KindScore {
            alerts: self.alerts + o.alerts,
            true_pos: self.true_pos + o.true_pos,
            episodes: self.episodes,
            recalled: self.recalled,
        }
    }
}

/// Recall and time to alert for one behaviour.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BehaviourScore {
    /// Episodes labelled and observable.
    pub episodes: usize,
    /// Episodes labelled but never seen by radar/IR (not scored).
    pub unobservable: usize,
    /// Episodes hit by a true-positive alert.
    pub recalled: usize,
    /// Time from observable to first true-positive alert per recalled episode, seconds.
    pub time_to_alert_s: Vec<f64>,
}

impl BehaviourScore {
    /// recalled / episodes (1 when there are none).
    pub fn recall(&self) -> f64 {
        if self.episodes == 0 { 1.0 } else { self.recalled as f64 / self.episodes as f64 }
    }
}

/// How one labelled episode was scored.
#[derive(Debug, Clone, PartialEq)]
pub struct EpisodeResult {
    /// Vessel id.
    pub vessel: String,
    /// Behaviour label.
    pub behaviour: String,
    /// Label start, epoch seconds.
    pub start: f64,
    /// Label end, epoch seconds.
    pub end: f64,
    /// When it became observable (`None`: never seen; then not scored).
    pub observable: Option<f64>,
    /// First true-positive alert: time and kind.
    pub first_alert: Option<(f64, AlertKind)>,
}

/// How one alert (its first line) was scored.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertResult {
    /// Alert id.
    pub id: String,
    /// Kind.
    pub kind: AlertKind,
    /// First line's time.
    pub time: f64,
    /// The vessel it was attributed to, if any.
    pub vessel: Option<String>,
    /// Whether it hit an episode it targets.
    pub true_pos: bool,
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
    /// Every labelled episode.
    pub episodes: Vec<EpisodeResult>,
    /// Every alert.
    pub alerts: Vec<AlertResult>,
}

impl Score {
    /// All kinds together (precision only).
    pub fn overall(&self) -> KindScore {
        self.kinds.values().fold(KindScore::default(), |a, k| a.add(*k))
    }

    /// The enforcement kinds that target smuggling, together; recall is over smuggling episodes.
    pub fn smuggling(&self) -> KindScore {
        let mut k = self
            .kinds
            .iter()
            .filter(|(k, _)| AlertKind::ALL.iter().any(|a| a.as_str() == **k && targets(*a) == ["smuggling"]))
            .fold(KindScore::default(), |a, (_, k)| a.add(*k));
        if let Some(b) = self.behaviours.get("smuggling") {
            (k.episodes, k.recalled) = (b.episodes, b.recalled);
        }
        k
    }

    /// Merge another scenario's score into this one.
    pub fn merge(&mut self, o: Score) {
        for (k, v) in o.kinds {
            let e = self.kinds.entry(k).or_default();
            *e = KindScore {
                alerts: e.alerts + v.alerts,
                true_pos: e.true_pos + v.true_pos,
                episodes: e.episodes + v.episodes,
                recalled: e.recalled + v.recalled,
            };
        }
        for (b, v) in o.behaviours {
            let e = self.behaviours.entry(b).or_default();
            e.episodes += v.episodes;
            e.unobservable += v.unobservable;
            e.recalled += v.recalled;
            e.time_to_alert_s.extend(v.time_to_alert_s);
        }
        self.false_alerts += o.false_alerts;
        self.episodes.extend(o.episodes);
        self.alerts.extend(o.alerts);
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

/// The first time in [`start`, `end`] by which `min_fixes` fixes (sorted `times`) fell within
/// `fix_window_s`.
fn observable_at(times: &[f64], start: f64, end: f64, cfg: EvalConfig) -> Option<f64> {
    let n = cfg.min_fixes.max(1);
    let from = times.partition_point(|t| *t < start);
    let ts = &times[from..times.partition_point(|t| *t <= end)];
    ts.windows(n).find(|w| w[n - 1] - w[0] <= cfg.fix_window_s).map(|w| w[n - 1])
}

/// Score `alerts` (all lines; the first per id counts) against episodes and truth. `seen` (from
/// [`seen_times`]) makes time to alert run from when the behaviour is first observable: the
/// `min_fixes`-th of radar/IR fixes of the vessel close enough in time within the episode; episodes never seen are not
/// scored. Without `seen`, the label's start is taken as observable.
pub fn score(
    alerts: &[Alert],
    episodes: &[EpisodeLabel],
    truth: &[TruthLine],
    seen: Option<&HashMap<String, Vec<f64>>>,
    cfg: EvalConfig,
) -> Score {
    let idx = TruthIndex::new(truth);
    let mut sc = Score::default();
    for k in AlertKind::ALL {
        for b in targets(k) {
            sc.behaviours.entry((*b).to_owned()).or_default();
        }
    }
    for e in episodes {
        let observable = match seen {
            None => Some(e.start),
            Some(seen) => seen.get(&e.vessel).and_then(|ts| observable_at(ts, e.start, e.end, cfg)),
        };
        sc.episodes.push(EpisodeResult {
            vessel: e.vessel.clone(),
            behaviour: e.behaviour.clone(),
            start: e.start,
            end: e.end,
            observable,
            first_alert: None,
        });
    }
    let mut seen_ids = HashSet::new();
    // Per kind, the episodes it hit.
    let mut hit_by_kind: HashMap<AlertKind, HashSet<usize>> = HashMap::new();
    for a in alerts {
        if !seen_ids.insert(a.id.clone()) {
            continue;
        }
        let ks = sc.kinds.entry(a.kind.as_str()).or_default();
        ks.alerts += 1;
        let v = idx.nearest(a.time, LatLon::new(a.lat, a.lon), cfg.max_match_m, 2);
        let mut tp = false;
        if let Some(v) = v {
            for (i, e) in episodes.iter().enumerate() {
                if e.vessel == v
                    && targets(a.kind).contains(&e.behaviour.as_str())
                    && a.time >= e.start - cfg.lead_s
                    && a.time <= e.end + cfg.grace_s
                {
                    tp = true;
                    hit_by_kind.entry(a.kind).or_default().insert(i);
                    let r = &mut sc.episodes[i];
                    if r.first_alert.is_none_or(|(t, _)| a.time < t) {
                        r.first_alert = Some((a.time, a.kind));
                    }
                }
            }
        }
        if tp {
            ks.true_pos += 1;
        } else {
            sc.false_alerts += 1;
        }
        sc.alerts.push(AlertResult {
            id: a.id.0.clone(),
            kind: a.kind,
            time: a.time,
            vessel: v.map(str::to_owned),
            true_pos: tp,
        });
    }
    for (i, r) in sc.episodes.iter().enumerate() {
        let Some(b) = sc.behaviours.get_mut(&r.behaviour) else { continue };
        let Some(obs) = r.observable else {
            b.unobservable += 1;
            continue;
        };
        b.episodes += 1;
        for k in AlertKind::ALL {
            if targets(k).contains(&r.behaviour.as_str()) {
                let ks = sc.kinds.entry(k.as_str()).or_default();
                ks.episodes += 1;
                if hit_by_kind.get(&k).is_some_and(|h| h.contains(&i)) {
                    ks.recalled += 1;
                }
            }
        }
        if let Some((t, _)) = r.first_alert {
            b.recalled += 1;
            b.time_to_alert_s.push((t - obs).max(0.0));
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
            let s = score(&alerts, &episodes, &truth, None, EvalConfig::default());
            assert_eq!(s.kinds["dark_target"], KindScore { alerts: 2, true_pos: 1, episodes: 2, recalled: 1 });
            assert_eq!(s.smuggling(), KindScore { alerts: 3, true_pos: 2, episodes: 2, recalled: 1 });
            let b = &s.behaviours["smuggling"];
            assert_eq!((b.episodes, b.recalled), (2, 1));
            assert_eq!(b.time_to_alert_s, vec![10.0]);
            assert_eq!(s.false_alerts, 1);
        }
    }

    #[test]
    fn time_to_alert_runs_from_when_the_vessel_is_seen_steadily() {
        let episodes = vec![
            EpisodeLabel { vessel: "v1".into(), behaviour: "smuggling".into(), start: 100.0, end: 400.0 },
            EpisodeLabel { vessel: "v2".into(), behaviour: "smuggling".into(), start: 100.0, end: 400.0 },
        ];
        let truth: Vec<TruthLine> =
            (0..500).map(|s| TruthLine { time: s as f64, id: "v1".into(), lat: 22.10, lon: 113.6 }).collect();
        // v1: one stray fix at 110, then steadily from 200; v2 never seen.
        let fixes: Vec<SensorFix> = [110.0, 200.0, 202.0, 205.0, 210.0]
            .iter()
            .map(|&time| SensorFix { time, lat: 22.1001, lon: 113.6, sigma_m: 20.0 })
            .collect();
        let seen = seen_times(&fixes, &truth, EvalConfig::default());
        let s = score(
            &[alert("a", AlertKind::DarkTarget, 215.0, 22.10)],
            &episodes,
            &truth,
            Some(&seen),
            EvalConfig::default(),
        );
        assert_eq!(s.episodes[0].observable, Some(205.0));
        let b = &s.behaviours["smuggling"];
        assert_eq!((b.episodes, b.unobservable, b.recalled), (1, 1, 1));
        assert_eq!(b.time_to_alert_s, vec![10.0]);
    }

    #[test]
    fn quantile_is_nearest_rank() {
        assert_eq!(quantile(&[3.0, 1.0, 2.0, 4.0], 0.5), Some(2.0));
        assert_eq!(quantile(&[3.0, 1.0, 2.0, 4.0], 0.95), Some(4.0));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
