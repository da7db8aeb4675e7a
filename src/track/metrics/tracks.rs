//! Tracker output (the `seawarden track` batch contract) and scan times, as the evaluator reads them.
//!
//! Tracks: `{"time": 12.5, "track_id": "17", "lat": …, "lon": …, …}` one line per confirmed track
//! per scan time (extra fields ignored; `track_id` may also be a number). Scan times: every
//! distinct `time` of a measurement log, `scan_only` lines included.

use std::io::BufRead;

use crate::geodesy::LatLon;

use super::MetricsError;
use super::jsonl::{AnyId, finite, for_each_line};

/// Two times closer than this are the same scan time. Output times echo input times exactly, so
/// this only absorbs decimal round trips through other tools.
pub const TIME_TOLERANCE_S: f64 = 1e-6;

/// One track report.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackPoint {
    /// Scan time, seconds (the input's time base).
    pub time_s: f64,
    /// The tracker's id for the track.
    pub track_id: String,
    /// Estimated position.
    pub pos: LatLon,
}

#[derive(Debug, serde::Deserialize)]
struct TrackLine {
    time: f64,
    track_id: AnyId,
    lat: f64,
    lon: f64,
}

#[derive(Debug, serde::Deserialize)]
struct TimeLine {
    time: f64,
}

/// A whole tracker output, sorted by time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrackLog {
    /// Every report, sorted by time (stable: file order within a time).
    pub points: Vec<TrackPoint>,
}

impl TrackLog {
    /// Read a tracks JSONL log.
    ///
    /// # Errors
    /// [`MetricsError`] naming the line that could not be read or parsed.
    pub fn read(input: impl BufRead) -> Result<Self, MetricsError> {
        let mut points = Vec::new();
        for_each_line(input, |line, t: TrackLine| {
            points.push(TrackPoint {
                time_s: finite(t.time, line, "time")?,
                track_id: t.track_id.0,
                pos: LatLon::new(finite(t.lat, line, "lat")?, finite(t.lon, line, "lon")?),
            });
            Ok(())
        })?;
        points.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
        Ok(TrackLog { points })
    }

    /// The distinct times at which the tracker wrote output, ascending.
    pub fn times(&self) -> Vec<f64> {
        dedup_times(self.points.iter().map(|p| p.time_s).collect())
    }

    /// The reports at `time_s` (within [`TIME_TOLERANCE_S`]).
    pub fn at(&self, time_s: f64) -> &[TrackPoint] {
        let lo = self.points.partition_point(|p| p.time_s < time_s - TIME_TOLERANCE_S);
        let hi = self.points.partition_point(|p| p.time_s <= time_s + TIME_TOLERANCE_S);
        &self.points[lo..hi.max(lo)]
    }
}

/// The distinct scan times of a measurement log (every line's `time`), ascending.
///
/// # Errors
/// [`MetricsError`] naming the line that could not be read or has no numeric `time`.
pub fn read_scan_times(input: impl BufRead) -> Result<Vec<f64>, MetricsError> {
    let mut times = Vec::new();
    for_each_line(input, |line, t: TimeLine| {
        times.push(finite(t.time, line, "time")?);
        Ok(())
    })?;
    Ok(dedup_times(times))
}

fn dedup_times(mut times: Vec<f64>) -> Vec<f64> {
    times.sort_by(f64::total_cmp);
    times.dedup_by(|b, a| (*b - *a).abs() <= TIME_TOLERANCE_S);
    times
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &[&str] = &[
        r#"{"time": 2.0, "track_id": "b", "lat": 22.0, "lon": 113.0, "sog_kn": 4.0, "cog_deg": 90}"#,
        r#"{"time": 1.0, "track_id": "a", "lat": 22.0, "lon": 113.0}"#,
        r#"{"time": 2.0, "track_id": 5, "lat": 22.1, "lon": 113.1}"#,
    ];

    mod track_log {
        use super::*;

        #[test]
        fn sorted_with_numeric_ids_as_text() {
            let log = TrackLog::read(LOG.join("\n").as_bytes()).unwrap();
            assert_eq!(log.times(), vec![1.0, 2.0]);
            let at2: Vec<&str> = log.at(2.0).iter().map(|p| p.track_id.as_str()).collect();
            assert_eq!(at2, vec!["b", "5"]);
            assert!(log.at(1.5).is_empty());
        }
    }

    mod read_scan_times {
        #[test]
        fn distinct_times_including_scan_only_lines() {
            let meas = [
                r#"{"time": 0.0, "sensor": "r", "lat": 22.0, "lon": 113.0, "sigma_m": 20}"#,
                r#"{"time": 0.0, "sensor": "r", "lat": 22.1, "lon": 113.0, "sigma_m": 20}"#,
                r#"{"time": 0.0, "sensor": "ais", "lat": 22.1, "lon": 113.0, "sigma_m": 10}"#,
                r#"{"time": 2.5, "sensor": "r", "scan_only": true}"#,
            ]
            .join("\n");
            assert_eq!(super::super::read_scan_times(meas.as_bytes()).unwrap(), vec![0.0, 2.5]);
        }
    }
}
