//! Patrol intercept: for a moving target, the earliest point where each unit can meet it,
//! routing boats around land with the coast's [`WaterRouter`], and the units ranked by ETA.
//!
//! # Method
//! The target holds course and speed until its track meets land (it lands there and waits) or
//! leaves the map (it escapes; no intercept). A unit that must reach the target along a route
//! whose last corner is `c`, reached after `d` seconds, meets it at the earliest `t ≥ d` with
//! `|p(t) − c| = v·(t − d)`: a quadratic in `t`, solved in closed form (see [`earliest_from`]).
//! Starting from the straight line (`c` = the unit, `d` = 0), each step routes to the predicted
//! meeting point, takes the route's last corner and solves again, until the route's length over
//! the unit's speed equals the meeting time ("consistent"), usually after one or two routes. A
//! drone team flies straight, so its first step is already consistent.
//!
//! [`FleetPlanner`] does the same for many units × many targets, but reuses each unit's earlier
//! routes as a tree of corners with known distances, calling the router only when no known
//! corner sees the point; that is what makes 20 units × 50 targets fast.

use crate::coast::{CoastError, Plane, WaterRouter};
use crate::geodesy::LatLon;

use super::target::Target;
use super::units::{Unit, UnitKind, UnitStatus, Units};

/// Longest look-ahead when a unit's endurance is longer, seconds: tracks are not worth
/// predicting in a straight line for longer than this.
pub const MAX_HORIZON_S: f64 = 2.0 * 3600.0;

/// Consistency tolerance of the iteration, seconds.
const TOL_S: f64 = 0.05;

/// Most route/solve steps before falling back to a scan.
const MAX_STEPS: usize = 12;

/// Where and when a unit can meet a target, and how it gets there.
#[derive(Debug, Clone, PartialEq)]
pub struct Intercept {
    /// The meeting point.
    pub point: LatLon,
    /// Seconds after the target's `time_s` at which the unit gets there.
    pub eta_s: f64,
    /// The unit's route from its position to `point` (both included); every leg on water for a boat.
    pub route: Vec<LatLon>,
    /// Length of `route`, metres.
    pub route_m: f64,
    /// Whether the target is predicted to have reached the shore (and stopped) by then.
    pub target_landed: bool,
}

/// One unit's answer for one target, for ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The unit's id.
    pub unit_id: String,
    /// Its intercept.
    pub intercept: Intercept,
}

/// The target's motion in plane metres: straight until `t_stop_s`, then still; meaningless
/// after `t_end_s` (it left the map or the horizon ended).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Motion {
    /// Position at t = 0, plane metres.
    pub p0: [f64; 2],
    /// Velocity, metres per second (east, north).
    pub v: [f64; 2],
    /// When it stops (reaches the shore), seconds; `f64::INFINITY` if never.
    pub t_stop_s: f64,
    /// Last time an intercept may happen, seconds.
    pub t_end_s: f64,
}

impl Motion {
    /// Position at `t_s`.
    pub fn at(&self, t_s: f64) -> [f64; 2] {
        let t = t_s.min(self.t_stop_s);
        [self.p0[0] + self.v[0] * t, self.p0[1] + self.v[1] * t]
    }

    /// The target's motion on the coast's plane: its straight track cut where it meets land (the
    /// last water point before it) or leaves the map, and at `horizon_s`.
    pub fn of(target: &Target, router: &WaterRouter, horizon_s: f64) -> Motion {
        let coast = router.coast();
        let plane = coast.plane();
        let p0 = plane.to_xy(target.position);
        let (ve, vn) = target.velocity_en_mps();
        let mut m = Motion { p0, v: [ve, vn], t_stop_s: f64::INFINITY, t_end_s: horizon_s };
        if coast.is_land_xy(p0) {
            m.t_stop_s = 0.0;
            return m;
        }
        if ve == 0.0 && vn == 0.0 {
            return m;
        }
        // Leaving the map: the first time the track crosses the bounding box.
        let (lo, hi) = coast.bbox();
        let (a, b) = (plane.to_xy(lo), plane.to_xy(hi));
        let mut t_exit = horizon_s;
        for (k, (min, max)) in [(a[0], b[0]), (a[1], b[1])].into_iter().enumerate() {
            let (p, v) = (p0[k], m.v[k]);
            if v > 0.0 {
                t_exit = t_exit.min((max - p) / v);
            } else if v < 0.0 {
                t_exit = t_exit.min((min - p) / v);
            }
        }
        let t_exit = t_exit.max(0.0);
        // Reaching land: crossing is monotone along a ray (once over land, the leg crosses it),
        // so bisect on the time, to 1 s. A target that lands stays on the map: the horizon holds.
        let crosses = |t: f64| coast.crosses_land_xy(p0, m.at(t));
        if crosses(t_exit) {
            let (mut lo_t, mut hi_t) = (0.0, t_exit);
            while hi_t - lo_t > 1.0 {
                let mid = 0.5 * (lo_t + hi_t);
                if crosses(mid) { hi_t = mid } else { lo_t = mid }
            }
            m.t_stop_s = lo_t;
        } else {
            m.t_end_s = t_exit;
        }
        m
    }
}

/// The earliest time `t ≥ d_s` at which a unit of speed `speed_mps`, free to leave `c` at
/// `d_s`, can be where the target is: the smallest root of `|p(t) − c| = v·(t − d)`, or `None`
/// if there is none before `m.t_end_s`.
///
/// With `D = p0 − c`, `V` the target velocity, the condition squared is the quadratic
/// `(V·V − v²)t² + 2(D·V + v²d)t + (D·D − v²d²) = 0`. If the target stops at `t_stop` first,
/// the unit meets it at its landing point at `max(t_stop, d + |p(t_stop) − c| / v)`.
///
/// # Units
/// Plane metres, seconds, metres per second.
pub fn earliest_from(c: [f64; 2], d_s: f64, speed_mps: f64, m: &Motion) -> Option<f64> {
    let v = speed_mps;
    let dist = |p: [f64; 2]| (p[0] - c[0]).hypot(p[1] - c[1]);
    let t_stop = m.t_stop_s.min(m.t_end_s);
    let mut t_hit = None;
    if d_s <= t_stop {
        let dd = [m.p0[0] - c[0], m.p0[1] - c[1]];
        let a = m.v[0] * m.v[0] + m.v[1] * m.v[1] - v * v;
        let b = dd[0] * m.v[0] + dd[1] * m.v[1] + v * v * d_s;
        let c0 = dd[0] * dd[0] + dd[1] * dd[1] - v * v * d_s * d_s;
        let roots: Vec<f64> = if a.abs() < 1e-9 {
            if b.abs() < 1e-12 { vec![] } else { vec![-c0 / (2.0 * b)] }
        } else {
            let disc = b * b - a * c0;
            if disc < 0.0 {
                vec![]
            } else {
                let s = disc.sqrt();
                // Numerically stable pair (no cancellation between -b and ±s).
                let q = -(b + b.signum() * s);
                let (r1, r2) = if q != 0.0 { (q / a, c0 / q) } else { (0.0, 0.0) };
                vec![r1.min(r2), r1.max(r2)]
            }
        };
        // The right root is the first one at or after d where the unit catches up: check the
        // distance rather than reasoning about the parabola's sign, robust to rounding.
        t_hit = roots
            .into_iter()
            .filter(|t| t.is_finite() && *t >= d_s - 1e-9 && *t <= t_stop)
            .find(|t| dist(m.at(*t)) <= v * (t - d_s) * (1.0 + 1e-9) + 1e-6)
            .map(|t| t.max(d_s));
        if t_hit.is_none() && dist(m.at(d_s)) < 1e-6 {
            t_hit = Some(d_s);
        }
    }
    let t = match t_hit {
        Some(t) => t,
        // Not caught while it moves: meet it where it lands, once both are there.
        None if m.t_stop_s < m.t_end_s => (d_s + dist(m.at(m.t_stop_s)) / v).max(m.t_stop_s),
        None => return None,
    };
    (t <= m.t_end_s + 1e-9).then_some(t)
}

/// A route from the unit to one point: what the iteration needs from whoever routes.
#[derive(Debug, Clone)]
pub(super) struct RouteTo {
    /// Plane points, unit first, the point last.
    pub(super) path: Vec<[f64; 2]>,
}

impl RouteTo {
    fn len_m(&self) -> f64 {
        self.path.windows(2).map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1])).sum()
    }
    /// The last corner before the point and the distance to it.
    fn last_corner(&self) -> ([f64; 2], f64) {
        let n = self.path.len();
        let prefix = RouteTo { path: self.path[..n - 1].to_vec() };
        (self.path[n - 2], prefix.len_m())
    }
}

/// The route-and-solve iteration of the module doc, over any router.
pub(super) fn iterate(
    start: [f64; 2],
    speed_mps: f64,
    m: &Motion,
    mut route_to: impl FnMut([f64; 2]) -> Result<RouteTo, CoastError>,
) -> Result<Option<(f64, RouteTo)>, CoastError> {
    let (mut c, mut d_s) = (start, 0.0);
    for _ in 0..MAX_STEPS {
        let Some(t) = earliest_from(c, d_s, speed_mps, m) else { return Ok(None) };
        let r = route_to(m.at(t))?;
        let arrive = r.len_m() / speed_mps;
        if (arrive - t).abs() <= TOL_S {
            return Ok(Some((t.max(arrive), r)));
        }
        let (nc, nd) = r.last_corner();
        c = nc;
        d_s = nd / speed_mps;
    }
    // Two corners taking turns: scan forward from the straight-line bound (rare; slow but sure).
    let mut t = earliest_from(start, 0.0, speed_mps, m).unwrap_or(0.0);
    let step = 5.0;
    while t <= m.t_end_s {
        let r = route_to(m.at(t))?;
        if r.len_m() / speed_mps <= t {
            return Ok(Some((t, r)));
        }
        t += step;
    }
    Ok(None)
}

pub(super) fn finish(plane: &Plane, m: &Motion, t: f64, r: RouteTo) -> Intercept {
    let route_m = r.len_m();
    Intercept {
        point: plane.to_latlon(m.at(t)),
        eta_s: t,
        route: r.path.iter().map(|p| plane.to_latlon(*p)).collect(),
        route_m,
        target_landed: t >= m.t_stop_s,
    }
}

/// The earliest intercept of `target` by a unit at `from` moving at `speed_mps`, by water
/// (`by_water`, routing around land) or straight (a drone), within `horizon_s` of the target's time.
///
/// # Errors
/// [`CoastError`] when the router cannot route at all (the unit is inland, the waters are not
/// connected). `Ok(None)` when the target cannot be reached before the horizon or escapes the map.
pub fn intercept(
    router: &WaterRouter,
    from: LatLon,
    speed_mps: f64,
    by_water: bool,
    target: &Target,
    horizon_s: f64,
) -> Result<Option<Intercept>, CoastError> {
    let plane = *router.coast().plane();
    let m = Motion::of(target, router, horizon_s);
    let start = plane.to_xy(from);
    let res = if by_water {
        iterate(start, speed_mps, &m, |p| router.route_xy(start, p).map(|path| RouteTo { path }))?
    } else {
        iterate(start, speed_mps, &m, |p| Ok(RouteTo { path: vec![start, p] }))?
    };
    Ok(res.map(|(t, r)| finish(&plane, &m, t, r)))
}

/// Every available unit's intercept of one target, fastest first: the "who gets there first"
/// answer the console proposes. Units that cannot reach it within their endurance are left out,
/// and so are units the router cannot route (logged: a unit reported inland, a target in an
/// unconnected pond), so one bad position never hides the others' answers.
pub fn rank_units(router: &WaterRouter, units: &Units, target: &Target) -> Vec<Candidate> {
    let mut out = Vec::new();
    for u in units.units.iter().filter(|u| u.status == UnitStatus::Available) {
        let horizon = u.endurance_s().min(MAX_HORIZON_S);
        let by_water = u.kind == UnitKind::PatrolBoat;
        match intercept(router, u.current_position(), u.max_speed_mps(), by_water, target, horizon) {
            Ok(Some(intercept)) => out.push(Candidate { unit_id: u.id.clone(), intercept }),
            Ok(None) => {}
            Err(e) => tracing::warn!(unit = %u.id, "no intercept: {e}"),
        }
    }
    sort_by_eta(&mut out);
    out
}

pub(super) fn sort_by_eta(c: &mut [Candidate]) {
    c.sort_by(|a, b| a.intercept.eta_s.total_cmp(&b.intercept.eta_s).then_with(|| a.unit_id.cmp(&b.unit_id)));
}

/// One node of a unit's corner tree: a route vertex with its distance from the unit.
#[derive(Debug, Clone, Copy)]
struct Corner {
    xy: [f64; 2],
    dist_m: f64,
    parent: usize,
}

/// Adds a route's inner vertices (not its start, the root, nor its end) to a corner tree as a
/// chain from the root; returns the index of the last one (the root if there is none).
fn add_to_tree(tree: &mut Vec<Corner>, path: &[[f64; 2]]) -> usize {
    let d = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
    let mut parent = 0;
    let mut dist = 0.0;
    for w in path.windows(2).take(path.len().saturating_sub(2)) {
        dist += d(w[0], w[1]);
        tree.push(Corner { xy: w[1], dist_m: dist, parent });
        parent = tree.len() - 1;
    }
    parent
}

/// Many targets for a fleet at once, reusing each unit's routes (see the module doc).
///
/// A point seen (leg on water, clear of the router's margin) from a known corner is reached by
/// the shortest such corner's path plus the straight leg; only a point no known corner sees costs
/// a router call, whose vertices then join the tree. Every result is a real water route (each
/// leg clear of land and of the router's margin). Combining corners of several router calls, it
/// is sometimes a little shorter than one string-pulled A* path (a few percent at most in the
/// tests), and with [`FleetPlanner::verify`] never longer than the router's by more than 0.01 %.
#[derive(Debug)]
pub struct FleetPlanner<'r> {
    router: &'r WaterRouter,
    trees: Vec<(String, Vec<Corner>)>,
    /// Check each answer that went round land with one router call to the meeting point, and
    /// re-solve if the router knows a shorter way (default `true`): exact to the router's
    /// answer, at one route per pair instead of one per step.
    pub verify: bool,
}

impl<'r> FleetPlanner<'r> {
    /// A planner over a router, with empty corner trees.
    pub fn new(router: &'r WaterRouter) -> Self {
        FleetPlanner { router, trees: Vec::new(), verify: true }
    }

    /// Forgets the routes of units that have moved since (call when positions update).
    pub fn clear(&mut self) {
        self.trees.clear();
    }

    fn clear_leg(&self, a: [f64; 2], b: [f64; 2]) -> bool {
        self.router.is_leg_clear_xy(a, b) && !self.router.coast().crosses_land_xy(a, b)
    }

    fn route_cached(&self, tree: &mut Vec<Corner>, p: [f64; 2]) -> Result<RouteTo, CoastError> {
        let d = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
        let mut order: Vec<(f64, usize)> = tree.iter().enumerate().map(|(i, c)| (c.dist_m + d(c.xy, p), i)).collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        let via = order.iter().find(|(_, i)| self.clear_leg(tree[*i].xy, p)).map(|(_, i)| *i);
        let via = match via {
            Some(i) => i,
            None => {
                let path = self.router.route_xy(tree[0].xy, p)?;
                add_to_tree(tree, &path)
            }
        };
        let mut path = vec![p];
        let mut k = via;
        loop {
            path.push(tree[k].xy);
            if k == 0 {
                break;
            }
            k = tree[k].parent;
        }
        path.reverse();
        Ok(RouteTo { path })
    }

    /// The intercept of `target` by unit `u`, through the unit's corner tree.
    ///
    /// # Errors
    /// As [`intercept`].
    pub fn intercept(&mut self, u: &Unit, target: &Target) -> Result<Option<Intercept>, CoastError> {
        let m = Motion::of(target, self.router, MAX_HORIZON_S);
        self.intercept_motion(u, &m)
    }

    /// As [`FleetPlanner::intercept`] for a target whose motion is already computed (once per
    /// target, shared by every unit: the land and map-edge search is the costly part).
    fn intercept_motion(&mut self, u: &Unit, m: &Motion) -> Result<Option<Intercept>, CoastError> {
        let plane = *self.router.coast().plane();
        let mut m = *m;
        m.t_end_s = m.t_end_s.min(u.endurance_s().min(MAX_HORIZON_S));
        let m = &m;
        let start = plane.to_xy(u.current_position());
        let speed = u.max_speed_mps();
        if u.kind == UnitKind::DroneTeam {
            let res = iterate(start, speed, m, |p| Ok(RouteTo { path: vec![start, p] }))?;
            return Ok(res.map(|(t, r)| finish(&plane, m, t, r)));
        }
        let idx = match self.trees.iter().position(|(id, _)| *id == u.id) {
            Some(i) => i,
            None => {
                self.trees.push((u.id.clone(), vec![Corner { xy: start, dist_m: 0.0, parent: 0 }]));
                self.trees.len() - 1
            }
        };
        let mut tree = std::mem::take(&mut self.trees[idx].1);
        let res = self.solve_cached(&mut tree, start, speed, m);
        self.trees[idx].1 = tree;
        Ok(res?.map(|(t, r)| finish(&plane, m, t, r)))
    }

    fn solve_cached(
        &self,
        tree: &mut Vec<Corner>,
        start: [f64; 2],
        speed: f64,
        m: &Motion,
    ) -> Result<Option<(f64, RouteTo)>, CoastError> {
        for _ in 0..3 {
            let res = iterate(start, speed, m, |p| self.route_cached(tree, p))?;
            if !self.verify {
                return Ok(res);
            }
            let Some((t, r)) = res else {
                // The tree may only know long ways round: ask the router before saying "never".
                return iterate(start, speed, m, |p| self.router.route_xy(start, p).map(|path| RouteTo { path }));
            };
            if r.path.len() <= 2 {
                return Ok(Some((t, r)));
            }
            let exact = RouteTo { path: self.router.route_xy(start, m.at(t))? };
            if exact.len_m() >= r.len_m() * (1.0 - 1e-4) {
                return Ok(Some((t, r)));
            }
            add_to_tree(tree, &exact.path);
        }
        iterate(start, speed, m, |p| self.router.route_xy(start, p).map(|path| RouteTo { path }))
    }

    /// For each target, the available units that can reach it, fastest first (units the router
    /// cannot route are left out and logged, as in [`rank_units`]).
    pub fn rank_all(&mut self, units: &Units, targets: &[Target]) -> Vec<Vec<Candidate>> {
        let mut out = vec![Vec::new(); targets.len()];
        let motions: Vec<Motion> = targets.iter().map(|t| Motion::of(t, self.router, MAX_HORIZON_S)).collect();
        for u in units.units.iter().filter(|u| u.status == UnitStatus::Available) {
            for (k, m) in motions.iter().enumerate() {
                match self.intercept_motion(u, m) {
                    Ok(Some(intercept)) => out[k].push(Candidate { unit_id: u.id.clone(), intercept }),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(unit = %u.id, target = k, "no intercept: {e}"),
                }
            }
        }
        for c in &mut out {
            sort_by_eta(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn motion(p0: [f64; 2], v: [f64; 2]) -> Motion {
        Motion { p0, v, t_stop_s: f64::INFINITY, t_end_s: 1e6 }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6 * b.abs().max(1.0)
    }

    mod earliest_from {
        use super::*;

        #[test]
        fn a_still_target_is_reached_at_distance_over_speed() {
            let t = earliest_from([0.0, 0.0], 0.0, 10.0, &motion([1000.0, 0.0], [0.0, 0.0])).unwrap();
            assert!(close(t, 100.0), "{t}");
        }

        #[test]
        fn head_on_the_closing_speeds_add() {
            let t = earliest_from([0.0, 0.0], 0.0, 10.0, &motion([1000.0, 0.0], [-5.0, 0.0])).unwrap();
            assert!(close(t, 1000.0 / 15.0), "{t}");
        }

        #[test]
        fn a_stern_chase_gains_the_speed_difference() {
            let t = earliest_from([0.0, 0.0], 0.0, 10.0, &motion([1000.0, 0.0], [5.0, 0.0])).unwrap();
            assert!(close(t, 200.0), "{t}");
        }

        #[test]
        fn a_faster_target_running_away_is_never_caught() {
            assert_eq!(earliest_from([0.0, 0.0], 0.0, 10.0, &motion([1000.0, 0.0], [15.0, 0.0])), None);
        }

        #[test]
        fn a_faster_target_crossing_ahead_is_caught_on_its_way_past() {
            // Target 1 km north, 1 km west, heading east at 15 m/s; the unit waits near its path.
            let t = earliest_from([0.0, 0.0], 0.0, 10.0, &motion([-1000.0, 200.0], [15.0, 0.0])).unwrap();
            let m = motion([-1000.0, 200.0], [15.0, 0.0]);
            let p = m.at(t);
            assert!(close(p[0].hypot(p[1]), 10.0 * t), "{t}");
            assert!(t < 1000.0 / 15.0, "met before it passes abeam: {t}");
        }

        #[test]
        fn a_target_that_lands_first_is_met_at_its_landing_point() {
            let mut m = motion([1000.0, 0.0], [5.0, 0.0]);
            m.t_stop_s = 50.0; // lands 1250 m out
            let t = earliest_from([0.0, 0.0], 0.0, 2.0, &m).unwrap();
            assert!(close(t, 625.0), "{t}");
        }

        #[test]
        fn a_corner_reached_later_adds_its_delay() {
            let t = earliest_from([0.0, 0.0], 30.0, 10.0, &motion([100.0, 0.0], [0.0, 0.0])).unwrap();
            assert!(close(t, 40.0), "{t}");
        }

        #[test]
        fn nothing_after_the_horizon() {
            let mut m = motion([1000.0, 0.0], [0.0, 0.0]);
            m.t_end_s = 50.0;
            assert_eq!(earliest_from([0.0, 0.0], 0.0, 10.0, &m), None);
        }
    }
}
