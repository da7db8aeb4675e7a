//! Mission exporters: one file per format, each an implementation of [`MissionWriter`], so the CLI,
//! the console and the MQTT drone task pick a format by value without touching the mission.
//!
//! | format | for | file |
//! |---|---|---|
//! | [`QgcPlan`] | QGroundControl `.plan` (mission, geofence, rally points) | `plan.rs` |
//! | [`Wpl`] | `QGC WPL 110` text (Mission Planner, MAVProxy, most autopilot tools) | `wpl.rs` |
//! | [`Kml`] | Google Earth / any GIS: route, waypoints, target, no-fly zones | `kml.rs` |
//! | [`Cot`] | Cursor-on-Target events for ATAK/WinTAK: target track, waypoints, route | `cot.rs` |

use std::io;

use super::mission::Mission;

mod cot;
mod kml;
mod plan;
mod wpl;

/// Cursor-on-Target XML events (one per line, as a TAK stream carries them).
pub use cot::Cot;
/// KML document for Google Earth.
pub use kml::Kml;
/// QGroundControl `.plan` JSON.
pub use plan::QgcPlan;
/// MAVLink `QGC WPL 110` waypoint text.
pub use wpl::Wpl;

/// Writes a checked [`Mission`] in one file format.
pub trait MissionWriter {
    /// Writes the whole file to `out`.
    ///
    /// # Errors
    /// [`ExportError`] when writing fails.
    fn write(&self, m: &Mission, out: &mut dyn io::Write) -> Result<(), ExportError>;

    /// The usual file extension, without the dot.
    fn extension(&self) -> &'static str;
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing to the output failed (disk full, closed pipe).
    #[error("writing the mission: {0}")]
    Io(#[from] io::Error),
    /// JSON serialisation failed (a non-finite number where JSON has none).
    #[error("encoding the mission as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// The export formats, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// QGroundControl `.plan`.
    Plan,
    /// `QGC WPL 110` text.
    Wpl,
    /// KML.
    Kml,
    /// Cursor-on-Target XML.
    Cot,
}

impl Format {
    /// The writer for this format: dynamic dispatch at the edge, once per export.
    pub fn writer(self) -> Box<dyn MissionWriter> {
        match self {
            Format::Plan => Box::new(QgcPlan::default()),
            Format::Wpl => Box::new(Wpl),
            Format::Kml => Box::new(Kml),
            Format::Cot => Box::new(Cot::default()),
        }
    }
}

/// Seconds since the Unix epoch as ISO 8601 UTC with milliseconds (`2024-05-01T21:30:00.000Z`),
/// the time format CoT requires; done by hand to keep a date crate out of the library.
pub(crate) fn iso8601_utc(t_s: f64) -> String {
    let ms_total = (t_s * 1000.0).round() as i64;
    let (days, ms_of_day) = (ms_total.div_euclid(86_400_000), ms_total.rem_euclid(86_400_000));
    // Howard Hinnant's days_from_civil inverse (public domain), valid for the proleptic Gregorian calendar.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, mi, s, ms) = (ms_of_day / 3_600_000, ms_of_day / 60_000 % 60, ms_of_day / 1000 % 60, ms_of_day % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    mod iso8601_utc {
        use super::*;

        #[test]
        fn the_epoch() {
            assert_eq!(iso8601_utc(0.0), "1970-01-01T00:00:00.000Z");
        }

        #[test]
        fn a_leap_day() {
            // 2024-02-29T12:34:56.789Z
            assert_eq!(iso8601_utc(1_709_210_096.789), "2024-02-29T12:34:56.789Z");
        }
    }
}
