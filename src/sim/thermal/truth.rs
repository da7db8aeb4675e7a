//! Vessel truth for rendering: the simulator's truth JSONL, interpolated to frame times.
//!
//! The simulator writes one line per vessel per second
//! (`{"time","id","lat","lon","sog_kn","cog_deg","class",…}`); a camera runs at 25–60 frames a
//! second, so [`TruthTimeline::at`] interpolates each vessel linearly between its two
//! neighbouring lines (and never extrapolates past a vessel's first or last line).

use std::collections::BTreeMap;
use std::io::BufRead;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use serde::{Deserialize, Serialize};

use crate::geodesy;

/// One truth line: a vessel's state at one time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthRecord {
    /// Seconds (epoch or scenario time).
    pub time: f64,
    /// Vessel id, stable over the scenario.
    pub id: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Speed over ground, knots.
    #[serde(default)]
    pub sog_kn: f64,
    /// Course over ground, degrees true.
    #[serde(default)]
    pub cog_deg: f64,
    /// Vessel class as the simulator names it (`speedboat`, `fishing`, `ferry`, …).
    #[serde(default)]
    pub class: String,
    /// Length overall, metres, when the simulator gives it; otherwise guessed from `class`.
    #[serde(default)]
    pub length_m: Option<f64>,
}

impl TruthRecord {
    /// Length overall, metres: the record's own, or a typical one for its class.
    pub fn length_or_typical_m(&self) -> f64 {
        if let Some(l) = self.length_m.filter(|l| l.is_finite() && *l > 0.0) {
            return l;
        }
        let c = self.class.to_ascii_lowercase();
        if ["ferry", "cargo", "tanker", "container", "passenger"].iter().any(|k| c.contains(k)) {
            45.0
        } else if ["fishing", "trawler", "tug"].iter().any(|k| c.contains(k)) {
            16.0
        } else if ["speed", "fast", "rib", "smuggl", "small"].iter().any(|k| c.contains(k)) {
            8.0
        } else {
            10.0
        }
    }
}

/// Every vessel's truth, ordered by time, for interpolation at frame times.
#[derive(Debug, Clone, Default)]
pub struct TruthTimeline {
    tracks: BTreeMap<String, Vec<TruthRecord>>,
}

/// Why a truth file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TruthError {
    /// Reading failed.
    #[error("reading truth: {0}")]
    Io(#[from] std::io::Error),
    /// A line is not a truth record.
    #[error("truth line {line}: {source}")]
    Json {
        /// 1-based line number.
        line: usize,
        /// The parse error.
        source: serde_json::Error,
    },
}

impl TruthTimeline {
    /// Builds a timeline from records in any order.
    pub fn from_records(records: impl IntoIterator<Item = TruthRecord>) -> TruthTimeline {
        let mut tracks: BTreeMap<String, Vec<TruthRecord>> = BTreeMap::new();
        for r in records {
            tracks.entry(r.id.clone()).or_default().push(r);
        }
        for v in tracks.values_mut() {
            v.sort_by(|a, b| a.time.total_cmp(&b.time));
        }
        TruthTimeline { tracks }
    }

    /// Reads truth JSONL (blank lines skipped; lines without the truth fields are errors).
    ///
    /// # Errors
    /// [`TruthError`] naming the line.
    pub fn read_jsonl(reader: impl BufRead) -> Result<TruthTimeline, TruthError> {
        let mut records = Vec::new();
        for (i, line) in reader.lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            records.push(serde_json::from_str(&line).map_err(|source| TruthError::Json { line: i + 1, source })?);
        }
        Ok(TruthTimeline::from_records(records))
    }

    /// All records, vessel by vessel, in time order (for writing truth back out).
    pub fn records(&self) -> impl Iterator<Item = &TruthRecord> {
        self.tracks.values().flatten()
    }

    /// Each vessel present at `time_s`, interpolated between its neighbouring records.
    ///
    /// A vessel with several records exists from its first to its last; one with a single
    /// record exists from then on, dead-reckoned at its speed and course.
    pub fn at(&self, time_s: f64) -> Vec<TruthRecord> {
        let mut out = Vec::new();
        for recs in self.tracks.values() {
            let i = recs.partition_point(|r| r.time <= time_s);
            if i == 0 {
                continue;
            }
            let a = &recs[i - 1];
            if recs.len() == 1 {
                // A lone record is a snapshot with no end (a hand-made scene, a moored boat):
                // the vessel keeps its speed and course from then on.
                let mut r = a.clone();
                r.time = time_s;
                (r.lat, r.lon) =
                    geodesy::destination(a.lat, a.lon, a.cog_deg, a.sog_kn * geodesy::MPS_PER_KNOT * (time_s - a.time));
                out.push(r);
                continue;
            }
            if i == recs.len() {
                if (time_s - a.time).abs() < 1e-9 {
                    out.push(a.clone());
                }
                continue;
            }
            let b = &recs[i];
            let f = (time_s - a.time) / (b.time - a.time);
            let mut r = a.clone();
            r.time = time_s;
            r.lat = a.lat + f * (b.lat - a.lat);
            r.lon = a.lon + f * (b.lon - a.lon);
            r.sog_kn = a.sog_kn + f * (b.sog_kn - a.sog_kn);
            r.cog_deg = (a.cog_deg + f * geodesy::angle_diff_deg(b.cog_deg, a.cog_deg)).rem_euclid(360.0);
            out.push(r);
        }
        out
    }
}

/// Random straight-line traffic inside a camera's view, for evaluation clips when no scenario
/// is given: `count` vessels of varied size, speed and course, between `min_range_m` and
/// `max_range_m` from the site, within `half_fov_deg` of `centre_bearing_deg`, one record per
/// second for `duration_s`. Deterministic for a seed.
#[allow(clippy::too_many_arguments)]
pub fn random_traffic(
    site: (f64, f64),
    centre_bearing_deg: f64,
    half_fov_deg: f64,
    min_range_m: f64,
    max_range_m: f64,
    count: usize,
    duration_s: f64,
    seed: u64,
) -> TruthTimeline {
    let mut rng = Pcg64::seed_from_u64(seed);
    let classes = [("speedboat", 5.0, 10.0), ("fishing", 10.0, 22.0), ("small", 3.0, 6.0), ("ferry", 30.0, 45.0)];
    let mut records = Vec::new();
    for i in 0..count {
        let (class, lmin, lmax) = classes[match rng.random_range(0..20) {
            0..=7 => 0,
            8..=13 => 1,
            14..=18 => 2,
            _ => 3,
        }];
        let length = rng.random_range(lmin..lmax);
        // Uniform in log-range, so far (small) and near (large) targets both appear.
        let range = (min_range_m.ln() + rng.random::<f64>() * (max_range_m / min_range_m).ln()).exp();
        let bearing = centre_bearing_deg + rng.random_range(-half_fov_deg..half_fov_deg) * 0.9;
        let (lat0, lon0) = geodesy::destination(site.0, site.1, bearing, range);
        let sog = if class == "speedboat" { rng.random_range(8.0..40.0) } else { rng.random_range(0.0..14.0) };
        let cog = rng.random_range(0.0..360.0);
        let mut t = 0.0;
        while t <= duration_s + 1.0 {
            let (lat, lon) = geodesy::destination(lat0, lon0, cog, sog * geodesy::MPS_PER_KNOT * t);
            records.push(TruthRecord {
                time: t,
                id: format!("v{i:02}"),
                lat,
                lon,
                sog_kn: sog,
                cog_deg: cog,
                class: class.to_owned(),
                length_m: Some(length),
            });
            t += 1.0;
        }
    }
    TruthTimeline::from_records(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_between_seconds_and_not_beyond() {
        let lines = "{\"time\":0,\"id\":\"a\",\"lat\":22.0,\"lon\":113.0,\"sog_kn\":10,\"cog_deg\":350,\"class\":\"fishing\"}\n\
                     {\"time\":1,\"id\":\"a\",\"lat\":22.001,\"lon\":113.0,\"sog_kn\":10,\"cog_deg\":10,\"class\":\"fishing\"}\n";
        let t = TruthTimeline::read_jsonl(lines.as_bytes()).unwrap();
        let mid = t.at(0.5);
        assert_eq!(mid.len(), 1);
        assert!((mid[0].lat - 22.0005).abs() < 1e-12);
        assert!(mid[0].cog_deg.abs() < 1e-9 || (mid[0].cog_deg - 360.0).abs() < 1e-9);
        assert_eq!(t.at(1.0).len(), 1);
        assert!(t.at(1.5).is_empty() && t.at(-0.1).is_empty());
        assert_eq!(mid[0].length_or_typical_m(), 16.0);
    }

    #[test]
    fn a_lone_record_holds_from_its_time_on_dead_reckoned() {
        let lines = "{\"time\":2,\"id\":\"m\",\"lat\":22.0,\"lon\":113.0,\"sog_kn\":10,\"cog_deg\":0}\n";
        let t = TruthTimeline::read_jsonl(lines.as_bytes()).unwrap();
        assert!(t.at(1.9).is_empty());
        let later = t.at(12.0);
        assert_eq!(later.len(), 1);
        let moved =
            geodesy::distance_m(geodesy::LatLon::new(22.0, 113.0), geodesy::LatLon::new(later[0].lat, later[0].lon));
        assert!((moved - 10.0 * geodesy::MPS_PER_KNOT * 10.0).abs() < 0.1, "{moved}");
    }

    #[test]
    fn names_a_bad_line() {
        let err = TruthTimeline::read_jsonl("\n{\"time\":0}\n".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
