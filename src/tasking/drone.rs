//! Drone tasking from the console: an alert's track in, a checked [`Mission`] and the bus message
//! for `seawarden/v1/task/drone/{team}` out, plus the files ground-control software loads.
//!
//! The pattern follows the alert: a distress call is a search (IAMSAR expanding square around the
//! datum, first leg down the drift), anything else is enforcement (an orbit where the vessel will
//! be when the drone arrives). Every mission goes through [`plan`] exactly as `seawarden mission`
//! does, so a leg into a no-fly zone is refused with the leg and the zone named, and nothing is
//! sent.

use std::path::{Path, PathBuf};

use super::export::{ExportError, Format};
use super::geofence::Geofence;
use super::mission::{Limits, Mission, MissionEnd, MissionError, MissionSpec, plan};
use super::patterns::{self, Pattern};
use super::target::Target;
use super::units::Unit;
use crate::alert::AlertKind;
use crate::bus::msg::{BusMessage, DroneTaskMsg, Waypoint as WireWaypoint};
use crate::geodesy::distance_m;

/// Pattern height above launch, metres: under the 120 m ceiling, high enough for a thermal camera
/// to cover a search track spacing of [`SEARCH_SPACING_M`].
pub const ALT_M: f64 = 60.0;
/// Expanding-square track spacing, metres (a person in the water seen by a thermal camera at 60 m).
pub const SEARCH_SPACING_M: f64 = 200.0;
/// Expanding-square legs: 12 legs close three rings, about 1.2 km either side of the datum.
pub const SEARCH_LEGS: usize = 12;
/// Orbit stand-off radius, metres: close enough to film, far enough not to be heard.
pub const ORBIT_RADIUS_M: f64 = 150.0;
/// How long to orbit before the pilot decides, seconds.
pub const ORBIT_TIME_S: f64 = 600.0;

/// The pattern an alert calls for: a search for distress, an orbit for everything else.
pub fn pattern_for(kind: AlertKind) -> Pattern {
    match kind {
        AlertKind::Distress => Pattern::ExpandingSquare,
        _ => Pattern::Orbit,
    }
}

/// Plan `pattern` around `target` for drone team `team`, launched from its base and checked
/// against the flight limits and `fence`.
///
/// # Errors
/// [`MissionError`] naming the leg and zone (or limit) that made the mission unflyable.
pub fn mission(
    team: &Unit,
    target: &Target,
    pattern: Pattern,
    name: &str,
    created_s: f64,
    fence: &Geofence,
) -> Result<Mission, MissionError> {
    let limits = Limits::default();
    let launch = team.base();
    let speed_mps = team.max_speed_mps().min(limits.max_speed_mps);
    // Orbit a moving vessel where it will be when the drone gets there.
    let lead_s = distance_m(launch, target.position) / speed_mps.max(0.1);
    let waypoints = match pattern {
        Pattern::ExpandingSquare | Pattern::Lawnmower => patterns::expanding_square(
            target,
            &patterns::ExpandingSquareParams {
                spacing_m: SEARCH_SPACING_M,
                legs: SEARCH_LEGS,
                // IAMSAR: first leg down the drift; a stopped datum has none, so north.
                first_bearing_deg: if target.sog_mps > 0.1 { target.cog_deg } else { 0.0 },
                alt_m: ALT_M,
            },
        ),
        Pattern::Orbit | Pattern::Follow | Pattern::Inspect => patterns::orbit(
            target,
            &patterns::OrbitParams { radius_m: ORBIT_RADIUS_M, alt_m: ALT_M, time_s: Some(ORBIT_TIME_S), lead_s },
        ),
    };
    let pattern_name = match pattern {
        Pattern::Lawnmower => Pattern::ExpandingSquare.name(),
        Pattern::Follow | Pattern::Inspect => Pattern::Orbit.name(),
        p => p.name(),
    };
    let spec = MissionSpec {
        name: name.to_string(),
        pattern: pattern_name.to_string(),
        launch,
        takeoff_alt_m: ALT_M,
        speed_mps,
        waypoints,
        end: MissionEnd::ReturnToLaunch,
        target: Some(target.clone()),
        rally_points: vec![launch],
        created_s,
    };
    plan(spec, &limits, fence)
}

/// The `seawarden.drone_task/1` message for a planned mission, with the QGC `.plan` inline.
///
/// # Errors
/// [`ExportError`] when the plan cannot be encoded (a non-finite number).
pub fn task_msg(
    m: &Mission,
    team: &str,
    mission_id: &str,
    alert_id: Option<&str>,
    track_id: Option<&str>,
) -> Result<DroneTaskMsg, ExportError> {
    let mut plan_text = Vec::new();
    Format::Plan.writer().write(m, &mut plan_text)?;
    Ok(DroneTaskMsg {
        schema: DroneTaskMsg::SCHEMA.into(),
        team: team.into(),
        mission_id: mission_id.into(),
        time: m.created_s,
        pattern: m.pattern.clone(),
        waypoints: m
            .waypoints
            .iter()
            .map(|w| WireWaypoint { lat: w.position.lat_deg, lon: w.position.lon_deg, alt_m: w.alt_m })
            .collect(),
        files: Vec::new(),
        alert_id: alert_id.map(str::to_string),
        track_id: track_id.map(str::to_string),
        plan: Some(String::from_utf8_lossy(&plan_text).into_owned()),
    })
}

/// Write the mission in every format (QGC `.plan`, WPL, KML, CoT) as `dir/stem.<ext>`; returns
/// the paths written. The folder is created if missing.
///
/// # Errors
/// [`ExportError`] when the folder or a file cannot be written.
pub fn export_all(m: &Mission, dir: &Path, stem: &str) -> Result<Vec<PathBuf>, ExportError> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for f in [Format::Plan, Format::Wpl, Format::Kml, Format::Cot] {
        let w = f.writer();
        let path = dir.join(format!("{stem}.{}", w.extension()));
        let mut buf = Vec::new();
        w.write(m, &mut buf)?;
        std::fs::write(&path, &buf)?;
        out.push(path);
    }
    Ok(out)
}

/// A file-name-safe version of an id (mission ids embed alert ids and unit names).
pub fn file_stem(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::LatLon;
    use crate::tasking::mission::MissionError;
    use crate::tasking::units::Units;

    fn cheoc_van() -> Unit {
        Units::macau().get("dt-cheoc-van").expect("dt-cheoc-van in assets/units.toml").clone()
    }

    #[test]
    fn distress_searches_and_enforcement_orbits() {
        assert_eq!(pattern_for(AlertKind::Distress), Pattern::ExpandingSquare);
        assert_eq!(pattern_for(AlertKind::DarkTarget), Pattern::Orbit);
        assert_eq!(pattern_for(AlertKind::NightFastCraft), Pattern::Orbit);
    }

    #[test]
    fn a_search_off_cheoc_van_is_planned_and_carries_its_plan() {
        let t = Target::track("ka-ho/7", 1000.0, LatLon::new(22.100, 113.550), 0.0, 0.0);
        let m = mission(&cheoc_van(), &t, Pattern::ExpandingSquare, "sar", 1000.0, &Geofence::macau()).unwrap();
        assert_eq!(m.waypoints.len(), SEARCH_LEGS + 1);
        assert_eq!(m.pattern, "expanding-square");
        let msg = task_msg(&m, "dt-cheoc-van", "m1", Some("a1"), Some("ka-ho/7")).unwrap();
        assert_eq!(msg.waypoints.len(), SEARCH_LEGS + 1);
        assert_eq!(msg.waypoints[0].lat, 22.100);
        let plan: serde_json::Value = serde_json::from_str(msg.plan.as_deref().unwrap()).unwrap();
        assert_eq!(plan["fileType"], "Plan");
        // The message passes the bus's own validation on its topic.
        let bytes = serde_json::to_vec(&msg).unwrap();
        let parsed = crate::bus::msg::parse(&crate::bus::topic::drone_task("dt-cheoc-van"), &bytes).unwrap();
        assert!(matches!(parsed, crate::bus::msg::Message::DroneTask(d) if d.alert_id.as_deref() == Some("a1")));
    }

    #[test]
    fn an_orbit_over_the_airport_is_refused_naming_the_zone() {
        let t = Target::track("7", 0.0, LatLon::new(22.16, 113.60), 10.0, 90.0);
        let e = mission(&cheoc_van(), &t, Pattern::Orbit, "x", 0.0, &Geofence::macau()).unwrap_err();
        assert!(matches!(e, MissionError::NoFly { .. } | MissionError::NoFlyLoiter { .. }), "{e}");
        assert!(e.to_string().contains("no-fly zone"), "{e}");
    }

    #[test]
    fn export_writes_every_format() {
        let t = Target::point(LatLon::new(22.100, 113.550));
        let m = mission(&cheoc_van(), &t, Pattern::Orbit, "x", 0.0, &Geofence::macau()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let files = export_all(&m, &dir.path().join("out"), &file_stem("a/b:c")).unwrap();
        assert_eq!(files.len(), 4);
        for f in &files {
            assert!(f.file_name().unwrap().to_str().unwrap().starts_with("a_b_c."));
            assert!(std::fs::metadata(f).unwrap().len() > 50, "{}", f.display());
        }
    }
}
