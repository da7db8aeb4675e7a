//! Ground truth from the simulator: per-vessel position samples, interpolated to any scan time.
//!
//! The simulator writes one JSONL line per vessel per sample (1 Hz):
//! `{"time": 12.0, "id": "v3", "lat": 22.1, "lon": 113.5, …}` (extra fields are ignored, `id`
//! may be a string or a number). A vessel exists from its first to its last sample; in between
//! its position is interpolated linearly in latitude and longitude, which over one second of
//! travel differs from the geodesic by far less than a millimetre.

use std::collections::HashMap;
use std::io::BufRead;

use crate::geodesy::LatLon;

use super::MetricsError;
use super::jsonl::{AnyId, finite, for_each_line};

/// One truth line as written by the simulator.
#[derive(Debug, serde::Deserialize)]
struct TruthLine {
    time: f64,
    id: AnyId,
    lat: f64,
    lon: f64,
}

/// One vessel's time-ordered samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Vessel {
    /// The vessel's id as written in the truth file.
    pub id: String,
    /// `(time_s, position)`, sorted by time, no two at the same time.
    pub samples: Vec<(f64, LatLon)>,
}

impl Vessel {
    /// The vessel's position at `time_s`, linearly interpolated between the samples around it;
    /// `None` before its first sample or after its last.
    ///
    /// # Units
    /// Seconds (the truth file's time base) in, degrees out.
    pub fn at(&self, time_s: f64) -> Option<LatLon> {
        let (first, last) = (self.samples.first()?, self.samples.last()?);
        if time_s < first.0 || time_s > last.0 {
            return None;
        }
        // First sample strictly after `time_s`; the one before it is at or before `time_s`.
        let k = self.samples.partition_point(|s| s.0 <= time_s);
        if k == self.samples.len() {
            return Some(last.1);
        }
        let (t0, p0) = self.samples[k - 1];
        let (t1, p1) = self.samples[k];
        let w = (time_s - t0) / (t1 - t0);
        Some(LatLon::new(p0.lat_deg + w * (p1.lat_deg - p0.lat_deg), p0.lon_deg + w * (p1.lon_deg - p0.lon_deg)))
    }
}

/// Every vessel of a scenario, in order of first appearance in the truth file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Truth {
    /// The vessels.
    pub vessels: Vec<Vessel>,
}

impl Truth {
    /// Read a truth JSONL log (see the module docs). Lines need not be sorted; if a vessel has two
    /// samples at the same time, the later line wins.
    ///
    /// # Errors
    /// [`MetricsError`] naming the line that could not be read or parsed.
    pub fn read(input: impl BufRead) -> Result<Self, MetricsError> {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut vessels: Vec<Vessel> = Vec::new();
        for_each_line(input, |line, t: TruthLine| {
            let time = finite(t.time, line, "time")?;
            let pos = LatLon::new(finite(t.lat, line, "lat")?, finite(t.lon, line, "lon")?);
            let k = *index.entry(t.id.0.clone()).or_insert_with(|| {
                vessels.push(Vessel { id: t.id.0, samples: Vec::new() });
                vessels.len() - 1
            });
            vessels[k].samples.push((time, pos));
            Ok(())
        })?;
        for v in &mut vessels {
            // Stable, so among equal times the later line ends up last; keep that one.
            v.samples.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut kept: Vec<(f64, LatLon)> = Vec::with_capacity(v.samples.len());
            for s in v.samples.drain(..) {
                match kept.last_mut() {
                    Some(last) if last.0 == s.0 => *last = s,
                    _ => kept.push(s),
                }
            }
            v.samples = kept;
        }
        Ok(Truth { vessels })
    }

    /// Positions of every vessel that exists at `time_s`, as `(vessel index, position)`, into
    /// `out` (cleared first).
    pub fn at(&self, time_s: f64, out: &mut Vec<(usize, LatLon)>) {
        out.clear();
        out.extend(self.vessels.iter().enumerate().filter_map(|(k, v)| v.at(time_s).map(|p| (k, p))));
    }

    /// Mean latitude and longitude over all samples: the default origin of the evaluation
    /// frame. `None` for an empty truth.
    pub fn centroid(&self) -> Option<LatLon> {
        let (mut lat, mut lon, mut n) = (0.0, 0.0, 0usize);
        for s in self.vessels.iter().flat_map(|v| &v.samples) {
            lat += s.1.lat_deg;
            lon += s.1.lon_deg;
            n += 1;
        }
        (n > 0).then(|| LatLon::new(lat / n as f64, lon / n as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truth(lines: &[&str]) -> Truth {
        Truth::read(lines.join("\n").as_bytes()).unwrap()
    }

    mod read {
        use super::*;

        #[test]
        fn groups_by_id_and_sorts_by_time() {
            let t = truth(&[
                r#"{"time": 1, "id": "a", "lat": 22.1, "lon": 113.5, "sog_kn": 3}"#,
                r#"{"time": 0, "id": "a", "lat": 22.0, "lon": 113.4}"#,
                "",
                r#"{"time": 0, "id": 7, "lat": 22.2, "lon": 113.6}"#,
            ]);
            assert_eq!(t.vessels.len(), 2);
            assert_eq!(t.vessels[0].id, "a");
            assert_eq!(t.vessels[0].samples.iter().map(|s| s.0).collect::<Vec<_>>(), vec![0.0, 1.0]);
            assert_eq!(t.vessels[1].id, "7");
        }

        #[test]
        fn bad_line_is_named() {
            let e = Truth::read("{\"time\": 0, \"id\": 1, \"lat\": 1, \"lon\": 2}\n{\"time\": 1}\n".as_bytes());
            assert!(matches!(e, Err(MetricsError::Parse { line: 2, .. })), "{e:?}");
        }
    }

    mod vessel_at {
        use super::*;

        #[test]
        fn interpolates_between_samples() {
            let t = truth(&[
                r#"{"time": 10, "id": "a", "lat": 22.0, "lon": 113.0}"#,
                r#"{"time": 12, "id": "a", "lat": 22.2, "lon": 113.4}"#,
            ]);
            let p = t.vessels[0].at(10.5).unwrap();
            assert!((p.lat_deg - 22.05).abs() < 1e-12 && (p.lon_deg - 113.1).abs() < 1e-12);
            assert_eq!(t.vessels[0].at(12.0), Some(LatLon::new(22.2, 113.4)));
            assert_eq!(t.vessels[0].at(10.0), Some(LatLon::new(22.0, 113.0)));
        }

        #[test]
        fn absent_outside_its_lifetime() {
            let t = truth(&[
                r#"{"time": 10, "id": "a", "lat": 22.0, "lon": 113.0}"#,
                r#"{"time": 12, "id": "a", "lat": 22.2, "lon": 113.4}"#,
            ]);
            assert_eq!(t.vessels[0].at(9.999), None);
            assert_eq!(t.vessels[0].at(12.001), None);
        }
    }

    mod centroid {
        use super::*;

        #[test]
        fn mean_of_all_samples() {
            let t = truth(&[
                r#"{"time": 0, "id": "a", "lat": 22.0, "lon": 113.0}"#,
                r#"{"time": 0, "id": "b", "lat": 22.2, "lon": 113.4}"#,
            ]);
            let c = t.centroid().unwrap();
            assert!((c.lat_deg - 22.1).abs() < 1e-12 && (c.lon_deg - 113.2).abs() < 1e-12);
            assert_eq!(Truth::default().centroid(), None);
        }
    }
}
