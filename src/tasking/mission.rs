//! A drone mission: the waypoints a pattern produced, wrapped with launch, take-off, speed and
//! return, checked against altitude/speed limits, a maximum range from the launch site and the
//! no-fly zones before any exporter sees it.
//!
//! Legs are numbered from 1: leg 1 flies from the launch site to waypoint 1, the last leg from the
//! last waypoint back to the launch site (or to the landing point). A refusal names the leg, its
//! two ends and the zone or limit it violates, so the operator can move the one waypoint at fault.

use std::fmt;

use crate::geodesy::{distance_m, LatLon};

use super::geofence::{Geofence, NoFlyZone};
use super::target::Target;

/// What the drone does at a waypoint.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Action {
    /// Fly through the point (MAVLink `NAV_WAYPOINT`, 16).
    Pass,
    /// Circle the point: for `time_s` seconds (`NAV_LOITER_TIME`, 19), or until the pilot moves
    /// on when `time_s` is `None` (`NAV_LOITER_UNLIM`, 17).
    Loiter {
        /// Circle radius, metres.
        radius_m: f64,
        /// How long to circle, seconds; `None` for "until told otherwise".
        time_s: Option<f64>,
    },
}

/// One point of a mission.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Waypoint {
    /// Where.
    pub position: LatLon,
    /// Height above the launch point, metres (MAVLink `GLOBAL_RELATIVE_ALT` frame).
    pub alt_m: f64,
    /// What to do there.
    pub action: Action,
}

impl Waypoint {
    /// A fly-through point.
    pub fn pass(position: LatLon, alt_m: f64) -> Self {
        Waypoint { position, alt_m, action: Action::Pass }
    }
}

/// How a mission ends once its last waypoint is done.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum MissionEnd {
    /// Fly home and land there (MAVLink `NAV_RETURN_TO_LAUNCH`, 20): the usual ending.
    ReturnToLaunch,
    /// Land at a given point (MAVLink `NAV_LAND`, 21): a recovery boat, another team's site.
    Land(LatLon),
}

/// Flight limits a mission must respect; defaults suit a small multirotor under typical
/// visual-line-of-sight rules (120 m ceiling) with a 10 km radio/battery radius.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Lowest allowed waypoint height above launch, metres (clear of masts and ship superstructures).
    pub min_alt_m: f64,
    /// Highest allowed waypoint height above launch, metres.
    pub max_alt_m: f64,
    /// Highest allowed cruise speed, metres per second.
    pub max_speed_mps: f64,
    /// Farthest any point of the mission may be from the launch site, metres.
    pub max_range_m: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { min_alt_m: 20.0, max_alt_m: 120.0, max_speed_mps: 20.0, max_range_m: 10_000.0 }
    }
}

/// What the operator asked for, before checking: the input of [`plan`].
#[derive(Debug, Clone)]
pub struct MissionSpec {
    /// Name shown in ground-control software and exports.
    pub name: String,
    /// Pattern that produced the waypoints (`orbit`, `expanding-square`, …), for the record.
    pub pattern: String,
    /// Launch (home) position.
    pub launch: LatLon,
    /// Take-off climb height above launch, metres.
    pub takeoff_alt_m: f64,
    /// Cruise speed, metres per second (exported as `DO_CHANGE_SPEED`, 178).
    pub speed_mps: f64,
    /// The pattern's waypoints, in flying order.
    pub waypoints: Vec<Waypoint>,
    /// How the mission ends.
    pub end: MissionEnd,
    /// What the mission looks at, for CoT and KML (the track, or the datum).
    pub target: Option<Target>,
    /// Safe places to divert to (exported as QGC rally points).
    pub rally_points: Vec<LatLon>,
    /// When the mission was made, seconds since the Unix epoch (CoT event times).
    pub created_s: f64,
}

/// A mission that passed every check: the only thing the exporters accept.
#[derive(Debug, Clone)]
pub struct Mission {
    /// Name shown in ground-control software and exports.
    pub name: String,
    /// Pattern that produced the waypoints.
    pub pattern: String,
    /// Launch (home) position.
    pub launch: LatLon,
    /// Take-off climb height above launch, metres.
    pub takeoff_alt_m: f64,
    /// Cruise speed, metres per second.
    pub speed_mps: f64,
    /// The waypoints, in flying order.
    pub waypoints: Vec<Waypoint>,
    /// How the mission ends.
    pub end: MissionEnd,
    /// What the mission looks at.
    pub target: Option<Target>,
    /// Safe places to divert to.
    pub rally_points: Vec<LatLon>,
    /// The zones it was checked against, exported as the QGC geofence so the autopilot enforces them too.
    pub no_fly: Vec<NoFlyZone>,
    /// When the mission was made, seconds since the Unix epoch.
    pub created_s: f64,
}

/// One end of a leg, for messages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LegEnd {
    /// The launch site.
    Launch,
    /// Waypoint `n`, numbered from 1 as ground-control software shows them.
    Waypoint(usize),
    /// The landing point of a [`MissionEnd::Land`].
    Landing,
}

impl fmt::Display for LegEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LegEnd::Launch => f.write_str("launch"),
            LegEnd::Waypoint(n) => write!(f, "waypoint {n}"),
            LegEnd::Landing => f.write_str("landing"),
        }
    }
}

/// A straight flight between two mission points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Leg {
    /// Leg number, from 1.
    pub index: usize,
    /// Where it starts.
    pub from: LegEnd,
    /// Where it ends.
    pub to: LegEnd,
    /// Start position.
    pub a: LatLon,
    /// End position.
    pub b: LatLon,
}

impl fmt::Display for Leg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "leg {} ({} {:.5},{:.5} → {} {:.5},{:.5})",
            self.index, self.from, self.a.lat_deg, self.a.lon_deg, self.to, self.b.lat_deg, self.b.lon_deg
        )
    }
}

/// Why a mission was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MissionError {
    /// A leg enters (or crosses) a no-fly zone.
    #[error("{leg} enters no-fly zone {zone_id} ({zone_name})")]
    NoFly {
        /// The offending leg.
        leg: Leg,
        /// Zone id (`mfm-5km`).
        zone_id: String,
        /// Zone name.
        zone_name: String,
    },
    /// A loiter circle reaches into a no-fly zone although its centre does not.
    #[error("loiter circle of {radius_m:.0} m at waypoint {waypoint} enters no-fly zone {zone_id} ({zone_name})")]
    NoFlyLoiter {
        /// Waypoint number, from 1.
        waypoint: usize,
        /// Circle radius, metres.
        radius_m: f64,
        /// Zone id.
        zone_id: String,
        /// Zone name.
        zone_name: String,
    },
    /// A leg ends farther from the launch site than the range limit.
    #[error("{leg} goes beyond the maximum range: {range_m:.0} m from launch, limit {max_m:.0} m")]
    OutOfRange {
        /// The offending leg.
        leg: Leg,
        /// Distance of its far end from launch, metres.
        range_m: f64,
        /// The limit, metres.
        max_m: f64,
    },
    /// A waypoint is below the minimum or above the maximum height.
    #[error("waypoint {waypoint} altitude {alt_m:.0} m is outside the limits {min_m:.0}–{max_m:.0} m")]
    Altitude {
        /// Waypoint number, from 1 (0 for the take-off height).
        waypoint: usize,
        /// Its height above launch, metres.
        alt_m: f64,
        /// Lower limit, metres.
        min_m: f64,
        /// Upper limit, metres.
        max_m: f64,
    },
    /// The cruise speed is above the limit (or not positive).
    #[error("speed {speed_mps:.1} m/s is outside the limit (0, {max_mps:.1}] m/s")]
    Speed {
        /// Requested speed, m/s.
        speed_mps: f64,
        /// The limit, m/s.
        max_mps: f64,
    },
    /// The launch site itself lies in a no-fly zone.
    #[error("launch site {lat:.5},{lon:.5} is inside no-fly zone {zone_id} ({zone_name})")]
    LaunchInZone {
        /// Latitude, degrees.
        lat: f64,
        /// Longitude, degrees.
        lon: f64,
        /// Zone id.
        zone_id: String,
        /// Zone name.
        zone_name: String,
    },
    /// The pattern produced no waypoints (zero-sized search area, …).
    #[error("the pattern produced no waypoints")]
    Empty,
}

impl MissionSpec {
    /// The legs this spec would fly, numbered from 1, ending with the return or landing leg.
    pub fn legs(&self) -> Vec<Leg> {
        legs(self.launch, &self.waypoints, self.end)
    }
}

impl Mission {
    /// The legs this mission flies, numbered from 1.
    pub fn legs(&self) -> Vec<Leg> {
        legs(self.launch, &self.waypoints, self.end)
    }

    /// Total horizontal path length, metres (legs only, loiters excluded).
    pub fn length_m(&self) -> f64 {
        self.legs().iter().map(|l| distance_m(l.a, l.b)).sum()
    }
}

fn legs(launch: LatLon, wps: &[Waypoint], end: MissionEnd) -> Vec<Leg> {
    let mut ends: Vec<(LegEnd, LatLon)> = vec![(LegEnd::Launch, launch)];
    ends.extend(wps.iter().enumerate().map(|(i, w)| (LegEnd::Waypoint(i + 1), w.position)));
    ends.push(match end {
        MissionEnd::ReturnToLaunch => (LegEnd::Launch, launch),
        MissionEnd::Land(p) => (LegEnd::Landing, p),
    });
    ends.windows(2)
        .enumerate()
        .map(|(i, w)| Leg { index: i + 1, from: w[0].0, to: w[1].0, a: w[0].1, b: w[1].1 })
        .collect()
}

/// Checks a spec against the limits and the geofence and returns the mission the exporters take.
///
/// Checks run in flying order, so the error names the first thing that goes wrong: the speed,
/// the take-off height, the launch site, then per leg its far end's height, its range from launch
/// and the zones it touches, then each loiter circle.
///
/// # Errors
/// [`MissionError`] naming the leg or waypoint and the zone or limit violated.
pub fn plan(spec: MissionSpec, limits: &Limits, fence: &Geofence) -> Result<Mission, MissionError> {
    if spec.waypoints.is_empty() {
        return Err(MissionError::Empty);
    }
    if !(spec.speed_mps > 0.0 && spec.speed_mps <= limits.max_speed_mps) {
        return Err(MissionError::Speed { speed_mps: spec.speed_mps, max_mps: limits.max_speed_mps });
    }
    let alt_ok = |a: f64| a >= limits.min_alt_m && a <= limits.max_alt_m;
    if !alt_ok(spec.takeoff_alt_m) {
        return Err(MissionError::Altitude {
            waypoint: 0,
            alt_m: spec.takeoff_alt_m,
            min_m: limits.min_alt_m,
            max_m: limits.max_alt_m,
        });
    }
    if let Some(z) = fence.zone_containing(spec.launch) {
        return Err(MissionError::LaunchInZone {
            lat: spec.launch.lat_deg,
            lon: spec.launch.lon_deg,
            zone_id: z.id.clone(),
            zone_name: z.name.clone(),
        });
    }
    for leg in spec.legs() {
        if let LegEnd::Waypoint(n) = leg.to {
            let alt_m = spec.waypoints[n - 1].alt_m;
            if !alt_ok(alt_m) {
                return Err(MissionError::Altitude {
                    waypoint: n,
                    alt_m,
                    min_m: limits.min_alt_m,
                    max_m: limits.max_alt_m,
                });
            }
        }
        // On a straight leg the distance from launch peaks at an end, so checking ends suffices.
        let range_m = distance_m(spec.launch, leg.b);
        if range_m > limits.max_range_m {
            return Err(MissionError::OutOfRange { leg, range_m, max_m: limits.max_range_m });
        }
        if let Some(z) = fence.first_violation(leg.a, leg.b) {
            return Err(MissionError::NoFly { leg, zone_id: z.id.clone(), zone_name: z.name.clone() });
        }
    }
    for (i, w) in spec.waypoints.iter().enumerate() {
        if let Action::Loiter { radius_m, .. } = w.action {
            if let Some(z) = loiter_violation(fence, w.position, radius_m) {
                return Err(MissionError::NoFlyLoiter {
                    waypoint: i + 1,
                    radius_m,
                    zone_id: z.id.clone(),
                    zone_name: z.name.clone(),
                });
            }
            if distance_m(spec.launch, w.position) + radius_m > limits.max_range_m {
                let leg = spec.legs()[i];
                return Err(MissionError::OutOfRange {
                    leg,
                    range_m: distance_m(spec.launch, w.position) + radius_m,
                    max_m: limits.max_range_m,
                });
            }
        }
    }
    Ok(Mission {
        name: spec.name,
        pattern: spec.pattern,
        launch: spec.launch,
        takeoff_alt_m: spec.takeoff_alt_m,
        speed_mps: spec.speed_mps,
        waypoints: spec.waypoints,
        end: spec.end,
        target: spec.target,
        rally_points: spec.rally_points,
        no_fly: fence.zones.clone(),
        created_s: spec.created_s,
    })
}

/// The circle is checked as a 36-gon circumscribing it, so a zone that the real circle grazes
/// is caught too (the polygon errs on the safe side by at most 0.4 % of the radius).
fn loiter_violation(fence: &Geofence, center: LatLon, radius_m: f64) -> Option<&NoFlyZone> {
    const N: usize = 36;
    let r = radius_m / (std::f64::consts::PI / N as f64).cos();
    let pts: Vec<LatLon> = (0..=N)
        .map(|k| {
            let (lat, lon) =
                crate::geodesy::destination(center.lat_deg, center.lon_deg, k as f64 * 360.0 / N as f64, r);
            LatLon::new(lat, lon)
        })
        .collect();
    pts.windows(2).find_map(|w| fence.first_violation(w[0], w[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outer Harbour ferry terminal: outside the airport zones.
    const OUTER_HARBOUR: LatLon = LatLon::new(22.1979, 113.5590);

    fn spec(waypoints: Vec<Waypoint>) -> MissionSpec {
        MissionSpec {
            name: "t".into(),
            pattern: "test".into(),
            launch: OUTER_HARBOUR,
            takeoff_alt_m: 40.0,
            speed_mps: 12.0,
            waypoints,
            end: MissionEnd::ReturnToLaunch,
            target: None,
            rally_points: vec![],
            created_s: 0.0,
        }
    }

    mod plan {
        use super::*;

        #[test]
        fn a_short_flight_up_the_harbour_is_accepted() {
            let m = plan(spec(vec![Waypoint::pass(LatLon::new(22.19, 113.545), 60.0)]), &Limits::default(), &Geofence::macau());
            let m = m.unwrap();
            assert_eq!(m.legs().len(), 2);
            assert_eq!(m.no_fly.len(), 3);
        }

        #[test]
        fn a_leg_into_the_airport_circle_is_refused_naming_leg_and_zone() {
            let wps = vec![
                Waypoint::pass(LatLon::new(22.19, 113.545), 60.0),
                Waypoint::pass(LatLon::new(22.15, 113.60), 60.0),
            ];
            let e = plan(spec(wps), &Limits::default(), &Geofence::macau()).unwrap_err();
            let MissionError::NoFly { leg, zone_id, .. } = &e else { panic!("{e}") };
            assert_eq!((leg.index, leg.from, leg.to), (2, LegEnd::Waypoint(1), LegEnd::Waypoint(2)));
            assert_eq!(zone_id, "mfm-5km");
            let msg = e.to_string();
            assert!(msg.starts_with("leg 2 (waypoint 1 22.19000,113.54500 → waypoint 2"), "{msg}");
            assert!(msg.contains("mfm-5km"), "{msg}");
        }

        #[test]
        fn too_far_from_launch_is_refused_with_the_distance() {
            let limits = Limits { max_range_m: 1000.0, ..Limits::default() };
            let e = plan(spec(vec![Waypoint::pass(LatLon::new(22.215, 113.565), 60.0)]), &limits, &Geofence::default());
            assert!(matches!(e, Err(MissionError::OutOfRange { leg: Leg { index: 1, .. }, range_m, .. }) if range_m > 1000.0));
        }

        #[test]
        fn a_waypoint_above_the_ceiling_is_refused() {
            let e = plan(spec(vec![Waypoint::pass(LatLon::new(22.19, 113.545), 300.0)]), &Limits::default(), &Geofence::default());
            assert!(matches!(e, Err(MissionError::Altitude { waypoint: 1, .. })));
        }

        #[test]
        fn a_speed_above_the_limit_is_refused() {
            let mut s = spec(vec![Waypoint::pass(LatLon::new(22.19, 113.545), 60.0)]);
            s.speed_mps = 40.0;
            assert!(matches!(plan(s, &Limits::default(), &Geofence::default()), Err(MissionError::Speed { .. })));
        }

        #[test]
        fn a_loiter_circle_reaching_into_a_zone_is_refused() {
            // 5.2 km from the ARP, circle 400 m: the centre is clear, the circle is not.
            let (lat, lon) = crate::geodesy::destination(22.14944, 113.59139, 300.0, 5200.0);
            let w = Waypoint { position: LatLon::new(lat, lon), alt_m: 60.0, action: Action::Loiter { radius_m: 400.0, time_s: None } };
            let mut s = spec(vec![w]);
            s.launch = LatLon::new(22.20, 113.535);
            let e = plan(s, &Limits::default(), &Geofence::macau());
            assert!(matches!(e, Err(MissionError::NoFlyLoiter { waypoint: 1, .. })), "{e:?}");
        }

        #[test]
        fn a_launch_inside_a_zone_is_refused() {
            let mut s = spec(vec![Waypoint::pass(LatLon::new(22.19, 113.545), 60.0)]);
            s.launch = LatLon::new(22.14944, 113.59139);
            assert!(matches!(plan(s, &Limits::default(), &Geofence::macau()), Err(MissionError::LaunchInZone { .. })));
        }
    }
}
