//! A mission as the MAVLink mission protocol sees it: the list of `MISSION_ITEM_INT`s that the
//! QGC `.plan`, the `QGC WPL 110` file and the live upload all carry, built in one place so the
//! three agree item for item.
//!
//! # References
//! MAVLink common message set: `MAV_CMD` 16 `NAV_WAYPOINT`, 17 `NAV_LOITER_UNLIM`,
//! 19 `NAV_LOITER_TIME`, 20 `NAV_RETURN_TO_LAUNCH`, 21 `NAV_LAND`, 22 `NAV_TAKEOFF`,
//! 178 `DO_CHANGE_SPEED`; `MAV_FRAME` 0 `GLOBAL`, 2 `MISSION`, 3 `GLOBAL_RELATIVE_ALT`.

use super::mission::{Action, Mission, MissionEnd};

/// `MAV_CMD_NAV_WAYPOINT`.
pub const CMD_WAYPOINT: u16 = 16;
/// `MAV_CMD_NAV_LOITER_UNLIM`.
pub const CMD_LOITER_UNLIM: u16 = 17;
/// `MAV_CMD_NAV_LOITER_TIME`.
pub const CMD_LOITER_TIME: u16 = 19;
/// `MAV_CMD_NAV_RETURN_TO_LAUNCH`.
pub const CMD_RETURN_TO_LAUNCH: u16 = 20;
/// `MAV_CMD_NAV_LAND`.
pub const CMD_LAND: u16 = 21;
/// `MAV_CMD_NAV_TAKEOFF`.
pub const CMD_TAKEOFF: u16 = 22;
/// `MAV_CMD_DO_CHANGE_SPEED`.
pub const CMD_CHANGE_SPEED: u16 = 178;
/// `MAV_FRAME_GLOBAL`: altitude above mean sea level (the WPL home row).
pub const FRAME_GLOBAL: u8 = 0;
/// `MAV_FRAME_MISSION`: a command with no position.
pub const FRAME_MISSION: u8 = 2;
/// `MAV_FRAME_GLOBAL_RELATIVE_ALT`: altitude above home, what our waypoints use.
pub const FRAME_GLOBAL_RELATIVE_ALT: u8 = 3;

/// One mission item, with MAVLink's seven parameters (`params[4..7]` = lat, lon, alt for
/// positional commands; `NaN` = "unchanged", e.g. yaw).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MissionItem {
    /// `MAV_CMD`.
    pub command: u16,
    /// `MAV_FRAME`.
    pub frame: u8,
    /// Parameters 1–7.
    pub params: [f64; 7],
}

impl MissionItem {
    /// True for commands that carry a position in `params[4..7]`.
    pub fn has_position(&self) -> bool {
        self.frame != FRAME_MISSION
    }
}

/// The items of a mission after the home position: take-off over launch, cruise speed, one item
/// per waypoint, then return-to-launch or land.
pub fn mission_items(m: &Mission) -> Vec<MissionItem> {
    let nan = f64::NAN;
    let mut out = Vec::with_capacity(m.waypoints.len() + 3);
    out.push(MissionItem {
        command: CMD_TAKEOFF,
        frame: FRAME_GLOBAL_RELATIVE_ALT,
        params: [0.0, 0.0, 0.0, nan, m.launch.lat_deg, m.launch.lon_deg, m.takeoff_alt_m],
    });
    // Speed type 1 = ground speed; throttle -1 = no change.
    out.push(MissionItem {
        command: CMD_CHANGE_SPEED,
        frame: FRAME_MISSION,
        params: [1.0, m.speed_mps, -1.0, 0.0, 0.0, 0.0, 0.0],
    });
    for w in &m.waypoints {
        let (lat, lon, alt) = (w.position.lat_deg, w.position.lon_deg, w.alt_m);
        let item = match w.action {
            Action::Pass => MissionItem {
                command: CMD_WAYPOINT,
                frame: FRAME_GLOBAL_RELATIVE_ALT,
                params: [0.0, 0.0, 0.0, nan, lat, lon, alt],
            },
            // Positive radius = clockwise, so the vessel stays on the camera's (right) side.
            Action::Loiter { radius_m, time_s: None } => MissionItem {
                command: CMD_LOITER_UNLIM,
                frame: FRAME_GLOBAL_RELATIVE_ALT,
                params: [0.0, 0.0, radius_m, nan, lat, lon, alt],
            },
            Action::Loiter { radius_m, time_s: Some(t) } => MissionItem {
                command: CMD_LOITER_TIME,
                frame: FRAME_GLOBAL_RELATIVE_ALT,
                params: [t, 0.0, radius_m, 0.0, lat, lon, alt],
            },
        };
        out.push(item);
    }
    out.push(match m.end {
        MissionEnd::ReturnToLaunch => MissionItem { command: CMD_RETURN_TO_LAUNCH, frame: FRAME_MISSION, params: [0.0; 7] },
        MissionEnd::Land(p) => MissionItem {
            command: CMD_LAND,
            frame: FRAME_GLOBAL_RELATIVE_ALT,
            params: [0.0, 0.0, 0.0, nan, p.lat_deg, p.lon_deg, 0.0],
        },
    });
    out
}
