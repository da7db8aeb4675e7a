//! The tracker stage: detections in, track batches out.
//!
//! Detections with the same time and sensor form one scan; a scan closes when a detection of
//! another (time, sensor) arrives or after `scan_idle_ms` of quiet. Each scan runs through the
//! tracker (CPU work, so `block_in_place`, off the async workers' queue). The confirmed tracks
//! go to the bus as one QoS 0 batch right after a step, at most once per `tracks_ms` of *scan
//! time* (so ≤ 1 Hz per track for live data, with no extra lag from a timer out of phase with
//! the scans); a step held back by that limit goes out once `tracks_ms` of wall time have passed.
//! A newer batch replaces an unsent one.
//!
//! The anomaly stage runs right after each step on the confirmed tracks (with the AIS reports
//! seen so far) and commits every alert it raises to the bus's outbox
//! ([`BusHandle::commit_alert`](crate::bus::BusHandle::commit_alert)): alerts are never dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::input::DetectionMsg;
use crate::alert::Alert;
use crate::anomaly::{AisLog, Engine};
use crate::bus::msg::{TrackReport, TracksMsg};
use crate::bus::{BusHandle, topic};
use crate::detection::SensorKind;
use crate::geodesy::{Enu, LatLon};
use crate::track::{DefaultTracker, Scan, Track, TrackerConfig, measurement_from_detection};

/// Counters of the tracker stage for the status report.
#[derive(Debug, Default)]
pub struct TrackCounters {
    /// Detections consumed.
    pub detections: AtomicU64,
    /// Detections the tracker refused (bad numbers, absurd σ).
    pub refused: AtomicU64,
    /// Scans stepped.
    pub scans: AtomicU64,
    /// Confirmed tracks after the last step.
    pub tracks: AtomicU64,
    /// Alerts (and alert updates) the anomaly stage raised.
    pub alerts: AtomicU64,
    /// Alerts that could not be committed to the outbox (SQLite failure).
    pub alert_errors: AtomicU64,
}

/// The anomaly stage: the engine, the AIS reports it needs, and where its alerts go.
pub struct AnomalyStage {
    /// The rule engine (episodes, suppression, stable ids).
    pub engine: Engine,
    /// AIS reports seen so far (for the AIS gap / spoof rules).
    pub ais: AisLog,
    /// The latest IR snapshot chip per track id, attached to that track's alerts as
    /// `ir_snapshot` evidence (see `ingest::thermal::snapshot`).
    pub ir_chips: std::collections::HashMap<String, String>,
}

/// Gives each IR detection's snapshot chip to the nearest confirmed track fed by IR within
/// [`CHIP_GATE_M`]: the tracker does not expose its assignments, and at one IR scan per frame
/// the nearest IR track is the one the detection updated. When several detections of the scan
/// fall to one track (the boat and a clutter spike near it), the nearest one's chip is kept, not
/// the last one's.
fn keep_ir_chips(
    dets: &[crate::detection::Detection],
    confirmed: &[Track],
    chips: &mut std::collections::HashMap<String, String>,
) {
    // Track index → (distance, chip) of the nearest detection so far in this scan.
    let mut best: std::collections::HashMap<usize, (f64, String)> = std::collections::HashMap::new();
    for d in dets.iter().filter(|d| d.kind == SensorKind::Ir) {
        let Some(uri) = crate::ingest::thermal::snapshot::take(d) else { continue };
        let Some((lat, lon)) = d.position.lat_lon() else { continue };
        let here = LatLon::new(lat, lon);
        let nearest = confirmed
            .iter()
            .enumerate()
            .filter(|(_, t)| t.sources.contains(&SensorKind::Ir))
            .map(|(i, t)| (i, crate::geodesy::distance_m(here, LatLon::new(t.lat_deg, t.lon_deg))))
            .filter(|(_, m)| *m <= CHIP_GATE_M)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, m)) = nearest
            && best.get(&i).is_none_or(|(b, _)| m < *b)
        {
            best.insert(i, (m, uri));
        }
    }
    for (i, (_, uri)) in best {
        chips.insert(confirmed[i].id.0.clone(), uri);
    }
    // Only tracks still confirmed keep a chip (bounded by the track count).
    chips.retain(|id, _| confirmed.iter().any(|t| &t.id.0 == id));
}

/// Farthest an IR detection may be from a track to give it its snapshot, metres.
const CHIP_GATE_M: f64 = 300.0;

struct Pending {
    time_s: f64,
    sensor: String,
    kind: SensorKind,
    dets: Vec<crate::detection::Detection>,
}

/// Convert a track to its bus form.
pub fn report(t: &Track) -> TrackReport {
    let sigma = (t.cov_en[0][0].max(0.0) + t.cov_en[1][1].max(0.0)).sqrt() / std::f64::consts::SQRT_2;
    TrackReport {
        track_id: t.id.0.clone(),
        time: t.time_s,
        lat: t.lat_deg,
        lon: t.lon_deg,
        sog_kn: if t.sog_kn.is_finite() { t.sog_kn.max(0.0) } else { 0.0 },
        cog_deg: if t.cog_deg.is_finite() { t.cog_deg.rem_euclid(360.0) % 360.0 } else { 0.0 },
        sigma_m: sigma.is_finite().then_some(sigma),
        mmsi: t.identity.mmsi,
        status: Some(format!("{:?}", t.status).to_lowercase()),
        sources: t.sources.iter().map(|k| sensor_kind_name(*k).to_string()).collect(),
        class: Some(vessel_class_name(t.class).to_string()),
        cov_ne_m2: cov_ne(&t.cov_en),
        length_m: t.length_m.filter(|l| l.is_finite() && *l > 0.0),
        ..Default::default()
    }
}

/// The bus name of a sensor kind (`ais`, `radar`, `ir`), as the console's symbols read it.
fn sensor_kind_name(k: SensorKind) -> &'static str {
    match k {
        SensorKind::Ais => "ais",
        SensorKind::Radar => "radar",
        SensorKind::Ir => "ir",
    }
}

/// The bus name of a vessel class (`small_craft`, `vessel`, `unknown`).
fn vessel_class_name(c: crate::track::VesselClass) -> &'static str {
    match c {
        crate::track::VesselClass::SmallCraft => "small_craft",
        crate::track::VesselClass::Vessel => "vessel",
        crate::track::VesselClass::Unknown => "unknown",
    }
}

/// `[n_n, n_e, e_e]` of the east/north position block of a track covariance, when it is usable.
fn cov_ne(c: &[[f64; 4]; 4]) -> Option<[f64; 3]> {
    let v = [c[1][1], 0.5 * (c[0][1] + c[1][0]), c[0][0]];
    (v.iter().all(|x| x.is_finite()) && v[0] >= 0.0 && v[2] >= 0.0).then_some(v)
}

/// Run the tracker stage until the detections channel closes (all inputs ended) or `shutdown`.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(name = "tracker", skip_all, fields(site = %site))]
pub async fn run(
    site: String,
    cfg: TrackerConfig,
    mut rx: mpsc::Receiver<DetectionMsg>,
    bus: BusHandle,
    counters: Arc<TrackCounters>,
    mut anomaly: Option<AnomalyStage>,
    tracks_every: Duration,
    scan_idle: Duration,
    board: Option<super::cue::TrackBoard>,
    shutdown: CancellationToken,
) {
    let topic = topic::tracks(&site);
    let alerts_topic = topic::alerts(&site);
    let mut raised: Vec<Alert> = Vec::new();
    let mut tracker: Option<DefaultTracker> = None;
    let mut pending: Option<Pending> = None;
    let mut tick = tokio::time::interval(tracks_every / 4);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut dirty = false;
    // (scan time, wall time) of the last batch.
    let mut last_pub: Option<(f64, tokio::time::Instant)> = None;
    let every_s = tracks_every.as_secs_f64();
    let due = |last: Option<(f64, tokio::time::Instant)>, t_s: f64| {
        last.is_none_or(|(t, w)| t_s - t >= every_s - 1e-6 || w.elapsed() >= tracks_every)
    };
    loop {
        let idle = tokio::time::sleep(scan_idle);
        tokio::select! {
            // Cancel-safe: observing the token.
            _ = shutdown.cancelled() => break,
            // Cancel-safe: `recv` loses nothing.
            m = rx.recv() => {
                let Some(m) = m else { break };
                let (time_s, sensor, kind, det) = match m {
                    DetectionMsg::Detection(d) => (d.time_s, d.sensor.clone(), d.kind, Some(d)),
                    DetectionMsg::EmptyScan { time_s, sensor, kind } => (time_s, sensor, kind, None),
                };
                counters.detections.fetch_add(u64::from(det.is_some()), Ordering::Relaxed);
                let same = pending.as_ref().is_some_and(|p| p.time_s == time_s && p.sensor == sensor);
                if !same {
                    if let Some(p) = pending.take() {
                        dirty |= step(&mut tracker, &cfg, p, &counters, anomaly.as_mut(), &mut raised, &bus, &alerts_topic, &site, board.as_ref());
                    }
                    pending = Some(Pending { time_s, sensor, kind, dets: vec![] });
                }
                if let (Some(p), Some(d)) = (pending.as_mut(), det) {
                    p.dets.push(d);
                }
            }
            // Cancel-safe: a timer; re-armed each turn.
            _ = idle, if pending.is_some() => {
                if let Some(p) = pending.take() {
                    dirty |= step(&mut tracker, &cfg, p, &counters, anomaly.as_mut(), &mut raised, &bus, &alerts_topic, &site, board.as_ref());
                }
            }
            // Cancel-safe: `Interval::tick`.
            _ = tick.tick() => {}
        }
        let t_s = tracker.as_ref().map_or(0.0, |t| t.time_s());
        if dirty && due(last_pub, t_s) {
            publish(&bus, &topic, &site, tracker.as_ref());
            dirty = false;
            last_pub = Some((t_s, tokio::time::Instant::now()));
        }
    }
    if let Some(p) = pending.take() {
        dirty |= step(
            &mut tracker,
            &cfg,
            p,
            &counters,
            anomaly.as_mut(),
            &mut raised,
            &bus,
            &alerts_topic,
            &site,
            board.as_ref(),
        );
    }
    if dirty {
        publish(&bus, &topic, &site, tracker.as_ref());
    }
}

#[allow(clippy::too_many_arguments)]
fn step(
    tracker: &mut Option<DefaultTracker>,
    cfg: &TrackerConfig,
    p: Pending,
    counters: &TrackCounters,
    anomaly: Option<&mut AnomalyStage>,
    raised: &mut Vec<Alert>,
    bus: &BusHandle,
    alerts_topic: &str,
    site: &str,
    board: Option<&super::cue::TrackBoard>,
) -> bool {
    let t = match tracker {
        Some(t) => t,
        None => {
            // The local frame is centred on the first position seen (the site, in practice).
            let Some((lat, lon)) = p.dets.iter().find_map(|d| d.position.lat_lon()) else { return false };
            tracker.insert(DefaultTracker::from_config(cfg, Enu::at(LatLon::new(lat, lon))))
        }
    };
    let sensor = t.sensor_id(&p.sensor);
    let mut measurements = Vec::with_capacity(p.dets.len());
    for d in &p.dets {
        match measurement_from_detection(d, t.frame(), None, &cfg.sensors) {
            Ok(m) => measurements.push(m),
            Err(_) => {
                counters.refused.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    let scan = Scan { time_s: p.time_s, sensor, kind: p.kind, measurements };
    // The tracker step and the rules are CPU work (the outbox commit an fsync): tell the runtime,
    // so other tasks move to other workers meanwhile.
    tokio::task::block_in_place(|| {
        t.step(&scan);
        let confirmed: Vec<Track> = t.confirmed_tracks().collect();
        counters.tracks.store(confirmed.len() as u64, Ordering::Relaxed);
        if let Some(b) = board {
            b.update(&confirmed);
        }
        if let Some(a) = anomaly {
            for d in p.dets.iter().filter(|d| d.kind == SensorKind::Ais) {
                if let (Some(mmsi), Some((lat, lon))) = (d.identity.mmsi, d.position.lat_lon()) {
                    a.ais.report(mmsi, d.time_s, lat, lon);
                    if let Some(l) = d.length_m {
                        a.ais.length(mmsi, l);
                    }
                }
            }
            keep_ir_chips(&p.dets, &confirmed, &mut a.ir_chips);
            raised.clear();
            a.engine.update(p.time_s, &confirmed, &a.ais, raised);
            for alert in raised.iter_mut() {
                if alert.site.is_empty() {
                    alert.site = site.to_string();
                }
                if let Some(uri) = a.ir_chips.get(&alert.track_id)
                    && !alert.evidence.iter().any(|e| e.kind == "ir_snapshot")
                {
                    alert.evidence.push(crate::alert::Evidence { kind: "ir_snapshot".into(), uri: uri.clone() });
                }
                counters.alerts.fetch_add(1, Ordering::Relaxed);
                if let Err(e) = bus.commit_alert(alerts_topic, alert) {
                    counters.alert_errors.fetch_add(1, Ordering::Relaxed);
                    tracing::error!(error = %e, alert = %alert.id, "could not commit an alert to the outbox");
                }
            }
        }
    });
    counters.scans.fetch_add(1, Ordering::Relaxed);
    true
}

fn publish(bus: &BusHandle, topic: &str, site: &str, tracker: Option<&DefaultTracker>) {
    let Some(t) = tracker else { return };
    let reports: Vec<TrackReport> = t.confirmed_tracks().map(|t| report(&t)).collect();
    let msg = TracksMsg::new(site, t.time_s(), reports);
    match serde_json::to_vec(&msg) {
        Ok(p) => bus.publish_tracks(topic, p),
        Err(e) => tracing::warn!(error = %e, "could not encode a track batch"),
    }
}

#[cfg(test)]
mod report_tests {
    use super::*;
    use crate::track::{TrackId, TrackStatus, VesselClass};

    /// The bus form carries what the console's symbols, class filter and 2σ ellipse need.
    #[test]
    fn a_report_carries_sources_class_and_covariance() {
        let mut cov = [[0.0; 4]; 4];
        cov[0][0] = 100.0; // σe = 10 m
        cov[1][1] = 400.0; // σn = 20 m
        cov[0][1] = 30.0;
        cov[1][0] = 30.0;
        let t = Track {
            id: TrackId("7".into()),
            time_s: 10.0,
            lat_deg: 22.1,
            lon_deg: 113.55,
            sog_kn: 25.0,
            cog_deg: 90.0,
            cov_en: cov,
            status: TrackStatus::Confirmed,
            sources: vec![SensorKind::Radar, SensorKind::Ir],
            identity: Default::default(),
            class: VesselClass::SmallCraft,
            length_m: Some(9.0),
            dark: true,
            history: vec![],
        };
        let r = report(&t);
        assert_eq!(r.sources, vec!["radar", "ir"]);
        assert_eq!(r.class.as_deref(), Some("small_craft"));
        assert_eq!(r.cov_ne_m2, Some([400.0, 30.0, 100.0]));
        assert_eq!(r.length_m, Some(9.0));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["cov_ne_m2"], serde_json::json!([400.0, 30.0, 100.0]));
        // A non-finite covariance is left out rather than sent.
        let mut bad = t.clone();
        bad.cov_en[0][0] = f64::NAN;
        assert_eq!(report(&bad).cov_ne_m2, None);
    }
}

#[cfg(test)]
mod ir_chip_tests {
    use super::*;
    use crate::detection::{Detection, Position};
    use crate::track::{TrackId, TrackStatus, VesselClass};

    fn track(id: &str, lat: f64, lon: f64, sources: Vec<SensorKind>) -> Track {
        Track {
            id: TrackId(id.into()),
            time_s: 5.0,
            lat_deg: lat,
            lon_deg: lon,
            sog_kn: 0.0,
            cog_deg: 0.0,
            cov_en: [[0.0; 4]; 4],
            status: TrackStatus::Confirmed,
            sources,
            identity: Default::default(),
            class: VesselClass::Unknown,
            length_m: None,
            dark: true,
            history: Vec::new(),
        }
    }

    /// An IR detection's chip goes to the nearest IR-fed track within the gate, not to a
    /// radar-only track nor to one too far; chips of tracks no longer confirmed are dropped.
    #[test]
    fn a_chip_goes_to_the_nearest_ir_track() {
        let det = Detection {
            time_s: 5.0,
            sensor: "ir-chip-test".into(),
            kind: SensorKind::Ir,
            position: Position::circular(22.1, 113.5, 20.0),
            velocity: None,
            identity: Default::default(),
            length_m: None,
        };
        crate::ingest::thermal::snapshot::remember(&det, "data:image/png;base64,AAAA".into());
        let tracks = [
            track("radar-only", 22.1, 113.5, vec![SensorKind::Radar]),
            track("near", 22.1005, 113.5, vec![SensorKind::Ir]),
            track("far", 22.2, 113.5, vec![SensorKind::Ir]),
        ];
        let mut chips = std::collections::HashMap::from([("gone".to_string(), "old".to_string())]);
        keep_ir_chips(std::slice::from_ref(&det), &tracks, &mut chips);
        assert_eq!(chips.len(), 1, "{chips:?}");
        assert_eq!(chips.get("near").map(String::as_str), Some("data:image/png;base64,AAAA"));
    }

    /// Two detections nearest one track (the boat on it, a clutter spike 200 m off, listed
    /// after): the track keeps the boat's chip, not the last one's.
    #[test]
    fn the_nearest_detection_gives_a_track_its_chip() {
        let det = |lat: f64| Detection {
            time_s: 6.0,
            sensor: "ir-chip-order-test".into(),
            kind: SensorKind::Ir,
            position: Position::circular(lat, 113.5, 20.0),
            velocity: None,
            identity: Default::default(),
            length_m: None,
        };
        let (boat, spike) = (det(22.1), det(22.1018));
        crate::ingest::thermal::snapshot::remember(&boat, "data:image/png;base64,Qk9BVA==".into());
        crate::ingest::thermal::snapshot::remember(&spike, "data:image/png;base64,U1BJS0U=".into());
        let tracks = [track("boat", 22.10001, 113.5, vec![SensorKind::Ir])];
        let mut chips = std::collections::HashMap::new();
        keep_ir_chips(&[boat, spike], &tracks, &mut chips);
        assert_eq!(chips.get("boat").map(String::as_str), Some("data:image/png;base64,Qk9BVA=="));
    }
}
