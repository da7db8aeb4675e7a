//! MAVLink `QGC WPL 110` waypoint text: a header line, then one tab-separated row per item
//! `INDEX CURRENT FRAME COMMAND P1 P2 P3 P4 LAT LON ALT AUTOCONTINUE`; row 0 is the home position.
//!
//! # References
//! MAVLink "File Formats" page, "Mission Plain-Text File Format".

use std::io;

use super::{ExportError, MissionWriter};
use crate::tasking::items::{mission_items, MissionItem, CMD_WAYPOINT, FRAME_GLOBAL};
use crate::tasking::mission::Mission;

/// Writes `QGC WPL 110` files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Wpl;

/// WPL has no "unchanged": tools read 0 where MAVLink would take NaN.
fn p(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

impl MissionWriter for Wpl {
    fn write(&self, m: &Mission, out: &mut dyn io::Write) -> Result<(), ExportError> {
        writeln!(out, "QGC WPL 110")?;
        let home = MissionItem {
            command: CMD_WAYPOINT,
            frame: FRAME_GLOBAL,
            params: [0.0, 0.0, 0.0, 0.0, m.launch.lat_deg, m.launch.lon_deg, 0.0],
        };
        for (i, it) in std::iter::once(home).chain(mission_items(m)).enumerate() {
            let a = it.params;
            writeln!(
                out,
                "{i}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.8}\t{:.8}\t{:.6}\t1",
                u8::from(i == 0),
                it.frame,
                it.command,
                p(a[0]),
                p(a[1]),
                p(a[2]),
                p(a[3]),
                p(a[4]),
                p(a[5]),
                p(a[6]),
            )?;
        }
        Ok(())
    }

    fn extension(&self) -> &'static str {
        "waypoints"
    }
}
