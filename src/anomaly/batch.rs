//! The batch analyzer behind `seawarden analyze`: measurements (and an optional AIS NMEA log)
//! in, alerts JSONL out (DESIGN "Alerts batch contract").
//!
//! The measurements go through the batch tracker ([`crate::track::run_batch`]) exactly as
//! `seawarden track` runs them; its output is read back, one group of tracks per scan time, and
//! each group is one [`Engine::update`] — the same call an edge node makes after each tracker
//! step, so a replay gives the alerts a live node would. AIS reports (measurement lines with
//! `"kind": "ais"` or an `mmsi`, and position reports in the NMEA log, timed by their tag
//! block's `c:` field) feed the [`AisLog`] in time order up to each update.
use std::collections::HashMap;
use std::io::{self, BufRead, Write};

use serde::Deserialize;

use super::engine::Engine;
use super::scene::AisLog;
use crate::alert::Alert;
use crate::detection::{Identity, Position, SensorKind};
use crate::track::{Track, TrackId, TrackStatus, TrackerConfig, VesselClass};

/// Counts of what a run read and wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnalyzeStats {
    /// Tracker updates (scan times) fed to the engine.
    pub updates: u64,
    /// Track lines read back from the tracker.
    pub track_lines: u64,
    /// AIS position reports fed to the AIS log.
    pub ais_reports: u64,
    /// Alert lines written (first reports and updates).
    pub alert_lines: u64,
}

#[derive(Deserialize)]
struct TrackLine {
    time: f64,
    track_id: String,
    lat: f64,
    lon: f64,
    sog_kn: f64,
    cog_deg: f64,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    dark: bool,
    #[serde(default)]
    mmsi: Option<u32>,
}

#[derive(Deserialize)]
struct AisLine {
    time: f64,
    lat: Option<f64>,
    lon: Option<f64>,
    kind: Option<String>,
    mmsi: Option<u32>,
}

/// AIS position reports `(time_s, mmsi, lat, lon)` from measurement JSONL text.
fn ais_from_measurements(text: &str, out: &mut Vec<(f64, u32, f64, f64)>) {
    for line in text.lines() {
        if !line.contains("mmsi") {
            continue;
        }
        let Ok(l) = serde_json::from_str::<AisLine>(line) else { continue };
        if let (Some(m), Some(la), Some(lo)) = (l.mmsi, l.lat, l.lon)
            && l.kind.as_deref().is_none_or(|k| k == "ais")
        {
            out.push((l.time, m, la, lo));
        }
    }
}

/// AIS position reports from an NMEA log whose lines carry tag blocks with `c:` (epoch seconds).
fn ais_from_nmea<R: BufRead>(nmea: R, out: &mut Vec<(f64, u32, f64, f64)>) -> io::Result<()> {
    let mut dec = crate::ingest::ais::Decoder::new();
    for line in nmea.lines() {
        let line = line?;
        let Some(time_s) = tag_time_s(&line) else { continue };
        let Some(msg) = dec.push_line_at(line.as_bytes(), time_s) else { continue };
        if let Some(d) = crate::ingest::ais::to_detection(msg, time_s, "ais")
            && let (Some(m), Position::Geodetic { lat_deg, lon_deg, .. }) = (d.identity.mmsi, d.position)
        {
            out.push((time_s, m, lat_deg, lon_deg));
        }
    }
    Ok(())
}

/// The `c:` (UNIX time) field of a leading NMEA 4.0 tag block.
fn tag_time_s(line: &str) -> Option<f64> {
    let block = line.strip_prefix('\\')?.split('\\').next()?;
    let body = block.split('*').next()?;
    body.split(',').find_map(|f| f.strip_prefix("c:")).and_then(|v| v.parse::<f64>().ok()).map(|c| {
        // Some receivers write milliseconds.
        if c > 1e11 { c / 1000.0 } else { c }
    })
}

/// Run tracker and engine over `measurements` (and `ais_nmea`), writing one JSON alert per line.
///
/// # Errors
/// I/O errors only; bad input lines are skipped (as the tracker does).
pub fn run_analyze<W: Write>(
    measurements: &str,
    ais_nmea: Option<&mut dyn BufRead>,
    tracker: &TrackerConfig,
    engine: &mut Engine,
    mut output: W,
) -> io::Result<AnalyzeStats> {
    let mut stats = AnalyzeStats::default();
    let mut tracks_jsonl = Vec::new();
    crate::track::run_batch(measurements.as_bytes(), &mut tracks_jsonl, tracker)?;
    let mut reports = Vec::new();
    ais_from_measurements(measurements, &mut reports);
    if let Some(r) = ais_nmea {
        ais_from_nmea(r, &mut reports)?;
    }
    reports.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut ais = AisLog::default();
    let mut next_report = 0;
    let mut history: HashMap<String, Vec<crate::track::value::HistoryPoint>> = HashMap::new();
    let mut group: Vec<Track> = Vec::new();
    let mut alerts: Vec<Alert> = Vec::new();
    let text = String::from_utf8_lossy(&tracks_jsonl);
    let mut lines = text.lines().filter_map(|l| serde_json::from_str::<TrackLine>(l).ok()).peekable();
    while let Some(first) = lines.next() {
        let time_s = first.time;
        group.clear();
        let mut add = |l: TrackLine, group: &mut Vec<Track>| {
            let h = history.entry(l.track_id.clone()).or_default();
            h.push(crate::track::value::HistoryPoint { time_s: l.time, lat_deg: l.lat, lon_deg: l.lon });
            if h.len() > 64 {
                h.drain(..h.len() - 64);
            }
            group.push(Track {
                id: TrackId(l.track_id),
                time_s: l.time,
                lat_deg: l.lat,
                lon_deg: l.lon,
                sog_kn: l.sog_kn,
                cog_deg: l.cog_deg,
                cov_en: [[0.0; 4]; 4],
                status: if l.status.as_deref() == Some("coasting") { TrackStatus::Coasting } else { TrackStatus::Confirmed },
                sources: if l.mmsi.is_some() { vec![SensorKind::Ais] } else { vec![SensorKind::Radar] },
                identity: Identity { mmsi: l.mmsi, ..Default::default() },
                class: VesselClass::Unknown,
                length_m: None,
                dark: l.dark,
                history: h.clone(),
            });
        };
        add(first, &mut group);
        while lines.peek().is_some_and(|l| l.time == time_s) {
            if let Some(l) = lines.next() {
                add(l, &mut group);
            }
        }
        while next_report < reports.len() && reports[next_report].0 <= time_s {
            let (t, m, la, lo) = reports[next_report];
            ais.report(m, t, la, lo);
            next_report += 1;
            stats.ais_reports += 1;
        }
        stats.track_lines += group.len() as u64;
        stats.updates += 1;
        alerts.clear();
        engine.update(time_s, &group, &ais, &mut alerts);
        for a in &alerts {
            serde_json::to_writer(&mut output, a)?;
            output.write_all(b"\n")?;
            stats.alert_lines += 1;
        }
    }
    output.flush()?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    mod tag_time_s {
        use super::*;

        #[test]
        fn reads_the_c_field() {
            assert_eq!(tag_time_s(r"\s:cheoc-van,c:1773252001*0C\!AIVDM,1,1,,A,B690Ul,0*79"), Some(1_773_252_001.0));
            assert_eq!(tag_time_s("!AIVDM,1,1,,A,B690Ul,0*79"), None);
        }
    }
}
