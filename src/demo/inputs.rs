//! The demo's sensor inputs: the scenario simulated once (AIS and radar NMEA with their exact sim
//! times, measurements, truth, labelled episodes) and one IR clip per site rendered from truth,
//! cached under `WORK/cache/<key>` so a second run with the same scenario, seed, duration, speed
//! and frame rate starts at once.
//!
//! Everything is on the scenario's clock: NMEA tag blocks carry sim epoch times (see
//! [`live_nmea`]) and IR clips have sim-time stream timestamps (frame `i` at stream time
//! `i / sim_fps` shows the scene at sim time `start + i / sim_fps`). The nodes replay both at
//! `?speed=S` and stamp with those times (tag-block `c:`, the video input's `start_time` + stream
//! time), so the trackers see true kinematics and the rules the scenario's time of day at any
//! demo speed.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use calibration::SiteCalibration;

use crate::coast::sites::{Site, Sites};
use crate::sim::{self, Episode, Measurement, Scenario, Simulation, Sink, TruthRecord, World};

/// Why the inputs could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum InputsError {
    /// Simulation failed.
    #[error(transparent)]
    Sim(#[from] sim::SimError),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A calibration could not be read or does not build.
    #[error("calibration for {site}: {message}")]
    Calibration {
        /// Site id.
        site: String,
        /// Why.
        message: String,
    },
    /// Rendering or encoding a clip failed.
    #[error("rendering IR for {site}: {message}")]
    Render {
        /// Site id.
        site: String,
        /// Why.
        message: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> InputsError + '_ {
    move |source| InputsError::Io { path: path.to_path_buf(), source }
}

/// What one run of the demo needs, and where it is.
#[derive(Debug, Clone)]
pub struct InputSpec {
    /// The scenario, with seed and duration already applied.
    pub scenario: Scenario,
    /// Demo speed (sim seconds per wall second).
    pub speed: f64,
    /// IR frames per wall second wanted in the clips (see [`sim_fps`](Self::sim_fps)); 0 renders
    /// no clips (the nodes then run without video).
    pub ir_fps: u32,
}

impl InputSpec {
    /// The cache key: everything the cached files depend on (on the sim clock, the speed only
    /// through the clips' frame rate), plus which build made them — a rebuilt binary may simulate
    /// or render differently, so its first run starts cold rather than replay stale inputs.
    pub fn key(&self) -> String {
        let clips = if self.ir_fps == 0 { 0 } else { self.sim_fps() };
        format!(
            "{}-seed{}-{}s-simir{clips}-build{:08x}",
            self.scenario.name,
            self.scenario.seed,
            self.scenario.duration_s,
            build_stamp()
        )
    }

    /// IR frames per sim second: `ir_fps / speed`, rounded, at least 1 (the clip writer's frame
    /// rate is a whole number), so above `ir_fps`× a node sees more than `ir_fps` frames a second.
    pub fn sim_fps(&self) -> u32 {
        (f64::from(self.ir_fps) / self.speed).round().max(1.0) as u32
    }

    /// IR frames per clip.
    pub fn frames(&self) -> u32 {
        (self.scenario.duration_s * f64::from(self.sim_fps())).ceil().max(1.0) as u32
    }
}

/// A short fingerprint of this executable (size and modification time), 0 when unknown.
fn build_stamp() -> u32 {
    let meta = std::env::current_exe().and_then(std::fs::metadata);
    let Ok(meta) = meta else { return 0 };
    let mtime_ns =
        meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
    // FNV-1a over size and mtime: stable across runs of one build, different after a rebuild.
    let mut h: u32 = 0x811c_9dc5;
    for b in meta.len().to_le_bytes().into_iter().chain(mtime_ns.to_le_bytes()) {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h
}

/// Prepared inputs in a cache folder.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The cache folder (sim files, NMEA templates, clips, calibrations).
    pub dir: PathBuf,
    /// Whether it was already there.
    pub warm: bool,
    /// Scenario start, epoch seconds (sim time 0).
    pub start_epoch_s: f64,
}

impl Inputs {
    /// `truth.jsonl`.
    pub fn truth(&self) -> PathBuf {
        self.dir.join("sim/truth.jsonl")
    }
    /// `episodes.jsonl`.
    pub fn episodes(&self) -> PathBuf {
        self.dir.join("sim/episodes.jsonl")
    }
    /// `measurements.jsonl`.
    pub fn measurements(&self) -> PathBuf {
        self.dir.join("sim/measurements.jsonl")
    }
    /// AIS lines with their sim times (`t<TAB>line`).
    pub fn ais_template(&self) -> PathBuf {
        self.dir.join("ais.tnmea")
    }
    /// A site's radar lines with their sim times, if it has a radar.
    pub fn radar_template(&self, site: &str) -> Option<PathBuf> {
        Some(self.dir.join(format!("radar-{site}.tnmea"))).filter(|p| p.exists())
    }
    /// A site's IR clip and calibration.
    pub fn clip(&self, site: &str) -> (PathBuf, PathBuf) {
        (self.dir.join(format!("ir-{site}.mkv")), self.dir.join(format!("ir-{site}.site.toml")))
    }
}

/// The sim's own files plus the NMEA lines with their exact sim times.
struct DemoSink {
    dir: sim::DirSink,
    ais: BufWriter<File>,
    radar: Vec<BufWriter<File>>,
    error: Option<std::io::Error>,
}

impl DemoSink {
    fn put(w: &mut BufWriter<File>, error: &mut Option<std::io::Error>, t_s: f64, line: &str) {
        if error.is_none()
            && let Err(e) = writeln!(w, "{t_s:.3}\t{line}")
        {
            *error = Some(e);
        }
    }
}

impl Sink for DemoSink {
    fn truth(&mut self, r: &TruthRecord) {
        self.dir.truth(r);
    }
    fn measurement(&mut self, m: &Measurement) {
        self.dir.measurement(m);
    }
    fn ais_nmea(&mut self, t_s: f64, line: &str) {
        Self::put(&mut self.ais, &mut self.error, t_s, line);
    }
    fn radar_nmea(&mut self, radar: usize, t_s: f64, line: &str) {
        Self::put(&mut self.radar[radar], &mut self.error, t_s, line);
    }
    fn episode(&mut self, e: &Episode) {
        self.dir.episode(e);
    }
}

/// Simulate the scenario into `dir` (progress 0..1 through `progress`).
fn simulate(spec: &InputSpec, dir: &Path, mut progress: impl FnMut(f64)) -> Result<(), InputsError> {
    let mut sim = Simulation::new(World::macau(), spec.scenario.clone())?;
    let sim_dir = dir.join("sim");
    let create = |p: PathBuf| File::create(&p).map(BufWriter::new).map_err(|e| InputsError::Io { path: p, source: e });
    let mut sink = DemoSink {
        dir: sim::DirSink::create(&sim_dir, &sim)?,
        ais: create(dir.join("ais.tnmea"))?,
        radar: sim
            .radars
            .iter()
            .map(|r| create(dir.join(format!("radar-{}.tnmea", r.site_id))))
            .collect::<Result<_, _>>()?,
        error: None,
    };
    sim.run(&mut sink, &mut progress);
    if let Some(e) = sink.error.take() {
        return Err(InputsError::Io { path: dir.to_path_buf(), source: e });
    }
    sink.dir.finish()?;
    sink.ais.flush().map_err(io(dir))?;
    for w in &mut sink.radar {
        w.flush().map_err(io(dir))?;
    }
    Ok(())
}

/// The camera of a site as the demo mounts it: the site's calibration file when there is one
/// (else one derived from `sites.toml` at the widest zoom), looking at the middle of the site's
/// sector, a degree below level so the horizon sits above the image centre.
pub fn demo_calibration(site: &Site, calibration_dir: &Path) -> Result<SiteCalibration, InputsError> {
    let path = calibration_dir.join(format!("{}.toml", site.id));
    let mut cal = if path.exists() {
        SiteCalibration::from_path(&path)
            .map_err(|e| InputsError::Calibration { site: site.id.clone(), message: e.to_string() })?
    } else {
        SiteCalibration {
            pose: calibration::SitePose {
                lat: site.lat,
                lon: site.lon,
                mast_height_m: site.mast_height_m,
                heading_offset_deg: 0.0,
                tilt_offset_deg: 0.0,
                roll_deg: 0.0,
            },
            camera: calibration::CameraSpec {
                width_px: 640,
                height_px: 512,
                hfov_deg: Some(site.camera.hfov_max_deg),
                focal_px: None,
                k1: 0.0,
                k2: 0.0,
                cx_px: None,
                cy_px: None,
            },
        }
    };
    cal.pose.heading_offset_deg = site.sector.centre_deg();
    cal.pose.tilt_offset_deg = -1.0;
    Ok(cal)
}

/// Render one site's time-lapse clip (see the module docs) and write its calibration.
#[cfg(feature = "thermal")]
fn render_site(
    spec: &InputSpec,
    site: &Site,
    index: usize,
    calibration_dir: &Path,
    truth: &crate::sim::thermal::TruthTimeline,
    dir: &Path,
) -> Result<(), InputsError> {
    use crate::ingest::thermal::Frame16;
    use crate::sim::thermal::{Ffv1Writer, Renderer, SceneConfig};
    let err = |message: String| InputsError::Render { site: site.id.clone(), message };
    let cal = demo_calibration(site, calibration_dir)?;
    let cal_path = dir.join(format!("ir-{}.site.toml", site.id));
    std::fs::write(&cal_path, toml::to_string(&cal).map_err(|e| err(e.to_string()))?).map_err(io(&cal_path))?;
    let scene = SceneConfig {
        seed: spec.scenario.seed.wrapping_mul(131) + index as u64,
        fps: f64::from(spec.sim_fps()),
        ..SceneConfig::default()
    };
    let mut renderer =
        Renderer::new(&cal, calibration::HeadAngles::default(), scene).map_err(|e| err(e.to_string()))?;
    let (w, h) = renderer.size();
    let tmp = dir.join(format!("ir-{}.mkv.part", site.id));
    let mut writer = Ffv1Writer::create(&tmp, w, h, spec.sim_fps()).map_err(|e| err(e.to_string()))?;
    let mut frame = Frame16::filled(w, h, 0);
    let mut labels = Vec::new();
    for i in 0..spec.frames() {
        let stream_t = f64::from(i) / f64::from(spec.sim_fps());
        let vessels = truth.at(spec.scenario.start_epoch_s + stream_t);
        labels.clear();
        renderer.render(stream_t, &vessels, &mut frame, &mut labels);
        writer.write(&frame).map_err(|e| err(e.to_string()))?;
    }
    writer.finish().map_err(|e| err(e.to_string()))?;
    let (mkv, _) = (dir.join(format!("ir-{}.mkv", site.id)), ());
    std::fs::rename(&tmp, &mkv).map_err(io(&mkv))?;
    Ok(())
}

/// Progress callbacks of [`prepare`].
pub trait Progress: Sync {
    /// Simulation progress, 0..1.
    fn sim(&self, fraction: f64);
    /// A site's clip is done (`done` of `total`).
    fn rendered(&self, site: &str, done: usize, total: usize);
}

/// Simulate and render into `WORK/cache/<key>` unless that is already complete.
///
/// # Errors
/// [`InputsError`] naming the file or site that failed.
pub fn prepare(
    spec: &InputSpec,
    sites: &Sites,
    #[cfg_attr(not(feature = "thermal"), allow(unused_variables))] calibration_dir: &Path,
    work: &Path,
    progress: &dyn Progress,
) -> Result<Inputs, InputsError> {
    let dir = work.join("cache").join(spec.key());
    let ready = dir.join("READY");
    let inputs = Inputs { dir: dir.clone(), warm: ready.exists(), start_epoch_s: spec.scenario.start_epoch_s };
    if inputs.warm {
        progress.sim(1.0);
        for (i, s) in sites.iter().enumerate() {
            progress.rendered(&s.id, i + 1, sites.len());
        }
        return Ok(inputs);
    }
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    simulate(spec, &dir, |f| progress.sim(f))?;
    #[cfg(feature = "thermal")]
    if spec.ir_fps > 0 {
        let file = File::open(inputs.truth()).map_err(io(&dir))?;
        let truth = crate::sim::thermal::TruthTimeline::read_jsonl(BufReader::new(file))
            .map_err(|e| InputsError::Render { site: "all".into(), message: e.to_string() })?;
        let next = std::sync::atomic::AtomicUsize::new(0);
        let done = std::sync::atomic::AtomicUsize::new(0);
        let all: Vec<&Site> = sites.iter().collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(all.len().max(1));
        let results: Vec<Result<(), InputsError>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(site) = all.get(i) else { return Ok(()) };
                            render_site(spec, site, i, calibration_dir, &truth, &dir)?;
                            let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                            progress.rendered(&site.id, d, all.len());
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(InputsError::Render { site: "?".into(), message: "render thread panicked".into() })
                    })
                })
                .collect()
        });
        for r in results {
            r?;
        }
    }
    File::create(&ready).map_err(io(&ready))?;
    Ok(inputs)
}

/// The XOR checksum NMEA uses (tag blocks and sentences alike).
fn checksum(s: &str) -> u8 {
    s.bytes().fold(0, |a, b| a ^ b)
}

/// A `$GPGGA` fix at `lat`/`lon` (the radar mast's GNSS), time of day from `epoch_s`.
fn gga(lat: f64, lon: f64, epoch_s: f64) -> String {
    let tod = epoch_s.rem_euclid(86_400.0);
    let (h, m, s) = ((tod / 3600.0) as u32, ((tod % 3600.0) / 60.0) as u32, tod % 60.0);
    let (la, lo) = (lat.abs(), lon.abs());
    let body = format!(
        "GPGGA,{h:02}{m:02}{s:05.2},{:02}{:07.4},{},{:03}{:07.4},{},1,10,0.8,30.0,M,0.0,M,,",
        la.trunc() as u32,
        la.fract() * 60.0,
        if lat >= 0.0 { 'N' } else { 'S' },
        lo.trunc() as u32,
        lo.fract() * 60.0,
        if lon >= 0.0 { 'E' } else { 'W' }
    );
    format!("${body}*{:02X}", checksum(&body))
}

/// Writes a template (`t<TAB>line`) as a receiver's NMEA log: each line's tag block gets
/// `c:` = its sim epoch millisecond (`epoch0_s + t`), so the node's file replay (`?speed=S`)
/// paces it at the demo speed and stamps it with scenario time (true kinematics, the
/// scenario's night). With `mast = Some((sensor, lat, lon))` a GGA fix of the radar's mast
/// precedes every scan second (a shore radar's GNSS), so TTM ranges and bearings geolocate.
///
/// # Errors
/// [`InputsError::Io`] naming the file.
pub fn live_nmea(
    template: &Path,
    out: &Path,
    epoch0_s: f64,
    mast: Option<(&str, f64, f64)>,
) -> Result<u64, InputsError> {
    let r = BufReader::new(File::open(template).map_err(io(template))?);
    let mut w = BufWriter::new(File::create(out).map_err(io(out))?);
    let mut last_second = i64::MIN;
    let mut n = 0u64;
    for line in r.lines() {
        let line = line.map_err(io(template))?;
        let Some((t, rest)) = line.split_once('\t') else { continue };
        let Ok(t) = t.parse::<f64>() else { continue };
        // Keep the source (`s:`) field, replace the time.
        let sentence = rest.rsplit_once('\\').map_or(rest, |(_, s)| s);
        let source = rest
            .strip_prefix('\\')
            .and_then(|r| r.split(['*', '\\']).next())
            .and_then(|tb| tb.split(',').find_map(|f| f.strip_prefix("s:")))
            .unwrap_or("sim");
        let ms = ((epoch0_s + t) * 1000.0).round() as i64;
        let tag = |ms: i64| {
            let body = format!("s:{source},c:{ms}");
            format!("\\{body}*{:02X}\\", checksum(&body))
        };
        if let Some((_, lat, lon)) = mast
            && (t.floor() as i64) != last_second
        {
            last_second = t.floor() as i64;
            writeln!(w, "{}{}\r", tag(ms), gga(lat, lon, epoch0_s + t)).map_err(io(out))?;
        }
        write!(w, "{}{}\r\n", tag(ms), sentence).map_err(io(out))?;
        n += 1;
    }
    w.flush().map_err(io(out))?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gga_has_a_valid_checksum_and_degrees_minutes() {
        let g = gga(22.110214, 113.556696, 1_773_340_200.0);
        let (body, cs) = g[1..].split_once('*').unwrap();
        assert_eq!(u8::from_str_radix(cs, 16).unwrap(), checksum(body));
        assert!(body.contains(",2206.6128,N,11333.4018,E,"), "{body}");
    }

    #[test]
    fn live_nmea_restamps_tag_blocks_in_sim_epoch_milliseconds() {
        let d = tempfile::tempdir().unwrap();
        let t = d.path().join("r.tnmea");
        std::fs::write(&t, "2.500\t\\s:radar-x,c:1773252001*52\\$RATTM,01,0.990,82.5,T,,,,,,N,,T,,180001.25,A*62\n")
            .unwrap();
        let out = d.path().join("r.nmea");
        assert_eq!(live_nmea(&t, &out, 1000.0, Some(("radar-x", 22.1, 113.5))).unwrap(), 1);
        let text = std::fs::read_to_string(&out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].contains("$GPGGA"), "{text}");
        assert!(lines[1].starts_with("\\s:radar-x,c:1002500*"), "{text}");
        assert!(lines[1].ends_with("$RATTM,01,0.990,82.5,T,,,,,,N,,T,,180001.25,A*62"), "{text}");
        let tb = &lines[1][1..lines[1][1..].find('\\').unwrap() + 1];
        let (body, cs) = tb.split_once('*').unwrap();
        assert_eq!(u8::from_str_radix(cs, 16).unwrap(), checksum(body));
    }
}
