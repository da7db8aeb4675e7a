//! A deterministic synthetic picture (tracks on water, alerts, node statuses) as the bus messages
//! a live console would receive: the fixture for the frame-time bench, the UI tests and the
//! screenshots. It goes through the same validation and ingest path as live traffic.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::feed::Inbound;
use crate::alert::{Alert, AlertId, AlertKind, Reason, Severity};
use crate::bus::msg::{AlertMsg, NodeState, SensorHealth, StatusMsg, TrackReport, TracksMsg};
use crate::bus::topic;
use crate::coast::{Coast, Sites};
use crate::geodesy::{LatLon, MPS_PER_KNOT, destination, distance_m};

/// Start time of the synthetic picture, seconds since the epoch (2026-12-01 14:00 UTC, 22:00 Macau).
pub const T0: f64 = 1_796_133_600.0;

/// Messages for `n_tracks` tracks seen over `scans` one-second batches, `n_alerts` alerts and a
/// status from every site (the last site offline, to show a dark node).
pub fn picture(n_tracks: usize, scans: usize, n_alerts: usize, seed: u64) -> Vec<Inbound> {
    let coast = Coast::macau();
    let sites = Sites::macau();
    let mut rng = Pcg64::seed_from_u64(seed);
    let (sw, ne) = ((22.06, 113.47), (22.24, 113.65));
    struct T {
        site: String,
        id: String,
        lat: f64,
        lon: f64,
        sog: f64,
        cog: f64,
        mmsi: Option<u32>,
        class: &'static str,
        sources: Vec<String>,
    }
    let mut tracks = Vec::with_capacity(n_tracks);
    while tracks.len() < n_tracks {
        let (lat, lon) = (rng.random_range(sw.0..ne.0), rng.random_range(sw.1..ne.1));
        if coast.is_land(LatLon::new(lat, lon)) {
            continue;
        }
        let site = sites
            .iter()
            .min_by(|a, b| {
                distance_m(a.position(), LatLon::new(lat, lon))
                    .total_cmp(&distance_m(b.position(), LatLon::new(lat, lon)))
            })
            .map(|s| (s.id.clone(), s.radar))
            .unwrap_or_default();
        let ais = rng.random_bool(0.6);
        let small = rng.random_bool(if ais { 0.2 } else { 0.7 });
        let mut sources = Vec::new();
        if ais {
            sources.push("ais".to_string());
        }
        if site.1 && rng.random_bool(0.8) {
            sources.push(format!("radar-{}", site.0));
        }
        if !ais || rng.random_bool(0.3) {
            sources.push(format!("ir-{}", site.0));
        }
        tracks.push(T {
            id: format!("{}", tracks.len() + 1),
            site: site.0,
            lat,
            lon,
            sog: if small { rng.random_range(0.0..38.0) } else { rng.random_range(0.0..18.0) },
            cog: rng.random_range(0.0..360.0),
            mmsi: ais.then(|| 412_000_000 + rng.random_range(0..999_999)),
            class: if small { "small_craft" } else { "vessel" },
            sources,
        });
    }
    let mut out = Vec::new();
    for (i, s) in sites.iter().enumerate() {
        let online = i + 1 < sites.len();
        let mut m = StatusMsg::offline(&s.id);
        if online {
            m.state = NodeState::Online;
            m.time = Some(T0);
            m.uptime_s = 3600.0;
            m.detection_rate_hz = 4.0 + i as f64;
            m.outbox_depth = (i % 3) as u64;
            m.sensors = vec![SensorHealth {
                name: format!("ir-{}", s.id),
                state: "up".into(),
                lines: 1000,
                rate_hz: 5.0,
                errors: 0,
            }];
        }
        out.push(Inbound {
            topic: topic::status(&s.id),
            payload: serde_json::to_vec(&m).unwrap_or_default(),
            received_s: T0,
        });
    }
    let mut sites_ids: Vec<String> = tracks.iter().map(|t| t.site.clone()).collect();
    sites_ids.sort();
    sites_ids.dedup();
    for k in 0..scans {
        let time = T0 + k as f64;
        for site in &sites_ids {
            let reports: Vec<serde_json::Value> = tracks
                .iter()
                .filter(|t| &t.site == site)
                .map(|t| {
                    let r = TrackReport {
                        track_id: t.id.clone(),
                        time,
                        lat: t.lat,
                        lon: t.lon,
                        sog_kn: t.sog,
                        cog_deg: t.cog,
                        sigma_m: Some(if t.sources.len() > 1 { 12.0 } else { 35.0 }),
                        mmsi: t.mmsi,
                        status: Some("confirmed".into()),
                        sources: t.sources.clone(),
                        class: Some(t.class.to_string()),
                        cov_ne_m2: Some([400.0, 300.0, 900.0]),
                        ..Default::default()
                    };
                    let mut v = serde_json::to_value(r).unwrap_or_default();
                    if t.mmsi.is_some() {
                        v["ais"] = serde_json::json!({"name": format!("VESSEL {}", t.id), "callsign": "XX", "length_m": if t.class == "vessel" { 80.0 } else { 12.0 }});
                    }
                    v
                })
                .collect();
            let mut msg = serde_json::to_value(TracksMsg::new(site, time, vec![])).unwrap_or_default();
            msg["tracks"] = serde_json::Value::Array(reports);
            out.push(Inbound {
                topic: topic::tracks(site),
                payload: serde_json::to_vec(&msg).unwrap_or_default(),
                received_s: time,
            });
        }
        for t in &mut tracks {
            // Vessels run 60× faster than real time so the trails are visible.
            let (la, lo) = destination(t.lat, t.lon, t.cog, t.sog * MPS_PER_KNOT * 60.0);
            if !coast.is_land(LatLon::new(la, lo)) {
                t.lat = la;
                t.lon = lo;
            } else {
                t.cog = (t.cog + 180.0) % 360.0;
            }
        }
    }
    let kinds = [
        (AlertKind::NightFastCraft, Severity::Critical, "speed_kn", 25.0),
        (AlertKind::DarkTarget, Severity::High, "ais_silent_s", 60.0),
        (AlertKind::HotspotEntry, Severity::High, "hotspot_risk", 1.0),
        (AlertKind::Loitering, Severity::Medium, "radius_m", 200.0),
        (AlertKind::ShoreApproach, Severity::Medium, "shore_distance_m", 500.0),
        (AlertKind::AisGap, Severity::Low, "gap_s", 300.0),
    ];
    let time = T0 + scans as f64;
    for (i, t) in tracks.iter().filter(|t| t.mmsi.is_none()).take(n_alerts).enumerate() {
        let (kind, sev, rule, thr) = kinds[i % kinds.len()];
        let a = Alert {
            time: time - i as f64 * 17.0,
            id: AlertId::derive(&t.site, &t.id, kind, T0),
            site: t.site.clone(),
            kind,
            severity: sev,
            track_id: t.id.clone(),
            lat: t.lat,
            lon: t.lon,
            mmsi: None,
            reasons: vec![Reason { rule: rule.into(), value: thr * 1.4, threshold: thr }],
            evidence: vec![],
            update: 0,
        };
        let m = AlertMsg::new(a, Some(time));
        out.push(Inbound {
            topic: topic::alerts(&t.site),
            payload: serde_json::to_vec(&m).unwrap_or_default(),
            received_s: time,
        });
    }
    out
}
