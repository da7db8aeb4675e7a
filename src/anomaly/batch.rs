//! The batch analyzer behind `seawarden analyze`: measurements (and an optional AIS NMEA log)
//! in, alerts JSONL out (DESIGN "Alerts batch contract").
//!
//! # Same alerts as a live node
//! [`Replay`] is the edge node's tracker stage ([`crate::node::tracking`]) without the async
//! plumbing: lines are parsed by the node's own parser ([`parse_measurement`]); consecutive
//! detections with the same (time, sensor) form one scan; the tracker is built from the same
//! configuration in a frame centred on the first position seen; after every scan step the
//! confirmed tracks go through one [`Engine::update`] with the AIS reports seen so far. So a
//! replay gives the alert ids a node fed the same file gives (tested in `tests/it/anomaly.rs`).
//!
//! AIS from an NMEA log (tag-block `c:` times) joins the detection stream in time order as
//! sensor `ais`, as a node with an NMEA input would see it — except for MMSIs the measurement
//! file already carries as `kind: "ais"` lines (the simulator writes both), which would otherwise
//! be counted twice.
use std::collections::HashSet;
use std::io::{self, BufRead, Write};

use super::engine::Engine;
use super::scene::AisLog;
use crate::alert::Alert;
use crate::detection::{Detection, SensorKind};
use crate::geodesy::{Enu, LatLon};
use crate::node::input::{DetectionMsg, parse_measurement};
use crate::track::{DefaultTracker, Scan, Track, TrackerConfig, measurement_from_detection};

/// Counts of what a run read and wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnalyzeStats {
    /// Input lines read (measurements).
    pub lines: u64,
    /// Lines the parser refused (bad JSON, missing or non-finite fields).
    pub bad_lines: u64,
    /// Detections the tracker refused (absurd σ, bad numbers).
    pub refused: u64,
    /// Scans stepped (each one engine update).
    pub updates: u64,
    /// AIS position reports fed to the AIS log.
    pub ais_reports: u64,
    /// AIS reports from the NMEA log used.
    pub nmea_reports: u64,
    /// Alert lines written (first reports and updates).
    pub alert_lines: u64,
}

struct Pending {
    time_s: f64,
    sensor: String,
    kind: SensorKind,
    dets: Vec<Detection>,
}

/// The node's tracker + anomaly stage as a synchronous replay: push detections in time order,
/// collect alerts.
pub struct Replay {
    cfg: TrackerConfig,
    tracker: Option<DefaultTracker>,
    pending: Option<Pending>,
    /// The engine (public so callers can dismiss alerts or read its state).
    pub engine: Engine,
    ais: AisLog,
    /// What the replay has done so far.
    pub stats: AnalyzeStats,
}

impl Replay {
    /// A replay with tracker settings `cfg` (its `site` scopes track ids, as in a node) and
    /// `engine`.
    pub fn new(cfg: TrackerConfig, engine: Engine) -> Self {
        Replay { cfg, tracker: None, pending: None, engine, ais: AisLog::default(), stats: AnalyzeStats::default() }
    }

    /// Feed one parsed input line; alerts raised by a scan it closes go to `out`.
    pub fn push(&mut self, m: DetectionMsg, out: &mut Vec<Alert>) {
        let (time_s, sensor, kind, det) = match m {
            DetectionMsg::Detection(d) => (d.time_s, d.sensor.clone(), d.kind, Some(d)),
            DetectionMsg::EmptyScan { time_s, sensor, kind } => (time_s, sensor, kind, None),
        };
        let same = self.pending.as_ref().is_some_and(|p| p.time_s == time_s && p.sensor == sensor);
        if !same {
            if let Some(p) = self.pending.take() {
                self.step(p, out);
            }
            self.pending = Some(Pending { time_s, sensor, kind, dets: vec![] });
        }
        if let (Some(p), Some(d)) = (self.pending.as_mut(), det) {
            p.dets.push(d);
        }
    }

    /// Close the last scan (end of input).
    pub fn finish(&mut self, out: &mut Vec<Alert>) {
        if let Some(p) = self.pending.take() {
            self.step(p, out);
        }
    }

    /// One scan: tracker step, then the engine on the confirmed tracks — as the node's `step`.
    fn step(&mut self, p: Pending, out: &mut Vec<Alert>) {
        let t = match &mut self.tracker {
            Some(t) => t,
            None => {
                let Some((lat, lon)) = p.dets.iter().find_map(|d| d.position.lat_lon()) else { return };
                self.tracker.insert(DefaultTracker::from_config(&self.cfg, Enu::at(LatLon::new(lat, lon))))
            }
        };
        let sensor = t.sensor_id(&p.sensor);
        let mut measurements = Vec::with_capacity(p.dets.len());
        for d in &p.dets {
            match measurement_from_detection(d, t.frame(), None, &self.cfg.sensors) {
                Ok(m) => measurements.push(m),
                Err(_) => self.stats.refused += 1,
            }
        }
        t.step(&Scan { time_s: p.time_s, sensor, kind: p.kind, measurements });
        let confirmed: Vec<Track> = t.confirmed_tracks().collect();
        for d in p.dets.iter().filter(|d| d.kind == SensorKind::Ais) {
            if let (Some(mmsi), Some((lat, lon))) = (d.identity.mmsi, d.position.lat_lon()) {
                self.ais.report(mmsi, d.time_s, lat, lon);
                if let Some(l) = d.length_m {
                    self.ais.length(mmsi, l);
                }
                self.stats.ais_reports += 1;
            }
        }
        let n = out.len();
        self.engine.update(p.time_s, &confirmed, &self.ais, out);
        let site = &self.engine.cfg.site;
        for a in &mut out[n..] {
            if a.site.is_empty() {
                a.site.clone_from(site);
            }
        }
        self.stats.updates += 1;
    }
}

/// AIS detections from an NMEA log whose lines carry tag blocks with `c:` (epoch seconds),
/// skipping MMSIs in `skip`; sorted by time.
fn ais_from_nmea<R: BufRead + ?Sized>(nmea: &mut R, skip: &HashSet<u32>) -> io::Result<Vec<Detection>> {
    let mut dec = crate::ingest::ais::Decoder::new();
    let mut out = Vec::new();
    let mut lengths = crate::ingest::ais::DeclaredLengths::default();
    for line in nmea.lines() {
        let line = line?;
        let Some(time_s) = tag_time_s(&line) else { continue };
        let Some(msg) = dec.push_line_at(line.as_bytes(), time_s) else { continue };
        lengths.observe(msg);
        if let Some(mut d) = crate::ingest::ais::to_detection(msg, time_s, "ais")
            && d.identity.mmsi.is_some_and(|m| !skip.contains(&m))
            && d.position.lat_lon().is_some()
        {
            lengths.fill(&mut d);
            out.push(d);
        }
    }
    out.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    Ok(out)
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

/// Run tracker and engine over `measurements` (and `ais_nmea`) as a node would, writing one JSON
/// alert per line to `output`.
///
/// # Errors
/// I/O errors only; bad input lines are skipped and counted ([`AnalyzeStats::bad_lines`]).
pub fn run_analyze<W: Write>(
    measurements: &str,
    ais_nmea: Option<&mut dyn BufRead>,
    tracker: &TrackerConfig,
    engine: Engine,
    mut output: W,
    mut progress: impl FnMut(u64),
) -> io::Result<AnalyzeStats> {
    let mut cfg = tracker.clone();
    if cfg.site.is_empty() {
        cfg.site.clone_from(&engine.cfg.site);
    }
    let mut nmea = Vec::new();
    if let Some(r) = ais_nmea {
        let mut in_meas = HashSet::new();
        for l in measurements.lines().filter(|l| l.contains("\"mmsi\"")) {
            if let Some(DetectionMsg::Detection(d)) = parse_measurement(l.as_bytes())
                && d.kind == SensorKind::Ais
                && let Some(m) = d.identity.mmsi
            {
                in_meas.insert(m);
            }
        }
        nmea = ais_from_nmea(r, &in_meas)?;
    }
    let mut nmea = nmea.into_iter().peekable();
    let mut replay = Replay::new(cfg, engine);
    let mut alerts = Vec::new();
    let write = |alerts: &mut Vec<Alert>, output: &mut W, stats: &mut AnalyzeStats| -> io::Result<()> {
        for a in alerts.drain(..) {
            serde_json::to_writer(&mut *output, &a)?;
            output.write_all(b"\n")?;
            stats.alert_lines += 1;
        }
        Ok(())
    };
    for line in measurements.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        replay.stats.lines += 1;
        if replay.stats.lines % 100_000 == 0 {
            progress(replay.stats.lines);
        }
        let Some(m) = parse_measurement(line.as_bytes()) else {
            replay.stats.bad_lines += 1;
            continue;
        };
        let t = match &m {
            DetectionMsg::Detection(d) => d.time_s,
            DetectionMsg::EmptyScan { time_s, .. } => *time_s,
        };
        while let Some(d) = nmea.next_if(|d| d.time_s < t) {
            replay.stats.nmea_reports += 1;
            replay.push(DetectionMsg::Detection(d), &mut alerts);
        }
        replay.push(m, &mut alerts);
        write(&mut alerts, &mut output, &mut replay.stats)?;
    }
    for d in nmea {
        replay.stats.nmea_reports += 1;
        replay.push(DetectionMsg::Detection(d), &mut alerts);
    }
    replay.finish(&mut alerts);
    write(&mut alerts, &mut output, &mut replay.stats)?;
    output.flush()?;
    Ok(replay.stats)
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
