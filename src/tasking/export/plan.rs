//! QGroundControl `.plan` JSON: the mission, the geofence (our no-fly zones as exclusion circles
//! and polygons, so the autopilot enforces them too) and rally points, loadable by QGC as is.
//!
//! # References
//! QGroundControl Developer Guide, "Plan File Format" (file version 1, mission version 2,
//! geoFence version 2, rallyPoints version 2).

use std::io;

use serde_json::{json, Value};

use super::{ExportError, MissionWriter};
use crate::tasking::geofence::ZoneShape;
use crate::tasking::items::{mission_items, MissionItem, FRAME_MISSION};
use crate::tasking::mission::Mission;

/// Writes QGroundControl `.plan` files.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QgcPlan {
    /// `MAV_AUTOPILOT` of the target firmware: 12 = PX4, 3 = ArduPilot.
    pub firmware_type: u8,
    /// `MAV_TYPE` of the vehicle: 2 = quadrotor.
    pub vehicle_type: u8,
    /// Hover speed QGC shows for multirotors, metres per second.
    pub hover_speed_mps: f64,
}

impl Default for QgcPlan {
    fn default() -> Self {
        QgcPlan { firmware_type: 12, vehicle_type: 2, hover_speed_mps: 5.0 }
    }
}

/// JSON has no NaN; QGC writes `null` for "unchanged" parameters such as yaw.
fn num(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

fn simple_item(item: &MissionItem, jump_id: usize) -> Value {
    let params: Vec<Value> = item.params.iter().map(|p| num(*p)).collect();
    let mut v = json!({
        "autoContinue": true,
        "command": item.command,
        "doJumpId": jump_id,
        "frame": item.frame,
        "params": params,
        "type": "SimpleItem",
    });
    if item.frame != FRAME_MISSION {
        // AltitudeMode 1 = relative to launch, matching frame 3.
        v["AMSLAltAboveTerrain"] = Value::Null;
        v["Altitude"] = json!(item.params[6]);
        v["AltitudeMode"] = json!(1);
    }
    v
}

impl MissionWriter for QgcPlan {
    fn write(&self, m: &Mission, out: &mut dyn io::Write) -> Result<(), ExportError> {
        let items: Vec<Value> = mission_items(m).iter().enumerate().map(|(i, it)| simple_item(it, i + 1)).collect();
        let mut circles = Vec::new();
        let mut polygons = Vec::new();
        for z in &m.no_fly {
            match &z.shape {
                ZoneShape::Circle { center, radius_m } => circles.push(json!({
                    "circle": { "center": [center.lat_deg, center.lon_deg], "radius": radius_m },
                    "inclusion": false,
                    "version": 1,
                })),
                ZoneShape::Polygon(ring) => {
                    let mut pts: Vec<Value> = ring.iter().map(|p| json!([p.lat_deg, p.lon_deg])).collect();
                    // QGC keeps polygons open: drop GeoJSON's closing vertex.
                    if ring.len() > 1 && ring.first() == ring.last() {
                        pts.pop();
                    }
                    polygons.push(json!({ "inclusion": false, "polygon": pts, "version": 1 }));
                }
            }
        }
        let rally: Vec<Value> =
            m.rally_points.iter().map(|p| json!([p.lat_deg, p.lon_deg, m.takeoff_alt_m])).collect();
        let doc = json!({
            "fileType": "Plan",
            "geoFence": { "circles": circles, "polygons": polygons, "version": 2 },
            "groundStation": "QGroundControl",
            "mission": {
                "cruiseSpeed": m.speed_mps,
                "firmwareType": self.firmware_type,
                "globalPlanAltitudeMode": 1,
                "hoverSpeed": self.hover_speed_mps,
                "items": items,
                "plannedHomePosition": [m.launch.lat_deg, m.launch.lon_deg, 0.0],
                "vehicleType": self.vehicle_type,
                "version": 2,
            },
            "rallyPoints": { "points": rally, "version": 2 },
            "version": 1,
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")?;
        Ok(())
    }

    fn extension(&self) -> &'static str {
        "plan"
    }
}
