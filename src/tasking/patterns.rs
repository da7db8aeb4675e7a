//! Drone flight patterns as pure functions: a target (or datum) and parameters in, waypoints out.
//! Nothing here checks limits or zones; [`plan`](super::mission::plan) does that once for all.
//!
//! # References
//! IAMSAR Manual Vol. II (IMO/ICAO), ch. 5: expanding square search (SS) and parallel track
//! search (PS).

use nalgebra::Vector2;

use crate::geodesy::{Enu, LatLon};

use super::mission::{Action, Waypoint};
use super::target::Target;

/// The patterns the CLI and console offer, so they can be named in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    /// Circle the target (its predicted position on arrival).
    Orbit,
    /// Fly along the target's predicted track, then circle where it will be.
    Follow,
    /// Fly to a point and hover-circle there for a while, low.
    Inspect,
    /// IAMSAR expanding square around a datum: best when the position is known well.
    ExpandingSquare,
    /// IAMSAR parallel-track ("lawnmower") over a rectangle: best for a larger, uncertain area.
    Lawnmower,
}

impl Pattern {
    /// The kebab-case name used on the command line and in exports.
    pub fn name(self) -> &'static str {
        match self {
            Pattern::Orbit => "orbit",
            Pattern::Follow => "follow",
            Pattern::Inspect => "inspect",
            Pattern::ExpandingSquare => "expanding-square",
            Pattern::Lawnmower => "lawnmower",
        }
    }
}

/// Parameters of [`orbit`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrbitParams {
    /// Circle radius, metres (stand-off from the vessel).
    pub radius_m: f64,
    /// Height above launch, metres.
    pub alt_m: f64,
    /// How long to circle, seconds; `None` circles until the pilot moves on.
    pub time_s: Option<f64>,
    /// Seconds ahead to predict the target's position (the drone's transit time).
    pub lead_s: f64,
}

impl Default for OrbitParams {
    fn default() -> Self {
        OrbitParams { radius_m: 150.0, alt_m: 60.0, time_s: Some(600.0), lead_s: 0.0 }
    }
}

/// Circle the target where it will be after `lead_s`: one loiter waypoint.
pub fn orbit(target: &Target, p: &OrbitParams) -> Vec<Waypoint> {
    vec![Waypoint {
        position: target.predict(p.lead_s),
        alt_m: p.alt_m,
        action: Action::Loiter { radius_m: p.radius_m, time_s: p.time_s },
    }]
}

/// Parameters of [`follow`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FollowParams {
    /// How far ahead along the predicted track to fly, seconds of target motion.
    pub duration_s: f64,
    /// Spacing of the waypoints along the track, seconds of target motion.
    pub step_s: f64,
    /// Height above launch, metres.
    pub alt_m: f64,
    /// Radius of the final circle, metres.
    pub radius_m: f64,
}

impl Default for FollowParams {
    fn default() -> Self {
        FollowParams { duration_s: 600.0, step_s: 60.0, alt_m: 60.0, radius_m: 150.0 }
    }
}

/// Fly along the target's predicted straight track and circle its predicted end position until
/// told otherwise (the pilot re-tasks as the track updates).
pub fn follow(target: &Target, p: &FollowParams) -> Vec<Waypoint> {
    let steps = if p.step_s > 0.0 { (p.duration_s / p.step_s).ceil() as usize } else { 0 };
    let mut out: Vec<Waypoint> =
        (0..steps).map(|k| Waypoint::pass(target.predict(k as f64 * p.step_s), p.alt_m)).collect();
    out.push(Waypoint {
        position: target.predict(p.duration_s),
        alt_m: p.alt_m,
        action: Action::Loiter { radius_m: p.radius_m, time_s: None },
    });
    out
}

/// Parameters of [`inspect`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InspectParams {
    /// Height above launch, metres (low, for the camera).
    pub alt_m: f64,
    /// Radius of the circle, metres.
    pub radius_m: f64,
    /// How long to stay, seconds.
    pub time_s: f64,
}

impl Default for InspectParams {
    fn default() -> Self {
        InspectParams { alt_m: 40.0, radius_m: 60.0, time_s: 180.0 }
    }
}

/// Fly to a point and circle it closely for a set time.
pub fn inspect(target: &Target, p: &InspectParams) -> Vec<Waypoint> {
    vec![Waypoint {
        position: target.position,
        alt_m: p.alt_m,
        action: Action::Loiter { radius_m: p.radius_m, time_s: Some(p.time_s) },
    }]
}

/// Parameters of [`expanding_square`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExpandingSquareParams {
    /// Track spacing S, metres: leg lengths run S, S, 2S, 2S, 3S, 3S, …
    pub spacing_m: f64,
    /// Number of legs (IAMSAR: until the area is covered; 4k legs close k rings).
    pub legs: usize,
    /// True bearing of the first leg, degrees (IAMSAR: into the wind or down the drift).
    pub first_bearing_deg: f64,
    /// Height above launch, metres.
    pub alt_m: f64,
}

impl Default for ExpandingSquareParams {
    fn default() -> Self {
        ExpandingSquareParams { spacing_m: 200.0, legs: 12, first_bearing_deg: 0.0, alt_m: 60.0 }
    }
}

/// IAMSAR expanding square from the datum: start over the datum, then legs of S, S, 2S, 2S, …
/// each turned 90° right of the last.
pub fn expanding_square(datum: &Target, p: &ExpandingSquareParams) -> Vec<Waypoint> {
    let frame = Enu::at(datum.position);
    let mut out = vec![Waypoint::pass(datum.position, p.alt_m)];
    let mut pos = Vector2::zeros();
    for k in 0..p.legs {
        let len = p.spacing_m * (k / 2 + 1) as f64;
        let b = (p.first_bearing_deg + 90.0 * k as f64).to_radians();
        pos += Vector2::new(b.sin(), b.cos()) * len;
        out.push(Waypoint::pass(frame.from_en(pos), p.alt_m));
    }
    out
}

/// Parameters of [`parallel_track`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParallelTrackParams {
    /// Track spacing S, metres.
    pub spacing_m: f64,
    /// Extent of the area along the tracks, metres.
    pub length_m: f64,
    /// Extent of the area across the tracks, metres.
    pub width_m: f64,
    /// True bearing of the tracks (the area's major axis), degrees.
    pub axis_deg: f64,
    /// Height above launch, metres.
    pub alt_m: f64,
}

impl Default for ParallelTrackParams {
    fn default() -> Self {
        ParallelTrackParams { spacing_m: 200.0, length_m: 2000.0, width_m: 1600.0, axis_deg: 0.0, alt_m: 60.0 }
    }
}

/// IAMSAR parallel-track search over a rectangle centred on the datum: tracks S apart, the first
/// and last S/2 inside the edges, flown back and forth ("lawnmower").
pub fn parallel_track(datum: &Target, p: &ParallelTrackParams) -> Vec<Waypoint> {
    if p.spacing_m <= 0.0 || p.width_m <= 0.0 || p.length_m <= 0.0 {
        return Vec::new();
    }
    let frame = Enu::at(datum.position);
    let a = p.axis_deg.to_radians();
    let along = Vector2::new(a.sin(), a.cos());
    let across = Vector2::new(along.y, -along.x); // 90° right of the axis
    let tracks = ((p.width_m / p.spacing_m).round() as usize).max(1);
    let mut out = Vec::with_capacity(2 * tracks);
    for k in 0..tracks {
        let x = -p.width_m / 2.0 + p.spacing_m * (k as f64 + 0.5);
        let (y0, y1) = if k % 2 == 0 { (-p.length_m / 2.0, p.length_m / 2.0) } else { (p.length_m / 2.0, -p.length_m / 2.0) };
        for y in [y0, y1] {
            out.push(Waypoint::pass(frame.from_en(across * x + along * y), p.alt_m));
        }
    }
    out
}

/// Which side of a shore line the sea is on, looking along the line's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Sea to the left.
    Left,
    /// Sea to the right.
    Right,
}

/// Parameters of [`shore_sector`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShoreParams {
    /// Stand-off from the shore line, metres.
    pub standoff_m: f64,
    /// Which side the sea is on.
    pub sea: Side,
    /// Height above launch, metres.
    pub alt_m: f64,
}

/// A route along a shore sector: each vertex of the shore polyline pushed `standoff_m` to
/// seaward along the bisector of its two edges, so the drone keeps the beach in its camera's view.
pub fn shore_sector(shore: &[LatLon], p: &ShoreParams) -> Vec<Waypoint> {
    let Some(&origin) = shore.first() else { return Vec::new() };
    let frame = Enu::at(origin);
    let pts: Vec<Vector2<f64>> = shore.iter().map(|q| frame.to_en(*q)).collect();
    let normal = |d: Vector2<f64>| {
        let d = d.normalize();
        match p.sea {
            Side::Left => Vector2::new(-d.y, d.x),
            Side::Right => Vector2::new(d.y, -d.x),
        }
    };
    let n = pts.len();
    (0..n)
        .map(|i| {
            let before = if i > 0 { Some(normal(pts[i] - pts[i - 1])) } else { None };
            let after = if i + 1 < n { Some(normal(pts[i + 1] - pts[i])) } else { None };
            let off = match (before, after) {
                (Some(a), Some(b)) => {
                    let m = a + b;
                    // Bisector scaled so both edges keep the full stand-off; capped at sharp corners.
                    let c = (m.norm() / 2.0).max(0.3);
                    m.normalize() * (p.standoff_m / c)
                }
                (Some(a), None) | (None, Some(a)) => a * p.standoff_m,
                (None, None) => Vector2::zeros(),
            };
            Waypoint::pass(frame.from_en(pts[i] + off), p.alt_m)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::{bearing_deg, distance_m};

    const DATUM: LatLon = LatLon::new(22.12, 113.55);

    mod expanding_square {
        use super::*;

        #[test]
        fn legs_grow_s_s_2s_2s_and_turn_right() {
            let p = ExpandingSquareParams { spacing_m: 100.0, legs: 6, first_bearing_deg: 0.0, alt_m: 50.0 };
            let w = expanding_square(&Target::point(DATUM), &p);
            assert_eq!(w.len(), 7);
            let lens: Vec<f64> = w.windows(2).map(|x| distance_m(x[0].position, x[1].position)).collect();
            for (got, want) in lens.iter().zip([100.0, 100.0, 200.0, 200.0, 300.0, 300.0]) {
                assert!((got - want).abs() < 0.5, "{lens:?}");
            }
            let b: Vec<f64> = w.windows(2).map(|x| bearing_deg(x[0].position, x[1].position)).collect();
            for (k, got) in b.iter().enumerate() {
                let want = (90.0 * k as f64) % 360.0;
                assert!(crate::geodesy::angle_diff_deg(*got, want).abs() < 0.1, "{b:?}");
            }
        }
    }

    mod parallel_track {
        use super::*;

        #[test]
        fn tracks_are_spacing_apart_and_stay_inside_the_box() {
            let p = ParallelTrackParams { spacing_m: 200.0, length_m: 1000.0, width_m: 800.0, axis_deg: 90.0, alt_m: 50.0 };
            let w = parallel_track(&Target::point(DATUM), &p);
            assert_eq!(w.len(), 8); // 4 tracks × 2 ends
            let frame = Enu::at(DATUM);
            for x in &w {
                let en = frame.to_en(x.position);
                assert!(en.x.abs() <= 500.01 && en.y.abs() <= 400.01, "{en:?}");
            }
            // Consecutive tracks: the start of track k+1 is S away from the end of track k.
            assert!((distance_m(w[1].position, w[2].position) - 200.0).abs() < 0.5);
        }

        #[test]
        fn a_zero_area_gives_no_waypoints() {
            let p = ParallelTrackParams { width_m: 0.0, ..Default::default() };
            assert!(parallel_track(&Target::point(DATUM), &p).is_empty());
        }
    }

    mod orbit {
        use super::*;

        #[test]
        fn circles_the_predicted_position() {
            let t = Target::track("9", 0.0, DATUM, 20.0, 90.0);
            let w = orbit(&t, &OrbitParams { lead_s: 180.0, ..Default::default() });
            assert_eq!(w.len(), 1);
            assert!((distance_m(DATUM, w[0].position) - 20.0 * crate::geodesy::MPS_PER_KNOT * 180.0).abs() < 0.5);
            assert!(matches!(w[0].action, Action::Loiter { radius_m, .. } if radius_m == 150.0));
        }
    }

    mod follow {
        use super::*;

        #[test]
        fn ends_with_an_unlimited_loiter_ahead_of_the_target() {
            let t = Target::track("9", 0.0, DATUM, 10.0, 0.0);
            let w = follow(&t, &FollowParams { duration_s: 300.0, step_s: 100.0, ..Default::default() });
            assert_eq!(w.len(), 4);
            assert!(matches!(w[3].action, Action::Loiter { time_s: None, .. }));
            assert!(w[3].position.lat_deg > w[0].position.lat_deg);
        }
    }

    mod shore_sector {
        use super::*;

        #[test]
        fn a_straight_shore_is_offset_to_the_sea_side() {
            // Shore running north; sea to the right (east).
            let shore = [DATUM, LatLon::new(22.13, 113.55), LatLon::new(22.14, 113.55)];
            let w = shore_sector(&shore, &ShoreParams { standoff_m: 100.0, sea: Side::Right, alt_m: 50.0 });
            for (s, x) in shore.iter().zip(&w) {
                assert!((distance_m(*s, x.position) - 100.0).abs() < 0.5);
                assert!(x.position.lon_deg > s.lon_deg);
            }
        }
    }
}
