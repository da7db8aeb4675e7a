//! [`FieldPlanner`]: the console's "who gets there first" for a whole fleet and many targets at
//! once, fast enough to re-plan on every track update (20 boats × 50 targets in milliseconds).
//!
//! # Method
//! One [`DistanceField`] per boat (one Dijkstra pass over the router's water grid from the
//! boat) turns "how far by water" into a lookup. For each target and boat, the earliest time
//! `t` with `field(p(t)) / v ≤ t` is found by stepping along the target's predicted track: while
//! the boat is `f = field(p(t))/v − t > 0` seconds late, no intercept can happen in the next
//! `f / L` seconds (the lateness falls at most at rate `L = 1 + |V|/v`, with margin for the grid),
//! so each step is safe and the first crossing is never skipped; the last step is bisected.
//! Drone teams fly straight and are solved in closed form ([`earliest_from`]).
//!
//! Only the boats whose estimate is within a few percent of the best (the field's error bound)
//! get a real route: the field's own grid path to the meeting point, string-pulled and checked
//! against the coastline, solved to consistency as in [`intercept`](super::intercept::intercept).
//! No A* runs at all.
//!
//! The fields are lazy ([`DistanceField::ensure_m`]): per target, units are tried in order of
//! their straight-line ETA (a lower bound: water is never shorter than the straight line), a
//! unit whose bound is past the shortlist window of the best estimate so far is not looked at,
//! and a boat's field only grows to the distance it can cover within that window. Far boats
//! and far water are never searched, which is what brings 20 boats × 50 targets from about a
//! second (20 whole-map fields) to milliseconds.

use crate::coast::WaterRouter;
use crate::coast::distance_field::{DistanceField, WaterGrid};

use super::intercept::{Candidate, MAX_HORIZON_S, Motion, RouteTo, earliest_from, finish, iterate};
use super::target::Target;
use super::units::{UnitKind, UnitStatus, Units};

/// Boats whose field estimate is within this factor of the best estimate are routed and solved
/// exactly: the field overestimates a route by up to ~3 % (16-neighbour grid), so a boat outside
/// it cannot be faster than the best.
const SHORTLIST_FACTOR: f64 = 1.05;

/// And within this many seconds of it (short intercepts, where cell offsets dominate).
const SHORTLIST_SLACK_S: f64 = 10.0;

/// Lateness below which the field search stops, seconds.
const FIELD_TOL_S: f64 = 0.5;

/// The proposal for one target: the fastest unit with a real route, and every unit's estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// The fastest unit and its intercept (route on water for a boat, straight for a drone).
    pub best: Candidate,
    /// The units whose straight-line bound left them in the running, with their estimated ETA
    /// in seconds (grid-field estimate for boats, exact for drones), fastest first. Units
    /// ruled out by the bound (they cannot be within the shortlist window) are not listed.
    pub estimates: Vec<(String, f64)>,
}

/// Plans intercepts for a fleet through per-boat distance fields (see the module doc).
#[derive(Debug)]
pub struct FieldPlanner<'r> {
    router: &'r WaterRouter,
    grid: WaterGrid,
}

impl<'r> FieldPlanner<'r> {
    /// A planner over a router: copies the router's water grid and its move masks once (about
    /// 10 ms of CPU in release; build it with the router, not per plan).
    pub fn new(router: &'r WaterRouter) -> Self {
        FieldPlanner { router, grid: WaterGrid::of(router) }
    }

    /// For each target, the fastest available unit with its intercept, or `None` when no unit
    /// can reach it. Boats the router cannot place on water are left out and logged.
    pub fn propose_all(&self, units: &Units, targets: &[Target]) -> Vec<Option<Proposal>> {
        let plane = *self.router.coast().plane();
        let avail: Vec<_> = units.units.iter().filter(|u| u.status == UnitStatus::Available).collect();
        let mut fields: Vec<Option<DistanceField<'_>>> = avail
            .iter()
            .map(|u| {
                if u.kind != UnitKind::PatrolBoat {
                    return None;
                }
                self.grid
                    .field_from(self.router, plane.to_xy(u.current_position()))
                    .inspect_err(|e| tracing::warn!(unit = %u.id, "no distance field: {e}"))
                    .ok()
            })
            .collect();
        let window = |best: f64| best * SHORTLIST_FACTOR + SHORTLIST_SLACK_S;
        targets
            .iter()
            .map(|target| {
                let m = Motion::of(target, self.router, MAX_HORIZON_S);
                let motion_of = |k: usize| {
                    let mut mu = m;
                    mu.t_end_s = mu.t_end_s.min(avail[k].endurance_s().min(MAX_HORIZON_S));
                    mu
                };
                // Straight-line ETAs: exact for drones, a lower bound for boats.
                let mut bounds: Vec<(f64, usize)> = (0..avail.len())
                    .filter(|&k| avail[k].kind == UnitKind::DroneTeam || fields[k].is_some())
                    .filter_map(|k| {
                        let u = avail[k];
                        earliest_from(plane.to_xy(u.current_position()), 0.0, u.max_speed_mps(), &motion_of(k))
                            .map(|t| (t, k))
                    })
                    .collect();
                bounds.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| avail[a.1].id.cmp(&avail[b.1].id)));
                let mut est: Vec<(f64, usize)> = Vec::new();
                let mut best_est = f64::INFINITY;
                for &(lb, k) in &bounds {
                    if lb > window(best_est) {
                        break;
                    }
                    let u = avail[k];
                    let mu = motion_of(k);
                    let e = match &mut fields[k] {
                        None => Some(lb),
                        Some(f) if best_est.is_finite() => {
                            field_eta(f, u.max_speed_mps(), &mu, window(best_est).min(mu.t_end_s))
                        }
                        Some(f) => {
                            // The first boat has no window yet: widen its look-ahead until it
                            // meets the target or the horizon ends.
                            let mut cap = (2.0 * lb + 120.0).min(mu.t_end_s);
                            loop {
                                let e = field_eta(f, u.max_speed_mps(), &mu, cap);
                                if e.is_some() || cap >= mu.t_end_s {
                                    break e;
                                }
                                cap = (2.0 * cap).min(mu.t_end_s);
                            }
                        }
                    };
                    if let Some(e) = e {
                        est.push((e, k));
                        best_est = best_est.min(e);
                    }
                }
                est.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| avail[a.1].id.cmp(&avail[b.1].id)));
                let first = est.first()?.0;
                let mut best: Option<Candidate> = None;
                for &(_, k) in est.iter().take_while(|(e, _)| *e <= window(first)) {
                    let u = avail[k];
                    let mu = motion_of(k);
                    let start = plane.to_xy(u.current_position());
                    let speed = u.max_speed_mps();
                    let solved = match &fields[k] {
                        Some(f) => {
                            iterate(start, speed, &mu, |p| f.route_xy(self.router, p).map(|path| RouteTo { path }))
                        }
                        None => iterate(start, speed, &mu, |p| Ok(RouteTo { path: vec![start, p] })),
                    };
                    match solved {
                        Ok(Some((t, r))) => {
                            let c = Candidate { unit_id: u.id.clone(), intercept: finish(&plane, &mu, t, r) };
                            let better = best.as_ref().is_none_or(|b| {
                                c.intercept.eta_s < b.intercept.eta_s
                                    || (c.intercept.eta_s == b.intercept.eta_s && c.unit_id < b.unit_id)
                            });
                            if better {
                                best = Some(c);
                            }
                        }
                        Ok(None) => {}
                        Err(e) => tracing::warn!(unit = %u.id, target = ?target.track_id, "no intercept: {e}"),
                    }
                }
                let estimates = est.iter().map(|(e, k)| (avail[*k].id.clone(), *e)).collect();
                best.map(|best| Proposal { best, estimates })
            })
            .collect()
    }
}

/// The earliest `t ≤ cap_s` at which the field says a boat of speed `speed_mps` can be where
/// the target is (see the module doc), or `None`. Grows the field to what the boat covers in
/// `cap_s` first, so water it has not reached is water it cannot reach in time.
///
/// # Units
/// Seconds, metres per second.
fn field_eta(f: &mut DistanceField<'_>, speed_mps: f64, m: &Motion, cap_s: f64) -> Option<f64> {
    // One cell of slack: lookups add the offset from the cell centre to the point.
    f.ensure_m(speed_mps * cap_s + 100.0);
    // How fast the lateness can fall: the target closing at its speed, the boat's own clock, and
    // 10 % for the grid's lookups not being exactly 1-Lipschitz.
    let rate = 1.1 + m.v[0].hypot(m.v[1]) / speed_mps;
    let late = |t: f64| f.distance_m(m.at(t)).map(|d| d / speed_mps - t);
    let mut t_prev = 0.0;
    let mut t = 0.0;
    while t <= cap_s.min(m.t_end_s) {
        match late(t) {
            Some(l) if l <= FIELD_TOL_S => {
                if t == 0.0 {
                    return Some(0.0);
                }
                // The crossing lies in (t_prev, t]: bisect to the first on-time moment.
                let (mut lo, mut hi) = (t_prev, t);
                for _ in 0..12 {
                    let mid = 0.5 * (lo + hi);
                    if late(mid).is_some_and(|l| l <= FIELD_TOL_S) { hi = mid } else { lo = mid }
                }
                return Some(hi);
            }
            Some(l) => {
                t_prev = t;
                t += (l / rate).max(1.0);
            }
            // Not reached: another basin or deep in the shore margin, or (the field being grown
            // to `cap_s`) farther than the boat gets in time; it is at least `settled_m` away.
            None => {
                t_prev = t;
                let l = f.at_least_m(m.at(t)).map_or(0.0, |d| d / speed_mps - t);
                t += if l.is_finite() && l > 0.0 { (l / rate).max(10.0) } else { 10.0 };
            }
        }
    }
    None
}
