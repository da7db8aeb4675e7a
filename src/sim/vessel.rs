//! Vessels: what kind of craft, how it moves (turn-rate and acceleration limits), and the
//! program of actions (follow a route, loiter, hold, drift, zigzag, leave) a scenario gives it.

use rand::Rng;
use rand_pcg::Pcg64;

use crate::coast::WaterRouter;
use crate::geodesy::{MPS_PER_KNOT, angle_diff_deg};

/// The kind of craft: sets size (radar and IR signature), agility and AIS fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VesselClass {
    /// High-speed passenger ferry (Outer Harbour / Taipa ↔ Hong Kong, Shenzhen): 25–40 kn.
    Ferry,
    /// Cargo ship or tanker in the Pearl River approaches: slow to turn, big radar target.
    Cargo,
    /// Fishing boat: slow, loiters over its grounds.
    Fishing,
    /// Pleasure craft or yacht.
    Pleasure,
    /// Small fast open boat (smuggling, illegal crossing): low signature, 15–45 kn, hard turns.
    FastCraft,
}

impl VesselClass {
    /// The `class` value in truth.jsonl.
    pub fn as_str(self) -> &'static str {
        match self {
            VesselClass::Ferry => "ferry",
            VesselClass::Cargo => "cargo",
            VesselClass::Fishing => "fishing",
            VesselClass::Pleasure => "pleasure",
            VesselClass::FastCraft => "fast_craft",
        }
    }

    /// Hull length, metres (radar cross-section and IR size proxy; shadowing).
    pub fn length_m(self) -> f64 {
        match self {
            VesselClass::Ferry => 45.0,
            VesselClass::Cargo => 150.0,
            VesselClass::Fishing => 18.0,
            VesselClass::Pleasure => 12.0,
            VesselClass::FastCraft => 8.0,
        }
    }

    /// Motion limits.
    pub fn dynamics(self) -> Dynamics {
        match self {
            VesselClass::Ferry => Dynamics { max_turn_deg_s: 3.0, accel_mps2: 0.5, decel_mps2: 0.8 },
            VesselClass::Cargo => Dynamics { max_turn_deg_s: 0.6, accel_mps2: 0.05, decel_mps2: 0.08 },
            VesselClass::Fishing => Dynamics { max_turn_deg_s: 3.0, accel_mps2: 0.2, decel_mps2: 0.3 },
            VesselClass::Pleasure => Dynamics { max_turn_deg_s: 4.0, accel_mps2: 0.5, decel_mps2: 0.8 },
            VesselClass::FastCraft => Dynamics { max_turn_deg_s: 6.0, accel_mps2: 1.5, decel_mps2: 2.5 },
        }
    }
}

/// Turn-rate and acceleration limits of a hull.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dynamics {
    /// Largest rate of turn, degrees per second.
    pub max_turn_deg_s: f64,
    /// Largest speed increase, m/s².
    pub accel_mps2: f64,
    /// Largest speed decrease, m/s².
    pub decel_mps2: f64,
}

/// The labelled behaviour a vessel shows at a moment: truth.jsonl `behaviour` and the
/// episodes the anomaly evaluation scores against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Behaviour {
    /// Going somewhere lawfully.
    Transit,
    /// Fishing over its grounds (a legitimate loiter).
    Fishing,
    /// Hanging about without an evident purpose.
    Loitering,
    /// A smuggling or illegal-crossing run (dark, fast, to a hotspot).
    Smuggling,
    /// Meeting another craft at sea.
    Rendezvous,
    /// Engine failure: drifting with the current.
    Drifting,
    /// Hard manoeuvring (evasive zigzags).
    Manoeuvring,
    /// At anchor.
    Anchored,
    /// Transmitting a false AIS position or identity (an episode label, not a motion).
    AisSpoof,
}

impl Behaviour {
    /// The string used in truth.jsonl and episodes.jsonl.
    pub fn as_str(self) -> &'static str {
        match self {
            Behaviour::Transit => "transit",
            Behaviour::Fishing => "fishing",
            Behaviour::Loitering => "loitering",
            Behaviour::Smuggling => "smuggling",
            Behaviour::Rendezvous => "rendezvous",
            Behaviour::Drifting => "drifting",
            Behaviour::Manoeuvring => "manoeuvring",
            Behaviour::Anchored => "anchored",
            Behaviour::AisSpoof => "ais_spoof",
        }
    }
}

/// One thing a vessel does, in the coast's plane metres and simulation seconds.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Follow waypoints (from [`WaterRouter`]) at a cruise speed, slowing for sharp turns.
    Follow {
        /// Waypoints; the vessel heads for `path[next]`.
        path: Vec<[f64; 2]>,
        /// Cruise speed, m/s.
        speed_mps: f64,
    },
    /// Wander between random clear points within `radius_m` of `centre` until `until_s`.
    Loiter {
        /// Centre of the area.
        centre: [f64; 2],
        /// Radius, metres.
        radius_m: f64,
        /// Speed while loitering, m/s.
        speed_mps: f64,
        /// End time, s.
        until_s: f64,
    },
    /// Stay near `centre` creeping at `speed_mps` (a meeting, a landing, waiting) until `until_s`.
    Hold {
        /// Where to stay.
        centre: [f64; 2],
        /// Creep speed, m/s.
        speed_mps: f64,
        /// End time, s.
        until_s: f64,
    },
    /// Engine off: move with the current only, until `until_s`.
    Drift {
        /// Current set (direction it flows towards), degrees true.
        set_deg: f64,
        /// Current rate, m/s.
        rate_mps: f64,
        /// End time, s.
        until_s: f64,
    },
    /// Hard alternating turns around a base course, staying within `radius_m` of `centre`.
    Zigzag {
        /// Centre of the area.
        centre: [f64; 2],
        /// Radius, metres.
        radius_m: f64,
        /// Speed, m/s.
        speed_mps: f64,
        /// Seconds between turn reversals.
        period_s: f64,
        /// End time, s.
        until_s: f64,
    },
    /// Stopped (at anchor) until `until_s`.
    Anchor {
        /// End time, s.
        until_s: f64,
    },
    /// Steer `heading_deg` at `speed_mps` until leaving the coast's bounding box, then vanish.
    Exit {
        /// Heading, degrees true.
        heading_deg: f64,
        /// Speed, m/s.
        speed_mps: f64,
    },
}

/// An action with its label; `zone` and `partner` go into the episode record.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What to do.
    pub action: Action,
    /// How the vessel is labelled meanwhile.
    pub behaviour: Behaviour,
    /// Hotspot or area id the behaviour concerns.
    pub zone: Option<String>,
    /// The other vessel of a rendezvous.
    pub partner: Option<String>,
}

impl Step {
    /// A step without zone or partner.
    pub fn new(action: Action, behaviour: Behaviour) -> Self {
        Step { action, behaviour, zone: None, partner: None }
    }

    /// The same step concerning a zone.
    pub fn in_zone(mut self, zone: &str) -> Self {
        self.zone = Some(zone.to_owned());
        self
    }

    /// The same step with a partner vessel.
    pub fn with_partner(mut self, id: &str) -> Self {
        self.partner = Some(id.to_owned());
        self
    }
}

/// Where a vessel is and how it moves, in the coast's plane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kinematics {
    /// Position, plane metres.
    pub xy: [f64; 2],
    /// Heading (bow direction), degrees true.
    pub heading_deg: f64,
    /// Speed through the water, m/s.
    pub speed_mps: f64,
    /// Velocity over ground, m/s east/north (includes drift).
    pub vel: [f64; 2],
    /// Rate of turn over the last step, degrees per second.
    pub turn_deg_s: f64,
}

impl Kinematics {
    /// Speed over ground, knots.
    pub fn sog_kn(&self) -> f64 {
        self.vel[0].hypot(self.vel[1]) / MPS_PER_KNOT
    }

    /// Course over ground, degrees true in `[0, 360)` (the heading when stopped).
    pub fn cog_deg(&self) -> f64 {
        if self.vel[0].hypot(self.vel[1]) < 1e-3 {
            self.heading_deg.rem_euclid(360.0)
        } else {
            self.vel[0].atan2(self.vel[1]).to_degrees().rem_euclid(360.0)
        }
    }
}

/// How far inside a corner the turning arc may cut, metres; speed drops so that it holds.
const MAX_CORNER_CUT_M: f64 = 15.0;
/// Loiter corners keep this far from the shore, metres: turning there can never touch land.
const LOITER_CLEARANCE_M: f64 = 200.0;
/// Longest distance before a waypoint at which the vessel turns for the next one, metres.
const MAX_LEAD_M: f64 = 30.0;
/// Radius of a sharp (> 30°) turn outside a route, metres: the hull slows to make it.
const SHARP_TURN_RADIUS_M: f64 = 40.0;

/// Moves a vessel one step through its program. Returns the index of the step now running,
/// `None` when the program has finished or the vessel has left the area.
///
/// `guard` is incremented (and the move refused) if a move would put the hull on land: a bug
/// guard that the scenario tests require to stay at zero.
#[allow(clippy::too_many_arguments)]
pub(crate) fn advance(
    k: &mut Kinematics,
    program: &mut [Step],
    step_i: &mut usize,
    aux: &mut MotionAux,
    dyn_: Dynamics,
    t_s: f64,
    dt_s: f64,
    router: &WaterRouter,
    rng: &mut Pcg64,
    guard: &mut u64,
) -> bool {
    // Finish timed actions and move on.
    loop {
        let Some(step) = program.get_mut(*step_i) else { return false };
        let done = match &mut step.action {
            Action::Follow { path, .. } => aux.next_wp >= path.len(),
            Action::Loiter { until_s, .. }
            | Action::Hold { until_s, .. }
            | Action::Drift { until_s, .. }
            | Action::Zigzag { until_s, .. }
            | Action::Anchor { until_s } => t_s >= *until_s,
            Action::Exit { .. } => false,
        };
        if !done {
            break;
        }
        *step_i += 1;
        *aux = MotionAux::default();
    }
    let Some(step) = program.get(*step_i) else { return false };
    let plane_out = {
        let (lo, hi) = router.coast().bbox();
        let (a, b) = (router.coast().plane().to_xy(lo), router.coast().plane().to_xy(hi));
        k.xy[0] < a[0] || k.xy[1] < a[1] || k.xy[0] > b[0] || k.xy[1] > b[1]
    };
    if matches!(step.action, Action::Exit { .. }) && plane_out {
        return false;
    }
    let mut drift = [0.0, 0.0];
    let (want_heading, want_speed) = match &step.action {
        Action::Follow { path, speed_mps } => follow(k, path, &mut aux.next_wp, *speed_mps, dyn_, program.get(*step_i + 1)),
        Action::Loiter { centre, radius_m, speed_mps, .. } => {
            // Loiter as a route that is extended one random leg at a time: the vessel always
            // knows its next corner, so it turns as on a route (cutting at most 15 m inside).
            if aux.loiter.is_empty() && !router.is_clear_xy(k.xy) {
                // Pushed into the shore margin (a tight turn, a start on a pier): first back out
                // to the nearest clear water.
                let p1 = router.nearest_clear_xy(k.xy, 1_000.0).unwrap_or(*centre);
                let p2 = loiter_point(p1, bearing(k.xy, p1), *centre, *radius_m, router, rng);
                aux.loiter = vec![p1, p2];
                aux.next_wp = 0;
            }
            if aux.loiter.is_empty() {
                let p1 = loiter_point(k.xy, k.heading_deg, *centre, *radius_m, router, rng);
                let p2 = loiter_point(p1, bearing(k.xy, p1), *centre, *radius_m, router, rng);
                aux.loiter = vec![p1, p2];
                aux.next_wp = 0;
            }
            if aux.next_wp >= 1 {
                let (p1, p2) = (aux.loiter[0], aux.loiter[1]);
                let p3 = loiter_point(p2, bearing(p1, p2), *centre, *radius_m, router, rng);
                aux.loiter = vec![p2, p3];
                aux.next_wp = 0;
            }
            let loiter = std::mem::take(&mut aux.loiter);
            let r = follow(k, &loiter, &mut aux.next_wp, *speed_mps, dyn_, None);
            aux.loiter = loiter;
            r
        }
        Action::Hold { centre, speed_mps, .. } => {
            let d = dist(k.xy, *centre);
            if d > 60.0 {
                (bearing(k.xy, *centre), (*speed_mps * 3.0).min(d / 10.0).max(*speed_mps))
            } else {
                // Creep in a slow circle round the spot.
                (k.heading_deg + 2.0 * dt_s, *speed_mps)
            }
        }
        Action::Drift { set_deg, rate_mps, .. } => {
            drift = [rate_mps * set_deg.to_radians().sin(), rate_mps * set_deg.to_radians().cos()];
            (k.heading_deg, 0.0)
        }
        Action::Zigzag { centre, radius_m, speed_mps, period_s, .. } => {
            let phase = ((t_s / period_s).floor() as i64).rem_euclid(2);
            if aux.base_deg.is_none() {
                aux.base_deg = Some(k.heading_deg);
            }
            let mut base = aux.base_deg.unwrap_or(k.heading_deg);
            let ahead = [k.xy[0] + 150.0 * base.to_radians().sin(), k.xy[1] + 150.0 * base.to_radians().cos()];
            if dist(k.xy, *centre) > *radius_m || !router.is_clear_xy(ahead) {
                base = bearing(k.xy, *centre);
                aux.base_deg = Some(base);
            }
            (base + if phase == 0 { 55.0 } else { -55.0 }, *speed_mps)
        }
        Action::Anchor { .. } => (k.heading_deg, 0.0),
        Action::Exit { heading_deg, speed_mps } => (*heading_deg, *speed_mps),
    };
    // A sharp turn is made slowly (tight circle), except in the open-water zigzag, where the
    // hard turn at speed is the point and in a drift, where there is no way on.
    let mut want_speed = want_speed;
    if !matches!(step.action, Action::Zigzag { .. } | Action::Drift { .. } | Action::Exit { .. })
        && angle_diff_deg(want_heading, k.heading_deg).abs() > 30.0
    {
        want_speed = want_speed.min((dyn_.max_turn_deg_s.to_radians() * SHARP_TURN_RADIUS_M).max(1.0));
    }
    // Turn and speed limits.
    let max_turn = dyn_.max_turn_deg_s * dt_s;
    let turn = angle_diff_deg(want_heading, k.heading_deg).clamp(-max_turn, max_turn);
    let new_heading = (k.heading_deg + turn).rem_euclid(360.0);
    let dv = (want_speed - k.speed_mps).clamp(-dyn_.decel_mps2 * dt_s, dyn_.accel_mps2 * dt_s);
    let new_speed = (k.speed_mps + dv).max(0.0);
    let h = new_heading.to_radians();
    let vel = [new_speed * h.sin() + drift[0], new_speed * h.cos() + drift[1]];
    let next = [k.xy[0] + vel[0] * dt_s, k.xy[1] + vel[1] * dt_s];
    k.turn_deg_s = turn / dt_s;
    k.heading_deg = new_heading;
    if router.coast().is_land_xy(next) {
        *guard += 1;
        let p = router.coast().plane().to_latlon(next);
        tracing::debug!(lat = p.lat_deg, lon = p.lon_deg, t_s, heading = k.heading_deg, speed = new_speed, action = ?std::mem::discriminant(&step.action), "refused a move onto land");
        k.speed_mps = 0.0;
        k.vel = [0.0, 0.0];
        // Back out the way it came (that is water) before anything else.
        k.heading_deg = (k.heading_deg + 180.0).rem_euclid(360.0);
        // Re-plan a loiter from where the hull now is (its legs are checked from here).
        aux.loiter.clear();
    } else {
        k.speed_mps = new_speed;
        k.vel = vel;
        k.xy = next;
    }
    true
}

/// Per-action scratch state.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct MotionAux {
    next_wp: usize,
    loiter: Vec<[f64; 2]>,
    base_deg: Option<f64>,
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (b[0] - a[0]).hypot(b[1] - a[1])
}

fn bearing(a: [f64; 2], b: [f64; 2]) -> f64 {
    (b[0] - a[0]).atan2(b[1] - a[1]).to_degrees().rem_euclid(360.0)
}

/// Pure pursuit of the next waypoint with turn anticipation: the vessel switches to the
/// following waypoint one turning-lead before the corner, so its arc is tangent to both legs,
/// and slows beforehand so that the arc cuts at most [`MAX_CORNER_CUT_M`] inside the corner.
fn follow(k: &Kinematics, path: &[[f64; 2]], next: &mut usize, cruise: f64, d: Dynamics, after: Option<&Step>) -> (f64, f64) {
    let omega = d.max_turn_deg_s.to_radians();
    loop {
        let Some(&wp) = path.get(*next) else { return (k.heading_deg, cruise) };
        let dist_wp = dist(k.xy, wp);
        // Turn at this waypoint, and the highest speed that keeps the arc's cut small.
        let (theta, corner_v) = match path.get(*next + 1) {
            Some(&after_wp) => {
                let th = angle_diff_deg(bearing(wp, after_wp), bearing(k.xy, wp)).abs().to_radians();
                let cut_per_r = 1.0 / (th / 2.0).cos().max(0.05) - 1.0;
                let r_max = if cut_per_r > 1e-9 { MAX_CORNER_CUT_M / cut_per_r } else { f64::INFINITY };
                (th, (omega * r_max).min(cruise).max(0.5))
            }
            None => {
                // Last waypoint: keep going into an exit or another route, else arrive slowly.
                let keep = matches!(after.map(|s| &s.action), Some(Action::Exit { .. } | Action::Follow { .. }));
                (0.0, if keep { cruise } else { cruise.min(3.0) })
            }
        };
        let r = k.speed_mps.max(0.5) / omega;
        // Switching early means steering straight for the next waypoint from off the route:
        // keep that chord within a few tens of metres of the corner.
        let lead = (r * (theta / 2.0).tan()).min(MAX_LEAD_M);
        let arrive = lead.max((k.speed_mps * 1.5).min(MAX_LEAD_M)).max(8.0);
        if dist_wp <= arrive {
            *next += 1;
            continue;
        }
        let brake = (corner_v * corner_v + 2.0 * d.decel_mps2 * (dist_wp - lead).max(0.0)).sqrt();
        return (bearing(k.xy, wp), cruise.min(brake));
    }
}

/// The next loiter corner after `from` (reached on `heading_deg`): a random clear point within
/// `radius` of `centre`, preferably within 60° of straight on, whose leg from `from` is clear.
fn loiter_point(from: [f64; 2], heading_deg: f64, centre: [f64; 2], radius: f64, router: &WaterRouter, rng: &mut Pcg64) -> [f64; 2] {
    for i in 0..80 {
        let a = rng.random::<f64>() * std::f64::consts::TAU;
        let r = radius * rng.random::<f64>().sqrt();
        let p = [centre[0] + r * a.sin(), centre[1] + r * a.cos()];
        if i < 50 && angle_diff_deg(bearing(from, p), heading_deg).abs() > 60.0 {
            continue;
        }
        if dist(from, p) > 150.0
            && router.is_clear_xy(p)
            && !router.coast().shore_within_xy(p, LOITER_CLEARANCE_M)
            && router.is_leg_clear_xy(from, p)
        {
            return p;
        }
    }
    // Nowhere clear in a straight line: back to the centre if that is clear, else stay.
    if router.is_leg_clear_xy(from, centre) { centre } else { from }
}

/// Knots to m/s, for scenario tables written in knots.
pub fn kn(v: f64) -> f64 {
    v * MPS_PER_KNOT
}
