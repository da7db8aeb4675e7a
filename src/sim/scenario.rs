//! Named scenarios: who sails where, when, with which AIS fit, on the real Macau coast.
//!
//! Every scenario has a default seed, duration and UTC start (day scenarios at 10:00–14:00
//! local, night ones at 01:00–04:00 local, Macau being UTC+8). The seed drives all random
//! choices here (loiter areas, spawn jitter, speeds) and, through [`super::run`], every sensor.

use rand::Rng;
use rand_pcg::Pcg64;

use super::SimError;
use super::World;
use super::ais::{AisClass, AisFit, Spoof};
use super::run::stream;
use super::vessel::{Action, Behaviour, Step, VesselClass, kn};
use crate::geodesy::LatLon;

/// A named, reproducible traffic situation.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Name (`seawarden sim --scenario NAME`).
    pub name: &'static str,
    /// One line on what it is for.
    pub description: &'static str,
    /// Seed of every random stream.
    pub seed: u64,
    /// Length, seconds.
    pub duration_s: f64,
    /// Start, seconds since the Unix epoch (UTC).
    pub start_epoch_s: f64,
    /// AIS reports lost to slot collisions and fading.
    pub ais_drop_p: f64,
    /// Multiplier on the radars' sea-clutter rate.
    pub clutter_scale: f64,
}

/// All scenario names, in the order `--list` shows them.
pub const NAMES: [&str; 11] = [
    "quiet-day",
    "busy-harbour",
    "night-smuggling",
    "rendezvous",
    "drifting-boat",
    "crossing",
    "manoeuvring",
    "stress-2000",
    "smuggling-wave",
    "dusk-harbour",
    "macau-night",
];

impl Scenario {
    /// The scenario called `name`, with its defaults.
    pub fn by_name(name: &str) -> Option<Scenario> {
        let s = |name, description, seed, minutes: f64, start_epoch_s: f64| Scenario {
            name,
            description,
            seed,
            duration_s: minutes * 60.0,
            start_epoch_s,
            ais_drop_p: 0.03,
            clutter_scale: 1.0,
        };
        Some(match name {
            // 2026-03-10T02:00:00Z = 10:00 local.
            "quiet-day" => s("quiet-day", "a quiet weekday morning: a few ferries, cargo ships, fishing and pleasure boats", 1, 15.0, 1_773_108_000.0),
            // 2026-03-14T06:00:00Z = 14:00 local, a Saturday.
            "busy-harbour" => Scenario {
                ais_drop_p: 0.05,
                ..s("busy-harbour", "Saturday afternoon: dense ferry traffic, cargo, fishing fleet, pleasure craft, two AIS spoofers", 2, 20.0, 1_773_468_000.0)
            },
            // 2026-03-11T18:00:00Z = 02:00 local.
            "night-smuggling" => s("night-smuggling", "night smuggling runs from Hengqin, Zhuhai and the open sea to Macau hotspots, AIS off", 3, 20.0, 1_773_252_000.0),
            // 2026-03-12T19:00:00Z = 03:00 local.
            "rendezvous" => s("rendezvous", "a fast craft meets a fishing boat at sea for minutes, then runs for the Coloane shore", 4, 15.0, 1_773_342_000.0),
            // 2026-03-10T04:00:00Z = 12:00 local.
            "drifting-boat" => s("drifting-boat", "a fishing boat loses its engine and drifts with the ebb", 5, 20.0, 1_773_115_200.0),
            // 2026-03-10T03:00:00Z = 11:00 local.
            "crossing" => s("crossing", "pairs of vessels crossing, meeting and overtaking at close range (association tests)", 6, 10.0, 1_773_111_600.0),
            // 2026-03-11T19:30:00Z = 03:30 local.
            "manoeuvring" => s("manoeuvring", "small fast craft making hard evasive turns (up to 6°/s)", 7, 10.0, 1_773_257_400.0),
            // 2026-03-14T07:00:00Z = 15:00 local.
            "stress-2000" => Scenario {
                ais_drop_p: 0.08,
                ..s("stress-2000", "about 2 000 vessels spread over the waters and approaches (throughput)", 8, 3.0, 1_773_471_600.0)
            },
            // 2026-03-13T18:30:00Z = 02:30 local.
            "smuggling-wave" => s("smuggling-wave", "ten night runs to ten hotspots among dark fishing boats, ferries and cargo (anomaly evaluation)", 9, 25.0, 1_773_426_600.0),
            // 2026-03-10T10:05:00Z = 18:05 local, sunset about 18:25: benign look-alikes only.
            "dusk-harbour" => s("dusk-harbour", "benign look-alikes at dusk: pleasure craft heading home, fast ferries near shore, fishing boats loitering", 10, 30.0, 1_773_137_100.0),
            // 2026-03-12T18:30:00Z = 02:30 local.
            "macau-night" => s("macau-night", "the demo night: ferries, cargo, fishing, two smuggling runs to Coloane, a rendezvous at sea, a boat adrift", 11, 10.0, 1_773_340_200.0),
            _ => return None,
        })
    }

    /// All scenarios with their defaults.
    pub fn all() -> Vec<Scenario> {
        NAMES.iter().filter_map(|n| Scenario::by_name(n)).collect()
    }

    /// The vessels and their programs.
    ///
    /// # Errors
    /// [`SimError::Coast`] if a route cannot be found (a broken coast or a bad place name).
    pub fn build(&self, world: &World) -> Result<Vec<VesselPlan>, SimError> {
        let mut b = Builder { w: world, rng: stream(self.seed, 17), plans: Vec::new(), mmsi_serial: 0 };
        match self.name {
            "quiet-day" => quiet_day(&mut b)?,
            "busy-harbour" => busy_harbour(&mut b)?,
            "night-smuggling" => night_smuggling(&mut b)?,
            "rendezvous" => rendezvous(&mut b)?,
            "drifting-boat" => drifting_boat(&mut b)?,
            "crossing" => crossing(&mut b)?,
            "manoeuvring" => manoeuvring(&mut b)?,
            "stress-2000" => stress(&mut b, 2_000)?,
            "smuggling-wave" => smuggling_wave(&mut b)?,
            "dusk-harbour" => dusk_harbour(&mut b)?,
            "macau-night" => macau_night(&mut b)?,
            other => return Err(SimError::UnknownScenario(other.to_owned())),
        }
        Ok(b.plans)
    }
}

/// One vessel as a scenario sets it up.
#[derive(Debug, Clone, PartialEq)]
pub struct VesselPlan {
    /// Kind of craft.
    pub class: VesselClass,
    /// When it appears, seconds after the start.
    pub spawn_s: f64,
    /// Where it appears.
    pub start: LatLon,
    /// Initial heading, degrees true.
    pub heading_deg: f64,
    /// Initial speed, m/s.
    pub speed_mps: f64,
    /// What it does, in order.
    pub program: Vec<Step>,
    /// Its transponder, if any (smugglers have none).
    pub ais: Option<AisFit>,
}

// Places, WGS-84. Each is snapped to the nearest usable water cell, so they may sit on a pier.
const OUTER_HARBOUR: LatLon = LatLon::new(22.1935, 113.5630);
const TAIPA_FERRY: LatLon = LatLon::new(22.1640, 113.5790);
const HK_GATE: LatLon = LatLon::new(22.215, 113.692);
const SHENZHEN_GATE: LatLon = LatLon::new(22.280, 113.690);
const EAST_LANE: LatLon = LatLon::new(22.190, 113.640);
const CARGO_SOUTH: LatLon = LatLon::new(22.058, 113.640);
const CARGO_NORTH_EAST: LatLon = LatLon::new(22.270, 113.692);
const CARGO_EAST: LatLon = LatLon::new(22.130, 113.692);
const ANCHORAGE: LatLon = LatLon::new(22.075, 113.665);
const FISHING_GROUNDS: [LatLon; 5] = [
    LatLon::new(22.078, 113.575),
    LatLon::new(22.088, 113.628),
    LatLon::new(22.062, 113.545),
    LatLon::new(22.115, 113.665),
    LatLon::new(22.060, 113.605),
];
const COLOANE_SOUTH: LatLon = LatLon::new(22.098, 113.580);
const HAC_SA_OFFSHORE: LatLon = LatLon::new(22.108, 113.600);
const HENGQIN_SOUTH: LatLon = LatLon::new(22.078, 113.535);
const HENGQIN_CHANNEL: LatLon = LatLon::new(22.140, 113.5435);
const WANZAI: LatLon = LatLon::new(22.192, 113.5300);
const GONGBEI_SHORE: LatLon = LatLon::new(22.222, 113.5700);
const SEA_SOUTH_EAST: LatLon = LatLon::new(22.058, 113.680);
const SEA_EAST: LatLon = LatLon::new(22.165, 113.692);
const OPEN_EAST: LatLon = LatLon::new(22.105, 113.635);

struct Builder<'w> {
    w: &'w World,
    rng: Pcg64,
    plans: Vec<VesselPlan>,
    mmsi_serial: u32,
}

impl Builder<'_> {
    fn snap(&self, p: LatLon) -> Result<LatLon, SimError> {
        self.w
            .router
            .nearest_clear(p, 1_500.0)
            .ok_or(SimError::Coast(crate::coast::CoastError::NoWaterNear { lat: p.lat_deg, lon: p.lon_deg }))
    }

    fn xy(&self, p: LatLon) -> [f64; 2] {
        self.w.router.coast().plane().to_xy(p)
    }

    fn route(&self, a: LatLon, b: LatLon) -> Result<Vec<[f64; 2]>, SimError> {
        let (a, b) = (self.snap(a)?, self.snap(b)?);
        Ok(self.w.router.route_xy(self.xy(a), self.xy(b))?)
    }

    fn hotspot(&self, id: &str) -> Result<LatLon, SimError> {
        let h = self.w.hotspot(id).ok_or_else(|| SimError::UnknownPlace(id.to_owned()))?;
        self.snap(h.centre)
    }

    /// A point within `r_m` of `p` that is clear water, or `p` itself.
    fn near(&mut self, p: LatLon, r_m: f64) -> Result<LatLon, SimError> {
        let p = self.snap(p)?;
        let xy = self.xy(p);
        for _ in 0..50 {
            let a = self.rng.random::<f64>() * std::f64::consts::TAU;
            let r = r_m * self.rng.random::<f64>().sqrt();
            let q = [xy[0] + r * a.sin(), xy[1] + r * a.cos()];
            if self.w.router.is_clear_xy(q) {
                return Ok(self.w.router.coast().plane().to_latlon(q));
            }
        }
        Ok(p)
    }

    fn fit(&mut self, class: AisClass, mid: u32, name: &str, shiptype: u8) -> AisFit {
        self.mmsi_serial += 1;
        let mmsi = mid * 1_000_000 + 100_000 + self.mmsi_serial * 7 + self.rng.random_range(0..7);
        AisFit { class, mmsi, name: name.to_owned(), shiptype, spoof: None }
    }

    /// Add a vessel; its start is the first point of its first action, its initial heading
    /// points along it.
    fn add(&mut self, class: VesselClass, spawn_s: f64, start: [f64; 2], speed_mps: f64, program: Vec<Step>, ais: Option<AisFit>) -> usize {
        let heading_deg = match program.first().map(|s| &s.action) {
            Some(Action::Follow { path, .. }) => path.iter().find(|p| **p != start).map_or(0.0, |p| bearing(start, *p)),
            Some(Action::Exit { heading_deg, .. }) => *heading_deg,
            _ => self.rng.random::<f64>() * 360.0,
        };
        // A loiterer's first leg is picked once it is under way; start it slow so that the turn
        // onto that leg is tight.
        let speed_mps = if matches!(program.first().map(|s| &s.action), Some(Action::Loiter { .. })) { speed_mps.min(1.0) } else { speed_mps };
        let start = self.w.router.coast().plane().to_latlon(start);
        self.plans.push(VesselPlan { class, spawn_s, start, heading_deg, speed_mps, program, ais });
        self.plans.len() - 1
    }

    fn follow(&self, path: Vec<[f64; 2]>, speed_kn: f64, b: Behaviour) -> Step {
        Step::new(Action::Follow { path, speed_mps: kn(speed_kn) }, b)
    }

    /// A ferry from `from` to `to`; `exit_deg` sends it on out of the area afterwards, else it
    /// berths (anchors) at the end.
    fn ferry(&mut self, spawn_s: f64, from: LatLon, to: LatLon, exit_deg: Option<f64>, name: &str) -> Result<usize, SimError> {
        let speed = self.rng.random_range(28.0..38.0);
        let path = self.route(from, to)?;
        let start = path[0];
        let mut program = vec![self.follow(path, speed, Behaviour::Transit)];
        match exit_deg {
            Some(h) => program.push(Step::new(Action::Exit { heading_deg: h, speed_mps: kn(speed) }, Behaviour::Transit)),
            None => program.push(Step::new(Action::Anchor { until_s: f64::INFINITY }, Behaviour::Transit)),
        }
        let fit = self.fit(AisClass::A, 453, name, 60);
        let v0 = if exit_deg.is_some() { kn(8.0) } else { kn(speed) };
        Ok(self.add(VesselClass::Ferry, spawn_s, start, v0, program, Some(fit)))
    }

    fn cargo(&mut self, spawn_s: f64, from: LatLon, to: LatLon, exit_deg: f64, name: &str) -> Result<usize, SimError> {
        let speed = self.rng.random_range(9.0..14.0);
        let path = self.route(from, to)?;
        let start = path[0];
        let program =
            vec![self.follow(path, speed, Behaviour::Transit), Step::new(Action::Exit { heading_deg: exit_deg, speed_mps: kn(speed) }, Behaviour::Transit)];
        let fit = self.fit(AisClass::A, 477, name, 70);
        Ok(self.add(VesselClass::Cargo, spawn_s, start, kn(speed), program, Some(fit)))
    }

    fn anchored(&mut self, at: LatLon, name: &str) -> Result<usize, SimError> {
        let p = self.near(at, 800.0)?;
        let program = vec![Step::new(Action::Anchor { until_s: f64::INFINITY }, Behaviour::Anchored)];
        let fit = self.fit(AisClass::A, 477, name, 70);
        let xy = self.xy(p);
        Ok(self.add(VesselClass::Cargo, 0.0, xy, 0.0, program, Some(fit)))
    }

    fn fishing(&mut self, ground: LatLon, ais: Option<AisClass>, name: &str) -> Result<usize, SimError> {
        let p = self.near(ground, 1_000.0)?;
        let speed = self.rng.random_range(1.5..4.0);
        let program = vec![Step::new(
            Action::Loiter { centre: self.xy(p), radius_m: 900.0, speed_mps: kn(speed), until_s: f64::INFINITY },
            Behaviour::Fishing,
        )];
        let fit = ais.map(|c| self.fit(c, 412, name, 30));
        let xy = self.xy(p);
        Ok(self.add(VesselClass::Fishing, 0.0, xy, kn(speed), program, fit))
    }

    fn pleasure(&mut self, spawn_s: f64, from: LatLon, to: LatLon, ais: Option<AisClass>, name: &str) -> Result<usize, SimError> {
        let speed = self.rng.random_range(8.0..18.0);
        let path = self.route(from, to)?;
        let start = path[0];
        let program = vec![
            self.follow(path, speed, Behaviour::Transit),
            Step::new(Action::Loiter { centre: self.xy(self.snap(to)?), radius_m: 600.0, speed_mps: kn(4.0), until_s: f64::INFINITY }, Behaviour::Transit),
        ];
        let fit = ais.map(|c| self.fit(c, 453, name, 37));
        Ok(self.add(VesselClass::Pleasure, spawn_s, start, kn(speed), program, fit))
    }

    /// A dark fast craft: from `origin` to `hotspot`, lands for a while, then runs back.
    fn smuggler(&mut self, spawn_s: f64, origin: LatLon, hotspot: &str) -> Result<usize, SimError> {
        let speed = self.rng.random_range(28.0..42.0);
        let target = self.hotspot(hotspot)?;
        let out = self.route(origin, target)?;
        let back = self.route(target, origin)?;
        let start = out[0];
        let land_s = self.rng.random_range(60.0..150.0);
        let program = vec![
            self.follow(out, speed, Behaviour::Smuggling).in_zone(hotspot),
            Step::new(Action::Hold { centre: self.xy(target), speed_mps: kn(1.0), until_s: 0.0 }, Behaviour::Smuggling).in_zone(hotspot),
            self.follow(back, speed, Behaviour::Smuggling).in_zone(hotspot),
        ];
        let i = self.add(VesselClass::FastCraft, spawn_s, start, kn(15.0), program, None);
        // The landing lasts `land_s` from the planned arrival: fix its end once the run length
        // is known (distance / speed plus a margin for turns and acceleration).
        let len: f64 = match &self.plans[i].program[0].action {
            Action::Follow { path, .. } => path.windows(2).map(|w| dist(w[0], w[1])).sum(),
            _ => 0.0,
        };
        if let Action::Hold { until_s, .. } = &mut self.plans[i].program[1].action {
            *until_s = spawn_s + len / kn(speed) * 1.15 + 20.0 + land_s;
        }
        Ok(i)
    }
}

fn bearing(a: [f64; 2], b: [f64; 2]) -> f64 {
    (b[0] - a[0]).atan2(b[1] - a[1]).to_degrees().rem_euclid(360.0)
}

/// The last `len_m` metres of a path (the whole path if it is shorter), for a vessel that is
/// already part-way along it when the scenario starts.
fn last_stretch(path: &[[f64; 2]], len_m: f64) -> Vec<[f64; 2]> {
    let mut left = len_m;
    for i in (1..path.len()).rev() {
        let (a, b) = (path[i - 1], path[i]);
        let d = dist(a, b);
        if d >= left {
            let f = if d > 0.0 { left / d } else { 0.0 };
            let start = [b[0] + (a[0] - b[0]) * f, b[1] + (a[1] - b[1]) * f];
            let mut out = vec![start];
            out.extend_from_slice(&path[i..]);
            return out;
        }
        left -= d;
    }
    path.to_vec()
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (b[0] - a[0]).hypot(b[1] - a[1])
}

fn quiet_day(b: &mut Builder) -> Result<(), SimError> {
    b.ferry(0.0, OUTER_HARBOUR, HK_GATE, Some(80.0), "TURBOJET CAPRICORN")?;
    b.ferry(30.0, HK_GATE, OUTER_HARBOUR, None, "COTAI WATER JET 1")?;
    b.ferry(240.0, TAIPA_FERRY, SHENZHEN_GATE, Some(30.0), "SHUN SHUI")?;
    b.ferry(420.0, EAST_LANE, TAIPA_FERRY, None, "COTAI STRIP 3")?;
    b.cargo(0.0, CARGO_SOUTH, CARGO_NORTH_EAST, 20.0, "OCEAN PEARL")?;
    b.cargo(120.0, CARGO_EAST, CARGO_SOUTH, 185.0, "HAI XING 8")?;
    b.anchored(ANCHORAGE, "EVER PROSPER")?;
    b.fishing(FISHING_GROUNDS[0], Some(AisClass::A), "YUE XIANG YU 1")?;
    b.fishing(FISHING_GROUNDS[1], Some(AisClass::B), "AO YU 23")?;
    b.fishing(FISHING_GROUNDS[2], Some(AisClass::B), "AO YU 31")?;
    b.fishing(FISHING_GROUNDS[3], None, "")?;
    b.pleasure(60.0, HAC_SA_OFFSHORE, COLOANE_SOUTH, Some(AisClass::B), "SEA BREEZE")?;
    b.pleasure(200.0, OPEN_EAST, HAC_SA_OFFSHORE, None, "")?;
    Ok(())
}

fn busy_harbour(b: &mut Builder) -> Result<(), SimError> {
    let names = ["TURBOJET", "COTAI JET", "FIRST FERRY", "SHUN TAK", "NEW WORLD", "SUPERSTAR"];
    for k in 0..6 {
        let t = k as f64 * 180.0 + b.rng.random_range(0.0..40.0);
        let (to, h) = if k % 3 == 2 { (SHENZHEN_GATE, 30.0) } else { (HK_GATE, 80.0) };
        let from = if k % 2 == 0 { OUTER_HARBOUR } else { TAIPA_FERRY };
        b.ferry(t, from, to, Some(h), &format!("{} {}", names[k], k + 1))?;
        let t2 = k as f64 * 180.0 + 90.0 + b.rng.random_range(0.0..40.0);
        b.ferry(t2, if k % 3 == 2 { SHENZHEN_GATE } else { HK_GATE }, if k % 2 == 0 { TAIPA_FERRY } else { OUTER_HARBOUR }, None, &format!("{} {}", names[5 - k], k + 11))?;
    }
    for k in 0..6 {
        let t = k as f64 * 200.0;
        if k % 2 == 0 {
            b.cargo(t, CARGO_SOUTH, CARGO_NORTH_EAST, 20.0, &format!("COSCO {k}"))?;
        } else {
            b.cargo(t, CARGO_EAST, CARGO_SOUTH, 185.0, &format!("HAI XING {k}"))?;
        }
    }
    b.anchored(ANCHORAGE, "EVER PROSPER")?;
    b.anchored(ANCHORAGE, "GLORY STAR")?;
    let mut fishing = Vec::new();
    for k in 0..12 {
        let ais = [Some(AisClass::A), Some(AisClass::B), Some(AisClass::B), None][k % 4];
        fishing.push(b.fishing(FISHING_GROUNDS[k % FISHING_GROUNDS.len()], ais, &format!("AO YU {}", 40 + k))?);
    }
    let pleasure_routes = [(HAC_SA_OFFSHORE, COLOANE_SOUTH), (OPEN_EAST, HAC_SA_OFFSHORE), (COLOANE_SOUTH, OPEN_EAST), (EAST_LANE, OPEN_EAST), (OUTER_HARBOUR, EAST_LANE)];
    let mut pleasure = Vec::new();
    for k in 0..10 {
        let (a, z) = pleasure_routes[k % pleasure_routes.len()];
        let ais = if k % 3 == 0 { None } else { Some(AisClass::B) };
        pleasure.push(b.pleasure(k as f64 * 60.0, a, z, ais, &format!("YACHT {}", k + 1))?);
    }
    // Two liars: a fishing boat reporting itself 1.5 km away, a pleasure boat using a ferry's MMSI.
    if let Some(f) = b.plans[fishing[1]].ais.as_mut() {
        f.spoof = Some(Spoof::Offset { east_m: 1_200.0, north_m: -900.0 });
    }
    let ferry_mmsi = b.plans[0].ais.as_ref().map_or(453_000_000, |f| f.mmsi);
    if let Some(f) = b.plans[pleasure[1]].ais.as_mut() {
        f.spoof = Some(Spoof::Mmsi(ferry_mmsi));
    }
    Ok(())
}

fn night_smuggling(b: &mut Builder) -> Result<(), SimError> {
    b.smuggler(30.0, HENGQIN_SOUTH, "cheoc-van")?;
    b.smuggler(90.0, SEA_SOUTH_EAST, "hac-sa-long-chao-kok")?;
    b.smuggler(150.0, HENGQIN_CHANNEL, "coloane-village-west")?;
    b.smuggler(240.0, WANZAI, "inner-harbour-wanzai")?;
    b.smuggler(300.0, SEA_EAST, "airport-east-perimeter")?;
    b.smuggler(420.0, GONGBEI_SHORE, "areia-preta-gongbei")?;
    b.smuggler(540.0, HENGQIN_SOUTH, "ka-ho")?;
    b.cargo(0.0, CARGO_SOUTH, CARGO_NORTH_EAST, 20.0, "OCEAN PEARL")?;
    b.cargo(300.0, CARGO_EAST, CARGO_SOUTH, 185.0, "HAI XING 8")?;
    b.anchored(ANCHORAGE, "EVER PROSPER")?;
    b.fishing(FISHING_GROUNDS[0], Some(AisClass::A), "YUE XIANG YU 1")?;
    b.fishing(FISHING_GROUNDS[1], Some(AisClass::B), "AO YU 23")?;
    b.fishing(FISHING_GROUNDS[3], None, "")?;
    b.fishing(FISHING_GROUNDS[4], Some(AisClass::B), "AO YU 7")?;
    b.ferry(200.0, OUTER_HARBOUR, HK_GATE, Some(80.0), "TURBOJET NIGHT")?;
    Ok(())
}

fn rendezvous(b: &mut Builder) -> Result<(), SimError> {
    let meet = b.snap(LatLon::new(22.080, 113.615))?;
    let meet_xy = b.xy(meet);
    let hold_until = 300.0 + 330.0;
    // The mother boat: a fishing boat with AIS on, from the south-east.
    // It is already under way when the scenario starts: the last stretch of its route that it
    // covers by t = 280 s at 10 kn (from SEA_SOUTH_EAST the whole way is ~7 km, which even at
    // 12 kn took until after `hold_until`, so the mother never held and had no episode).
    let mother_path = last_stretch(&b.route(SEA_SOUTH_EAST, meet)?, kn(10.0) * 280.0);
    let mother_out = b.route(meet, LatLon::new(22.056, 113.62))?;
    let mother_start = mother_path[0];
    let mother_len: f64 = mother_path.windows(2).map(|w| dist(w[0], w[1])).sum();
    let mother_kn = (mother_len / 280.0 / kn(1.0)).clamp(6.0, 12.0);
    let fast_idx = b.plans.len() + 1;
    let mother_fit = b.fit(AisClass::A, 412, "YUE DONG YU 88", 30);
    let m = b.add(
        VesselClass::Fishing,
        0.0,
        mother_start,
        kn(mother_kn),
        vec![
            b.follow(mother_path, mother_kn, Behaviour::Transit),
            Step::new(Action::Hold { centre: meet_xy, speed_mps: kn(0.8), until_s: hold_until }, Behaviour::Rendezvous).with_partner(&format!("v{fast_idx}")),
            b.follow(mother_out, 9.0, Behaviour::Transit),
        ],
        Some(mother_fit),
    );
    // The dark fast craft from the Hengqin side, which then runs for Cheoc Van.
    // From the Hengqin side the route round Coloane is ~8 km, 9 minutes at 30 kn: it is
    // already on its way at t = 0 (the last stretch it covers by t = 270 s), so that both
    // hold together from about 280 s to `hold_until`.
    let fast_path = last_stretch(&b.route(HENGQIN_SOUTH, meet)?, kn(30.0) * 270.0);
    let run_path = b.route(meet, b.hotspot("cheoc-van")?)?;
    let fast_start = fast_path[0];
    let fast_len: f64 = fast_path.windows(2).map(|w| dist(w[0], w[1])).sum();
    let spawn = (300.0 - fast_len / kn(30.0) - 30.0).max(0.0);
    let fast = b.add(
        VesselClass::FastCraft,
        spawn,
        fast_start,
        kn(20.0),
        vec![
            b.follow(fast_path, 30.0, Behaviour::Smuggling),
            Step::new(Action::Hold { centre: meet_xy, speed_mps: kn(0.8), until_s: hold_until }, Behaviour::Rendezvous).with_partner(&format!("v{m}")),
            b.follow(run_path, 35.0, Behaviour::Smuggling).in_zone("cheoc-van"),
            Step::new(Action::Hold { centre: b.xy(b.hotspot("cheoc-van")?), speed_mps: kn(0.5), until_s: f64::INFINITY }, Behaviour::Smuggling).in_zone("cheoc-van"),
        ],
        None,
    );
    debug_assert_eq!(fast, fast_idx);
    b.fishing(FISHING_GROUNDS[0], Some(AisClass::B), "AO YU 23")?;
    b.fishing(FISHING_GROUNDS[3], Some(AisClass::A), "YUE XIANG YU 1")?;
    b.fishing(FISHING_GROUNDS[2], None, "")?;
    b.cargo(0.0, CARGO_SOUTH, CARGO_NORTH_EAST, 20.0, "OCEAN PEARL")?;
    Ok(())
}

fn drifting_boat(b: &mut Builder) -> Result<(), SimError> {
    let p = b.snap(LatLon::new(22.100, 113.640))?;
    let fail_at = 120.0;
    let path = b.route(LatLon::new(22.092, 113.655), p)?;
    let start = path[0];
    let fit = b.fit(AisClass::A, 412, "YUE ZHU YU 5", 30);
    let rate_kn = b.rng.random_range(0.5..1.5);
    b.add(
        VesselClass::Fishing,
        0.0,
        start,
        kn(7.0),
        vec![
            b.follow(path, 7.0, Behaviour::Transit),
            Step::new(Action::Drift { set_deg: 225.0, rate_mps: kn(rate_kn), until_s: f64::INFINITY }, Behaviour::Drifting),
        ],
        Some(fit),
    );
    // Make sure the engine fails at `fail_at` even if the boat arrives early: hold until then.
    if let Some(plan) = b.plans.last_mut() {
        plan.program.insert(1, Step::new(Action::Hold { centre: b_xy(b.w, p), speed_mps: kn(2.0), until_s: fail_at }, Behaviour::Transit));
    }
    b.fishing(FISHING_GROUNDS[1], Some(AisClass::B), "AO YU 23")?;
    b.fishing(FISHING_GROUNDS[4], Some(AisClass::A), "AO YU 7")?;
    b.ferry(0.0, OUTER_HARBOUR, HK_GATE, Some(80.0), "TURBOJET CAPRICORN")?;
    b.cargo(0.0, CARGO_SOUTH, CARGO_NORTH_EAST, 20.0, "OCEAN PEARL")?;
    Ok(())
}

fn b_xy(w: &World, p: LatLon) -> [f64; 2] {
    w.router.coast().plane().to_xy(p)
}

/// Straight runs through a common point in open water east of Coloane, timed to meet there.
fn crossing(b: &mut Builder) -> Result<(), SimError> {
    let x = b.xy(b.snap(LatLon::new(22.105, 113.630))?);
    let meet_s = 300.0;
    // (class, course, speed kn, lateral offset m, AIS, time offset s)
    let runs: [(VesselClass, f64, f64, f64, Option<AisClass>, f64); 6] = [
        (VesselClass::Pleasure, 90.0, 12.0, 0.0, Some(AisClass::B), 0.0),
        (VesselClass::Fishing, 0.0, 8.0, 0.0, Some(AisClass::A), 0.0),
        (VesselClass::Pleasure, 45.0, 14.0, 40.0, None, 5.0),
        (VesselClass::Pleasure, 225.0, 14.0, 40.0, Some(AisClass::B), 5.0),
        (VesselClass::FastCraft, 135.0, 25.0, -30.0, None, 60.0),
        (VesselClass::Fishing, 135.0, 9.0, 30.0, Some(AisClass::A), 60.0),
    ];
    for (k, (class, course, speed, offset, ais, dt)) in runs.into_iter().enumerate() {
        let c = course.to_radians();
        let (ux, uy) = (c.sin(), c.cos());
        // Offset to the right of the course line.
        let mid = [x[0] + offset * uy, x[1] - offset * ux];
        let lead = kn(speed) * (meet_s + dt);
        let start = [mid[0] - ux * lead, mid[1] - uy * lead];
        let end = [mid[0] + ux * 4_000.0, mid[1] + uy * 4_000.0];
        let fit = ais.map(|a| b.fit(a, 453, &format!("CROSSER {}", k + 1), if class == VesselClass::Fishing { 30 } else { 37 }));
        let step = b.follow(vec![start, mid, end], speed, Behaviour::Transit);
        b.add(class, 0.0, start, kn(speed), vec![step, Step::new(Action::Anchor { until_s: f64::INFINITY }, Behaviour::Transit)], fit);
    }
    Ok(())
}

fn manoeuvring(b: &mut Builder) -> Result<(), SimError> {
    let centres = [LatLon::new(22.100, 113.625), LatLon::new(22.080, 113.600), LatLon::new(22.125, 113.655)];
    for (k, c) in centres.into_iter().enumerate() {
        let c = b.snap(c)?;
        let xy = b.xy(c);
        let speed = [30.0, 38.0, 25.0][k];
        let period = [20.0, 25.0, 30.0][k];
        b.add(
            VesselClass::FastCraft,
            0.0,
            xy,
            kn(speed),
            vec![Step::new(
                Action::Zigzag { centre: xy, radius_m: 1_500.0, speed_mps: kn(speed), period_s: period, until_s: f64::INFINITY },
                Behaviour::Manoeuvring,
            )],
            None,
        );
    }
    b.ferry(0.0, OUTER_HARBOUR, HK_GATE, Some(80.0), "TURBOJET CAPRICORN")?;
    Ok(())
}

/// Ten smuggling runs, one to each of ten hotspots, among legitimate night traffic that looks
/// like them in parts: dark fishing boats loitering, fast ferries, cargo, ships at anchor.
fn smuggling_wave(b: &mut Builder) -> Result<(), SimError> {
    let runs = [
        (20.0, SEA_SOUTH_EAST, "cheoc-van"),
        (60.0, HENGQIN_SOUTH, "coloane-village-west"),
        (100.0, SEA_EAST, "hac-sa-long-chao-kok"),
        (150.0, HENGQIN_CHANNEL, "cotai-west-channel"),
        (200.0, WANZAI, "sai-van-bridge"),
        (260.0, SEA_EAST, "pac-on-taipa-north"),
        (320.0, GONGBEI_SHORE, "zone-a-channel"),
        (380.0, SEA_SOUTH_EAST, "ka-ho"),
        (450.0, WANZAI, "inner-harbour-wanzai"),
        (520.0, SEA_EAST, "airport-east-perimeter"),
    ];
    for (t, origin, hotspot) in runs {
        b.smuggler(t, origin, hotspot)?;
    }
    b.fishing(FISHING_GROUNDS[0], None, "")?;
    b.fishing(FISHING_GROUNDS[1], Some(AisClass::B), "AO YU 23")?;
    b.fishing(FISHING_GROUNDS[2], None, "")?;
    b.fishing(FISHING_GROUNDS[3], Some(AisClass::A), "YUE XIANG YU 1")?;
    b.fishing(FISHING_GROUNDS[4], None, "")?;
    b.anchored(ANCHORAGE, "EVER PROSPER")?;
    b.anchored(ANCHORAGE, "GLORY STAR")?;
    b.cargo(0.0, CARGO_SOUTH, CARGO_NORTH_EAST, 20.0, "OCEAN PEARL")?;
    b.cargo(400.0, CARGO_EAST, CARGO_SOUTH, 185.0, "HAI XING 8")?;
    b.ferry(120.0, OUTER_HARBOUR, HK_GATE, Some(80.0), "TURBOJET NIGHT")?;
    b.ferry(600.0, HK_GATE, TAIPA_FERRY, None, "COTAI NIGHT 2")?;
    Ok(())
}

/// Benign look-alikes around sunset: pleasure craft (half without AIS) running home past the
/// shore, fast ferries close to the shore, fishing boats (some without AIS) loitering.
fn dusk_harbour(b: &mut Builder) -> Result<(), SimError> {
    let routes = [
        (OPEN_EAST, HAC_SA_OFFSHORE),
        (COLOANE_SOUTH, TAIPA_FERRY),
        (EAST_LANE, HAC_SA_OFFSHORE),
        (HAC_SA_OFFSHORE, OUTER_HARBOUR),
        (OPEN_EAST, COLOANE_SOUTH),
        (EAST_LANE, TAIPA_FERRY),
    ];
    for (k, (from, to)) in routes.into_iter().enumerate() {
        let ais = if k % 2 == 0 { None } else { Some(AisClass::B) };
        b.pleasure(k as f64 * 240.0 + 30.0, from, to, ais, &format!("DUSK {}", k + 1))?;
    }
    b.ferry(0.0, OUTER_HARBOUR, HK_GATE, Some(80.0), "TURBOJET DUSK")?;
    b.ferry(300.0, HK_GATE, TAIPA_FERRY, None, "COTAI DUSK 2")?;
    b.ferry(700.0, TAIPA_FERRY, SHENZHEN_GATE, Some(30.0), "SHUN SHUI DUSK")?;
    b.ferry(1_100.0, EAST_LANE, OUTER_HARBOUR, None, "FIRST FERRY DUSK")?;
    b.fishing(FISHING_GROUNDS[0], None, "")?;
    b.fishing(FISHING_GROUNDS[1], Some(AisClass::B), "AO YU 23")?;
    b.fishing(FISHING_GROUNDS[3], None, "")?;
    b.fishing(FISHING_GROUNDS[4], Some(AisClass::A), "AO YU 7")?;
    b.anchored(ANCHORAGE, "EVER PROSPER")?;
    b.cargo(200.0, CARGO_EAST, CARGO_SOUTH, 185.0, "HAI XING 8")?;
    Ok(())
}

/// `n` vessels at random clear points over the whole box, each loitering over straight clear
/// legs (no A*: thousands of routes would dominate the run).
fn stress(b: &mut Builder, n: usize) -> Result<(), SimError> {
    let (lo, hi) = b.w.router.coast().bbox();
    let mut placed = 0;
    let mut tries = 0;
    while placed < n && tries < n * 50 {
        tries += 1;
        let p = LatLon::new(b.rng.random_range(lo.lat_deg..hi.lat_deg), b.rng.random_range(lo.lon_deg..hi.lon_deg));
        let xy = b.xy(p);
        if !b.w.router.is_clear_xy(xy) || b.w.router.coast().shore_within_xy(xy, 300.0) {
            continue;
        }
        let roll = b.rng.random::<f64>();
        let (class, speed, radius, ais, mid, ty) = match roll {
            r if r < 0.50 => (VesselClass::Fishing, b.rng.random_range(1.0..5.0), 1_000.0, [Some(AisClass::A), Some(AisClass::B), None][placed % 3], 412, 30),
            r if r < 0.75 => (VesselClass::Pleasure, b.rng.random_range(6.0..18.0), 2_500.0, [Some(AisClass::B), None][placed % 2], 453, 37),
            r if r < 0.85 => (VesselClass::FastCraft, b.rng.random_range(20.0..40.0), 3_000.0, None, 0, 0),
            r if r < 0.95 => (VesselClass::Ferry, b.rng.random_range(25.0..38.0), 5_000.0, Some(AisClass::A), 453, 60),
            _ => (VesselClass::Cargo, b.rng.random_range(8.0..14.0), 5_000.0, Some(AisClass::A), 477, 70),
        };
        let behaviour = match class {
            VesselClass::Fishing => Behaviour::Fishing,
            VesselClass::FastCraft => Behaviour::Loitering,
            _ => Behaviour::Transit,
        };
        let fit = ais.map(|a| b.fit(a, mid, &format!("STRESS {placed}"), ty));
        b.add(
            class,
            0.0,
            xy,
            kn(speed),
            vec![Step::new(Action::Loiter { centre: xy, radius_m: radius, speed_mps: kn(speed), until_s: f64::INFINITY }, behaviour)],
            fit,
        );
        placed += 1;
    }
    Ok(())
}

/// The demo night (`seawarden demo`): legitimate traffic (ferries, cargo, an anchored ship, fishing
/// boats with and without AIS), two dark runs from the Hengqin/Zhuhai side to Coloane hotspots
/// (the first already under way at the start, so a short demo sees it), a dark fast craft meeting
/// a fishing boat at sea, and a fishing boat whose engine fails and drifts (a rescue).
fn macau_night(b: &mut Builder) -> Result<(), SimError> {
    // Smuggling run 1, its last 1.5 km from Hengqin South to Cheoc Van still ahead at the start.
    let target = b.hotspot("cheoc-van")?;
    let out = last_stretch(&b.route(HENGQIN_SOUTH, target)?, 1_500.0);
    let back = b.route(target, HENGQIN_SOUTH)?;
    let run1 = b.add(
        VesselClass::FastCraft,
        0.0,
        out[0],
        kn(30.0),
        vec![
            b.follow(out, 32.0, Behaviour::Smuggling).in_zone("cheoc-van"),
            Step::new(Action::Hold { centre: b.xy(target), speed_mps: kn(1.0), until_s: 240.0 }, Behaviour::Smuggling).in_zone("cheoc-van"),
            b.follow(back, 32.0, Behaviour::Smuggling).in_zone("cheoc-van"),
        ],
        None,
    );
    debug_assert_eq!(run1, 0);
    // Smuggling run 2, from the Hengqin channel to Coloane village.
    b.smuggler(90.0, HENGQIN_CHANNEL, "coloane-village-west")?;
    // The rendezvous: a fishing boat (AIS on) waits at sea; a dark fast craft comes alongside.
    let meet = b.snap(LatLon::new(22.082, 113.612))?;
    let meet_xy = b.xy(meet);
    let hold_until = 420.0;
    let mother_path = last_stretch(&b.route(SEA_SOUTH_EAST, meet)?, kn(8.0) * 60.0);
    let mother_out = b.route(meet, LatLon::new(22.056, 113.62))?;
    let mother_fit = b.fit(AisClass::A, 412, "YUE DONG YU 88", 30);
    let fast_idx = b.plans.len() + 1;
    let mother_start = mother_path[0];
    let mother = b.add(
        VesselClass::Fishing,
        0.0,
        mother_start,
        kn(8.0),
        vec![
            b.follow(mother_path, 8.0, Behaviour::Transit),
            Step::new(Action::Hold { centre: meet_xy, speed_mps: kn(0.8), until_s: hold_until }, Behaviour::Rendezvous).with_partner(&format!("v{fast_idx}")),
            b.follow(mother_out, 9.0, Behaviour::Transit),
        ],
        Some(mother_fit),
    );
    let fast_path = last_stretch(&b.route(HENGQIN_SOUTH, meet)?, kn(30.0) * 150.0);
    let fast_start = fast_path[0];
    let fast = b.add(
        VesselClass::FastCraft,
        30.0,
        fast_start,
        kn(25.0),
        vec![
            b.follow(fast_path, 30.0, Behaviour::Smuggling),
            Step::new(Action::Hold { centre: meet_xy, speed_mps: kn(0.8), until_s: hold_until }, Behaviour::Rendezvous).with_partner(&format!("v{mother}")),
            Step::new(Action::Exit { heading_deg: 200.0, speed_mps: kn(30.0) }, Behaviour::Smuggling),
        ],
        None,
    );
    debug_assert_eq!(fast, fast_idx);
    // The boat adrift: it works its spot south of Coloane (within the Cheoc Van drone team's
    // reach, clear of the airport's no-fly circle) until its engine fails at 60 s, then the ebb
    // sets it south-west.
    let adrift = b.snap(LatLon::new(22.092, 113.585))?;
    let fit = b.fit(AisClass::A, 412, "YUE ZHU YU 5", 30);
    let adrift_xy = b.xy(adrift);
    b.add(
        VesselClass::Fishing,
        0.0,
        adrift_xy,
        kn(2.0),
        vec![
            Step::new(Action::Hold { centre: adrift_xy, speed_mps: kn(2.0), until_s: 60.0 }, Behaviour::Transit),
            Step::new(Action::Drift { set_deg: 225.0, rate_mps: kn(1.0), until_s: f64::INFINITY }, Behaviour::Drifting),
        ],
        Some(fit),
    );
    // Legitimate night traffic.
    b.ferry(0.0, OUTER_HARBOUR, HK_GATE, Some(80.0), "TURBOJET NIGHT")?;
    b.ferry(150.0, HK_GATE, TAIPA_FERRY, None, "COTAI NIGHT 2")?;
    b.ferry(330.0, TAIPA_FERRY, SHENZHEN_GATE, Some(30.0), "SHUN SHUI NIGHT")?;
    b.cargo(0.0, CARGO_SOUTH, CARGO_NORTH_EAST, 20.0, "OCEAN PEARL")?;
    b.cargo(200.0, CARGO_EAST, CARGO_SOUTH, 185.0, "HAI XING 8")?;
    b.anchored(ANCHORAGE, "EVER PROSPER")?;
    b.fishing(FISHING_GROUNDS[0], Some(AisClass::B), "AO YU 23")?;
    b.fishing(FISHING_GROUNDS[2], None, "")?;
    b.fishing(FISHING_GROUNDS[3], Some(AisClass::A), "YUE XIANG YU 1")?;
    b.fishing(FISHING_GROUNDS[4], Some(AisClass::B), "AO YU 7")?;
    Ok(())
}
