//! Sinks: [`DirSink`] writes a run's files into a directory, [`MemorySink`] keeps the records
//! for tests.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::record::{Episode, Measurement, SensorInfo, TruthRecord};
use super::run::{Simulation, Sink, Stats};
use super::{Scenario, SimError, World};

/// Writes `measurements.jsonl`, `truth.jsonl`, `episodes.jsonl`, `ais.nmea` and one
/// `radar-<site>.nmea` per radar into a directory. The first write error is kept and returned
/// by [`DirSink::finish`].
pub struct DirSink {
    dir: PathBuf,
    start_epoch_s: f64,
    sensors: Vec<SensorInfo>,
    site_ids: Vec<String>,
    meas: BufWriter<File>,
    truth: BufWriter<File>,
    episodes: BufWriter<File>,
    ais: BufWriter<File>,
    radar: Vec<BufWriter<File>>,
    line: String,
    error: Option<SimError>,
}

fn create(dir: &Path, name: &str) -> Result<BufWriter<File>, SimError> {
    let path = dir.join(name);
    File::create(&path).map(|f| BufWriter::with_capacity(1 << 16, f)).map_err(|source| SimError::Io { path, source })
}

impl DirSink {
    /// Create the directory (if needed) and the files for `sim`.
    ///
    /// # Errors
    /// [`SimError::Io`] naming the file that could not be created.
    pub fn create(dir: &Path, sim: &Simulation) -> Result<Self, SimError> {
        std::fs::create_dir_all(dir).map_err(|source| SimError::Io { path: dir.to_owned(), source })?;
        let radar = sim.radars.iter().map(|r| create(dir, &format!("radar-{}.nmea", r.site_id))).collect::<Result<_, _>>()?;
        Ok(DirSink {
            dir: dir.to_owned(),
            start_epoch_s: sim.scenario().start_epoch_s,
            sensors: sim.sensors.clone(),
            site_ids: sim.site_ids(),
            meas: create(dir, "measurements.jsonl")?,
            truth: create(dir, "truth.jsonl")?,
            episodes: create(dir, "episodes.jsonl")?,
            ais: create(dir, "ais.nmea")?,
            radar,
            line: String::with_capacity(512),
            error: None,
        })
    }

    fn put(w: &mut BufWriter<File>, line: &str, error: &mut Option<SimError>, dir: &Path, name: &str) {
        if error.is_none()
            && let Err(source) = w.write_all(line.as_bytes())
        {
            *error = Some(SimError::Io { path: dir.join(name), source });
        }
    }

    /// Flush everything.
    ///
    /// # Errors
    /// The first write or flush error.
    pub fn finish(mut self) -> Result<(), SimError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let dir = self.dir.clone();
        for (w, name) in [(&mut self.meas, "measurements.jsonl"), (&mut self.truth, "truth.jsonl"), (&mut self.episodes, "episodes.jsonl"), (&mut self.ais, "ais.nmea")] {
            w.flush().map_err(|source| SimError::Io { path: dir.join(name), source })?;
        }
        for w in &mut self.radar {
            w.flush().map_err(|source| SimError::Io { path: dir.clone(), source })?;
        }
        Ok(())
    }
}

impl Sink for DirSink {
    fn truth(&mut self, r: &TruthRecord) {
        self.line.clear();
        r.write_json(&mut self.line, self.start_epoch_s);
        Self::put(&mut self.truth, &self.line, &mut self.error, &self.dir, "truth.jsonl");
    }

    fn measurement(&mut self, m: &Measurement) {
        self.line.clear();
        m.write_json(&mut self.line, self.start_epoch_s, &self.sensors, &self.site_ids);
        Self::put(&mut self.meas, &self.line, &mut self.error, &self.dir, "measurements.jsonl");
    }

    fn ais_nmea(&mut self, _t_s: f64, line: &str) {
        self.line.clear();
        self.line.push_str(line);
        self.line.push_str("\r\n");
        Self::put(&mut self.ais, &self.line, &mut self.error, &self.dir, "ais.nmea");
    }

    fn radar_nmea(&mut self, radar: usize, _t_s: f64, line: &str) {
        self.line.clear();
        self.line.push_str(line);
        self.line.push_str("\r\n");
        Self::put(&mut self.radar[radar], &self.line, &mut self.error, &self.dir, "radar-*.nmea");
    }

    fn episode(&mut self, e: &Episode) {
        self.line.clear();
        e.write_json(&mut self.line, self.start_epoch_s);
        Self::put(&mut self.episodes, &self.line, &mut self.error, &self.dir, "episodes.jsonl");
    }
}

/// Keeps every record in memory (tests, scoring without files).
#[derive(Debug, Default)]
pub struct MemorySink {
    /// Truth records.
    pub truth: Vec<TruthRecord>,
    /// Measurements, scan markers included.
    pub measurements: Vec<Measurement>,
    /// AIS NMEA lines with their times.
    pub ais_nmea: Vec<(f64, String)>,
    /// Radar NMEA lines: (radar index, time, line).
    pub radar_nmea: Vec<(usize, f64, String)>,
    /// Episodes.
    pub episodes: Vec<Episode>,
}

impl Sink for MemorySink {
    fn truth(&mut self, r: &TruthRecord) {
        self.truth.push(r.clone());
    }
    fn measurement(&mut self, m: &Measurement) {
        self.measurements.push(m.clone());
    }
    fn ais_nmea(&mut self, t_s: f64, line: &str) {
        self.ais_nmea.push((t_s, line.to_owned()));
    }
    fn radar_nmea(&mut self, radar: usize, t_s: f64, line: &str) {
        self.radar_nmea.push((radar, t_s, line.to_owned()));
    }
    fn episode(&mut self, e: &Episode) {
        self.episodes.push(e.clone());
    }
}

/// Run `scenario` on the Macau world and write its files into `dir`.
///
/// # Errors
/// [`SimError`] from building the scenario or writing the files.
pub fn write_dir(scenario: Scenario, dir: &Path, progress: impl FnMut(f64)) -> Result<Stats, SimError> {
    let mut sim = Simulation::new(World::macau(), scenario)?;
    let mut sink = DirSink::create(dir, &sim)?;
    let stats = sim.run(&mut sink, progress);
    sink.finish()?;
    Ok(stats)
}
