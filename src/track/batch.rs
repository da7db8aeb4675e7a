//! The batch tracker behind `seawarden track`: measurement JSONL in, track JSONL out, per the
//! DESIGN contract. Lines with the same `time` and `sensor` form one scan; all scans at one time
//! are processed, then one line per confirmed track is written with that time echoed.
//!
//! Polar lines (`range_m`/`bearing_deg` extras) are placed from their sensor's mast: the `site`
//! extra names it in the site table handed to [`run_batch_with_sites`] (`sites.toml`), whose own
//! tangent frame the bearing is measured in (rotated into the tracker's frame here: 0.04° per
//! 10 km of longitude at Macau, most of an IR camera's 0.05° σ). Without a known site, the mast
//! is found by walking back along the bearing from the line's own lat/lon.
//!
//! A confirmed track is written only while its position is known to within
//! `output.max_position_sigma_m` (see [`OutputConfig`](super::config::OutputConfig)).
//!
//! Bad input never reaches the tracker: malformed JSON, non-finite or out-of-range numbers,
//! unknown sensors or kinds, absurd errors and out-of-order times are skipped and counted. A late
//! AIS line (time behind the current scan, within `oosm.max_lag_s`) is applied by retrodiction.
use std::collections::HashMap;
use std::io::{self, BufRead, Write};

use nalgebra::{Matrix2, Vector2};
use serde::Deserialize;

use super::config::TrackerConfig;
use super::measurement::max_eigenvalue;
use super::scan::{Reject, Scan, measurement_from_detection};
use super::tracker::DefaultTracker;
use crate::detection::{Detection, Identity, Position, SensorKind, Velocity};
use crate::geodesy::{Enu, LatLon};

/// Counts of what a batch run read, skipped and wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchStats {
    /// Input lines (non-blank).
    pub lines: u64,
    /// Detections handed to the tracker.
    pub detections: u64,
    /// Scans processed (including `scan_only`).
    pub scans: u64,
    /// Distinct output times.
    pub output_times: u64,
    /// Output lines written.
    pub output_lines: u64,
    /// Lines that were not valid JSON or lacked `time`/`sensor`.
    pub malformed: u64,
    /// Lines with NaN/infinite or out-of-range numbers, or missing a position.
    pub bad_values: u64,
    /// Lines with a σ ≤ 0 or beyond `sensors.max_sigma_m`.
    pub absurd_sigma: u64,
    /// Lines from sensors not allowed by the configuration, or with an unknown `kind`.
    pub unknown_sensor: u64,
    /// Lines older than the current scan time that could not be applied.
    pub out_of_order: u64,
    /// Late AIS lines applied by retrodiction.
    pub late_applied: u64,
}

impl BatchStats {
    /// Lines skipped for any reason.
    pub fn skipped(&self) -> u64 {
        self.malformed + self.bad_values + self.absurd_sigma + self.unknown_sensor + self.out_of_order
    }
}

#[derive(Debug, Deserialize)]
struct Line {
    time: f64,
    sensor: String,
    #[serde(default)]
    scan_only: bool,
    lat: Option<f64>,
    lon: Option<f64>,
    sigma_m: Option<f64>,
    kind: Option<String>,
    mmsi: Option<u32>,
    sog_kn: Option<f64>,
    cog_deg: Option<f64>,
    range_m: Option<f64>,
    bearing_deg: Option<f64>,
    sigma_range_m: Option<f64>,
    sigma_bearing_deg: Option<f64>,
    site: Option<String>,
}

enum Skip {
    Malformed,
    BadValue,
    AbsurdSigma,
    UnknownSensor,
}

struct PendingScan {
    sensor: String,
    kind: SensorKind,
    detections: Vec<Detection>,
    sensor_en: Option<Vector2<f64>>,
}

/// The batch runner's state.
struct Batch<'c> {
    cfg: &'c TrackerConfig,
    tracker: Option<DefaultTracker>,
    time_s: Option<f64>,
    pending: Vec<PendingScan>,
    sensor_pos: HashMap<String, (Vector2<f64>, f64)>,
    sites: &'c HashMap<String, LatLon>,
    /// Mast position in the tracker's frame and the rotation (degrees, clockwise) from the
    /// mast's own north to the frame's, per site id.
    site_frames: HashMap<String, (Vector2<f64>, f64)>,
    stats: BatchStats,
}

fn infer_kind(l: &Line) -> Option<SensorKind> {
    match l.kind.as_deref() {
        Some("radar") => Some(SensorKind::Radar),
        Some("ais") => Some(SensorKind::Ais),
        Some("ir") => Some(SensorKind::Ir),
        Some(_) => None,
        None => {
            let s = l.sensor.to_ascii_lowercase();
            Some(if l.mmsi.is_some() || s.starts_with("ais") {
                SensorKind::Ais
            } else if s.starts_with("ir") || s.starts_with("cam") || s.starts_with("eo") {
                SensorKind::Ir
            } else {
                SensorKind::Radar
            })
        }
    }
}

impl<'c> Batch<'c> {
    fn frame_for(&mut self, lat: f64, lon: f64) -> &mut DefaultTracker {
        let cfg = self.cfg;
        self.tracker.get_or_insert_with(|| {
            let origin = match (cfg.origin_lat_deg, cfg.origin_lon_deg) {
                (Some(a), Some(b)) => LatLon::new(a, b),
                _ => LatLon::new(lat, lon),
            };
            DefaultTracker::from_config(cfg, Enu::at(origin))
        })
    }

    /// Validate a parsed line into a detection (None for `scan_only`).
    fn detection(&mut self, l: &Line, kind: SensorKind) -> Result<Option<(Detection, Option<Vector2<f64>>)>, Skip> {
        if l.scan_only {
            return Ok(None);
        }
        let (Some(lat), Some(lon)) = (l.lat, l.lon) else { return Err(Skip::BadValue) };
        if !(lat.is_finite() && lon.is_finite()) || lat.abs() > 90.0 || lon.abs() > 180.0 {
            return Err(Skip::BadValue);
        }
        let sigma = l.sigma_m.unwrap_or(self.cfg.sensors.default_sigma_m);
        if !sigma.is_finite() {
            return Err(Skip::BadValue);
        }
        if !(sigma > 0.0 && sigma <= self.cfg.sensors.max_sigma_m) {
            return Err(Skip::AbsurdSigma);
        }
        let frame = *self.frame_for(lat, lon).frame();
        let mut position = Position::circular(lat, lon, sigma);
        let mut sensor_en = None;
        if let (Some(b), Some(sb)) = (l.bearing_deg, l.sigma_bearing_deg) {
            if !(b.is_finite() && sb.is_finite()) {
                return Err(Skip::BadValue);
            }
            let here = frame.to_en(LatLon::new(lat, lon));
            let range = l.range_m.filter(|r| r.is_finite() && *r > 0.0);
            let site = l.site.as_deref().and_then(|id| self.site_frame(id, &frame));
            let b = match site {
                Some((_, rot)) => (b + rot).rem_euclid(360.0),
                None => b,
            };
            // The sensor sits `range` back along the bearing from the reported point; without a
            // range, use where earlier lines from this sensor put it.
            let pos = match range {
                _ if site.is_some() => site.map(|s| s.0),
                Some(r) => {
                    let (s, c) = b.to_radians().sin_cos();
                    let p = here - Vector2::new(r * s, r * c);
                    // Running mean: reported range/bearing are rounded, so each line's
                    // back-computed sensor position is off by metres; the mean converges.
                    let e = self.sensor_pos.entry(l.sensor.clone()).or_insert((Vector2::zeros(), 0.0));
                    e.0 += p;
                    e.1 += 1.0;
                    Some(e.0 / e.1)
                }
                None => self.sensor_pos.get(&l.sensor).map(|e| e.0 / e.1),
            };
            if let Some(p) = pos {
                let sr = l.sigma_range_m.unwrap_or(if kind == SensorKind::Ir { 0.0 } else { sigma });
                if !sr.is_finite() {
                    return Err(Skip::BadValue);
                }
                sensor_en = Some(p);
                position = Position::Polar {
                    bearing_deg: b,
                    range_m: range.unwrap_or(0.0),
                    sigma_bearing_deg: sb,
                    sigma_range_m: if range.is_some() { sr } else { 0.0 },
                };
            }
        }
        let velocity = match (l.sog_kn, l.cog_deg) {
            (Some(s), Some(c)) if s.is_finite() && c.is_finite() => Some(Velocity { sog_kn: s, cog_deg: c }),
            (Some(_), Some(_)) => return Err(Skip::BadValue),
            _ => None,
        };
        let d = Detection {
            time_s: l.time,
            sensor: l.sensor.clone(),
            kind,
            position,
            velocity,
            identity: Identity { mmsi: l.mmsi, ..Identity::default() },
            length_m: None,
        };
        Ok(Some((d, sensor_en)))
    }

    /// The mast of `site` in `frame` and the bearing rotation into `frame`, if the site is known.
    fn site_frame(&mut self, site: &str, frame: &Enu) -> Option<(Vector2<f64>, f64)> {
        if let Some(f) = self.site_frames.get(site) {
            return Some(*f);
        }
        let p = *self.sites.get(site)?;
        let mast = frame.to_en(p);
        // Where the mast's own north (1 km out) lands in the tracker's frame.
        let north = frame.to_en(Enu::at(p).from_en(Vector2::new(0.0, 1000.0))) - mast;
        let rot = north.x.atan2(north.y).to_degrees();
        self.site_frames.insert(site.to_string(), (mast, rot));
        Some((mast, rot))
    }

    fn line<W: Write>(&mut self, text: &str, out: &mut W) -> io::Result<()> {
        let l: Line = match serde_json::from_str(text) {
            Ok(l) => l,
            Err(_) => return Ok(self.count(Skip::Malformed)),
        };
        if !l.time.is_finite() {
            return Ok(self.count(Skip::BadValue));
        }
        let allowed = &self.cfg.sensors.allowed;
        if l.sensor.is_empty() || (!allowed.is_empty() && !allowed.contains(&l.sensor)) {
            return Ok(self.count(Skip::UnknownSensor));
        }
        let Some(kind) = infer_kind(&l) else { return Ok(self.count(Skip::UnknownSensor)) };
        let late = self.time_s.is_some_and(|t| l.time < t);
        let det = match self.detection(&l, kind) {
            Ok(d) => d,
            Err(s) => return Ok(self.count(s)),
        };
        if late {
            return Ok(self.late(&l, kind, det));
        }
        if self.time_s.is_some_and(|t| l.time > t) {
            self.flush(out)?;
        }
        self.time_s = Some(l.time);
        let idx = match self.pending.iter().position(|p| p.sensor == l.sensor) {
            Some(i) => i,
            None => {
                self.pending.push(PendingScan {
                    sensor: l.sensor.clone(),
                    kind,
                    detections: Vec::new(),
                    sensor_en: None,
                });
                self.pending.len() - 1
            }
        };
        if let Some((d, pos)) = det {
            let p = &mut self.pending[idx];
            p.detections.push(d);
            p.sensor_en = p.sensor_en.or(pos);
        }
        Ok(())
    }

    fn count(&mut self, s: Skip) {
        match s {
            Skip::Malformed => self.stats.malformed += 1,
            Skip::BadValue => self.stats.bad_values += 1,
            Skip::AbsurdSigma => self.stats.absurd_sigma += 1,
            Skip::UnknownSensor => self.stats.unknown_sensor += 1,
        }
    }

    /// A line older than the current scan: late AIS is retrodicted, anything else is skipped.
    fn late(&mut self, l: &Line, kind: SensorKind, det: Option<(Detection, Option<Vector2<f64>>)>) {
        let (Some((d, pos)), SensorKind::Ais, Some(tracker)) = (det, kind, self.tracker.as_mut()) else {
            self.stats.out_of_order += 1;
            return;
        };
        let Ok(m) = measurement_from_detection(&d, tracker.frame(), pos, &self.cfg.sensors) else {
            self.stats.out_of_order += 1;
            return;
        };
        let sensor = tracker.sensor_id(&l.sensor);
        let before = tracker.stats().late_applied;
        tracker.step(&Scan { time_s: l.time, sensor, kind, measurements: vec![m] });
        if tracker.stats().late_applied > before {
            self.stats.late_applied += 1;
        } else {
            self.stats.out_of_order += 1;
        }
    }

    /// Process every scan at the current time, then write the confirmed tracks.
    fn flush<W: Write>(&mut self, out: &mut W) -> io::Result<()> {
        let Some(t) = self.time_s else { return Ok(()) };
        let pending = std::mem::take(&mut self.pending);
        if let Some(tracker) = self.tracker.as_mut() {
            for p in pending {
                let sensor = tracker.sensor_id(&p.sensor);
                let mut ms = Vec::with_capacity(p.detections.len());
                for d in &p.detections {
                    match measurement_from_detection(d, tracker.frame(), p.sensor_en, &self.cfg.sensors) {
                        Ok(m) => ms.push(m),
                        Err(Reject::AbsurdSigma) => self.stats.absurd_sigma += 1,
                        Err(_) => self.stats.bad_values += 1,
                    }
                }
                self.stats.detections += ms.len() as u64;
                self.stats.scans += 1;
                tracker.step(&Scan { time_s: t, sensor, kind: p.kind, measurements: ms });
            }
        } else {
            // Only scan_only lines so far: nothing to track, but the time is still a scan time.
            self.stats.scans += pending.len() as u64;
        }
        self.stats.output_times += 1;
        let mut tbuf = ryu::Buffer::new();
        let time = tbuf.format(t);
        if let Some(tracker) = self.tracker.as_ref() {
            let max_var = self.cfg.output.max_position_sigma_m.powi(2);
            for tr in tracker.reported_tracks(self.cfg.output.radar_verified_in_coverage) {
                let c = &tr.cov_en;
                if !(max_eigenvalue(&Matrix2::new(c[0][0], c[0][1], c[1][0], c[1][1])) <= max_var) {
                    continue;
                }
                write!(
                    out,
                    "{{\"time\":{time},\"track_id\":\"{}\",\"lat\":{:.7},\"lon\":{:.7},\"sog_kn\":{:.2},\"cog_deg\":{:.1},\"status\":\"{}\",\"dark\":{}",
                    tr.id,
                    tr.lat_deg,
                    tr.lon_deg,
                    tr.sog_kn,
                    tr.cog_deg,
                    match tr.status {
                        super::TrackStatus::Coasting => "coasting",
                        _ => "confirmed",
                    },
                    tr.dark
                )?;
                if let Some(m) = tr.identity.mmsi {
                    write!(out, ",\"mmsi\":{m}")?;
                }
                out.write_all(b"}\n")?;
                self.stats.output_lines += 1;
            }
        }
        Ok(())
    }
}

/// Run the batch tracker over `input`, writing tracks to `output`, with no site table (polar
/// lines place their mast from their own lat/lon).
///
/// # Errors
/// Only I/O errors; bad lines are counted in the returned [`BatchStats`], never fatal.
pub fn run_batch<R: BufRead, W: Write>(input: R, output: W, cfg: &TrackerConfig) -> io::Result<BatchStats> {
    run_batch_with_sites(input, output, cfg, &HashMap::new())
}

/// Run the batch tracker over `input`, writing tracks to `output`; `sites` maps a polar line's
/// `site` extra to its mast position (from `sites.toml`).
///
/// # Errors
/// Only I/O errors; bad lines are counted in the returned [`BatchStats`], never fatal.
pub fn run_batch_with_sites<R: BufRead, W: Write>(
    input: R,
    mut output: W,
    cfg: &TrackerConfig,
    sites: &HashMap<String, LatLon>,
) -> io::Result<BatchStats> {
    let mut b = Batch {
        cfg,
        tracker: None,
        time_s: None,
        pending: Vec::new(),
        sensor_pos: HashMap::new(),
        sites,
        site_frames: HashMap::new(),
        stats: BatchStats::default(),
    };
    for line in input.lines() {
        let line = match line {
            Ok(l) => l,
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                b.stats.lines += 1;
                b.stats.malformed += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        b.stats.lines += 1;
        b.line(text, &mut output)?;
    }
    b.flush(&mut output)?;
    output.flush()?;
    Ok(b.stats)
}
