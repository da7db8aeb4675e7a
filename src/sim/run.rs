//! [`Simulation`]: steps every vessel through its program and every sensor through its scans,
//! handing time-ordered records to a [`Sink`].

use std::sync::Arc;

use rand::SeedableRng;
use rand_pcg::Pcg64;

use super::ais::{AisFit, AisNetwork, AisState, Schedule, Spoof};
use super::ir::{Ir, IrParams};
use super::radar::{Radar, RadarParams};
use super::record::{Episode, Measurement, SensorInfo, TruthRecord};
use super::scenario::{Scenario, VesselPlan};
use super::sensor::{Mast, Target};
use super::vessel::{Behaviour, Kinematics, MotionAux, Step, VesselClass, advance};
use super::{SimError, World};
use crate::detection::SensorKind;

/// Integration step, seconds. Sensors place targets within a step by their velocity.
pub const DT_S: f64 = 0.5;

/// Where a simulation's records go. Every method is called in time order.
pub trait Sink {
    /// Vessel truth at a whole second.
    fn truth(&mut self, _r: &TruthRecord) {}
    /// One measurement line (AIS, radar or IR, or an empty-scan marker).
    fn measurement(&mut self, _m: &Measurement) {}
    /// One tag-blocked `!AIVDM` line.
    fn ais_nmea(&mut self, _t_s: f64, _line: &str) {}
    /// One tag-blocked `$RATTM` line from radar `radar` (index into [`Simulation::radars`]).
    fn radar_nmea(&mut self, _radar: usize, _t_s: f64, _line: &str) {}
    /// A finished episode (called at the end, sorted by start time then vessel).
    fn episode(&mut self, _e: &Episode) {}
}

/// Totals of one run, for logs and reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Vessels in the scenario.
    pub vessels: usize,
    /// Truth lines.
    pub truth: u64,
    /// Measurement lines (scan markers included).
    pub measurements: u64,
    /// AIS NMEA lines.
    pub ais_lines: u64,
    /// Radar NMEA lines.
    pub radar_lines: u64,
    /// Episodes.
    pub episodes: u64,
    /// Moves refused because they would have put a hull on land (must be zero).
    pub grounding_guard: u64,
}

/// A vessel during a run.
struct Vessel {
    class: VesselClass,
    spawn_s: f64,
    active: bool,
    gone: bool,
    k: Kinematics,
    program: Vec<Step>,
    step: usize,
    aux: MotionAux,
    rng: Pcg64,
    ais: Option<AisFit>,
    sched: Schedule,
    /// Open episode: (behaviour, zone, partner, start).
    open: Option<(Behaviour, Option<String>, Option<String>, f64)>,
}

/// One scenario run: vessels, sensors and their random streams, all derived from the seed.
pub struct Simulation {
    world: Arc<World>,
    scenario: Scenario,
    vessels: Vec<Vessel>,
    /// The sensor table measurement lines refer to.
    pub sensors: Vec<SensorInfo>,
    /// Radars, in site order.
    pub radars: Vec<Radar>,
    irs: Vec<Ir>,
    ais: AisNetwork,
    ais_sensor: usize,
    episodes: Vec<Episode>,
    stats: Stats,
}

/// An independent random stream for one component: the seed and a stream label mixed through
/// SplitMix64, so adding a vessel never changes another's noise.
pub(crate) fn stream(seed: u64, label: u64) -> Pcg64 {
    let mut z = seed ^ label.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Pcg64::seed_from_u64(z ^ (z >> 31))
}

impl Simulation {
    /// Build the scenario's vessels and the sensors of every site.
    ///
    /// # Errors
    /// [`SimError::Coast`] when a scenario route cannot be found on the coast.
    pub fn new(world: Arc<World>, scenario: Scenario) -> Result<Self, SimError> {
        let seed = scenario.seed;
        let plans = scenario.build(&world)?;
        let plane = *world.router.coast().plane();
        let mut vessels = Vec::with_capacity(plans.len());
        for (i, p) in plans.into_iter().enumerate() {
            let VesselPlan { class, spawn_s, start, heading_deg, speed_mps, program, ais } = p;
            let mut rng = stream(seed, 1_000_000 + i as u64);
            let sched = Schedule::new(&mut rng, spawn_s);
            let h = heading_deg.to_radians();
            vessels.push(Vessel {
                class,
                spawn_s,
                active: false,
                gone: false,
                k: Kinematics { xy: plane.to_xy(start), heading_deg, speed_mps, vel: [speed_mps * h.sin(), speed_mps * h.cos()], turn_deg_s: 0.0 },
                program,
                step: 0,
                aux: MotionAux::default(),
                rng,
                ais,
                sched,
                open: None,
            });
        }
        let mut sensors = vec![SensorInfo { name: "ais".into(), kind: SensorKind::Ais, site: None }];
        let mut radars = Vec::new();
        let mut irs = Vec::new();
        let n_radar = world.sites.iter().filter(|s| s.radar).count().max(1);
        for (si, site) in world.sites.iter().enumerate() {
            let mast = Mast::new(site.position(), &plane);
            if site.radar {
                let params = RadarParams::default();
                let phase = params.scan_period_s * radars.len() as f64 / n_radar as f64;
                sensors.push(SensorInfo { name: format!("radar-{}", site.id), kind: SensorKind::Radar, site: Some(si) });
                let mut params = params;
                params.clutter_per_scan *= scenario.clutter_scale;
                radars.push(Radar::new(sensors.len() - 1, site.id.clone(), mast, params, phase, stream(seed, 2_000 + si as u64)));
            }
        }
        for (si, site) in world.sites.iter().enumerate() {
            let mast = Mast::new(site.position(), &plane);
            sensors.push(SensorInfo { name: format!("ir-{}", site.id), kind: SensorKind::Ir, site: Some(si) });
            irs.push(Ir::new(sensors.len() - 1, mast, site.sector, IrParams::default(), stream(seed, 3_000 + si as u64)));
        }
        let receivers = world.sites.iter().map(|s| (s.id.clone(), plane.to_xy(s.position()))).collect();
        let ais = AisNetwork::new(stream(seed, 4_000), scenario.ais_drop_p, receivers);
        let stats = Stats { vessels: vessels.len(), ..Stats::default() };
        Ok(Simulation { world, scenario, vessels, sensors, radars, irs, ais, ais_sensor: 0, episodes: Vec::new(), stats })
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Site ids by site index (for `"site"` keys).
    pub fn site_ids(&self) -> Vec<String> {
        self.world.sites.iter().map(|s| s.id.clone()).collect()
    }

    /// Run to the end of the scenario; `progress` is called with the fraction done.
    pub fn run(&mut self, sink: &mut impl Sink, mut progress: impl FnMut(f64)) -> Stats {
        let world = self.world.clone();
        let router = &world.router;
        let coast = router.coast();
        let plane = *coast.plane();
        let duration = self.scenario.duration_s;
        let epoch = self.scenario.start_epoch_s;
        let steps = (duration / DT_S).round() as u64;
        let mut targets: Vec<Target> = Vec::new();
        let mut meas: Vec<Measurement> = Vec::new();
        let mut ais_nmea: Vec<(f64, String)> = Vec::new();
        let mut radar_nmea: Vec<Vec<(f64, String)>> = vec![Vec::new(); self.radars.len()];
        for k in 0..steps {
            let t = k as f64 * DT_S;
            // Spawn, and label episodes by the step each vessel is in.
            for (i, v) in self.vessels.iter_mut().enumerate() {
                if !v.active && !v.gone && t >= v.spawn_s {
                    v.active = true;
                }
                if v.active {
                    let label = v.program.get(v.step).map(|s| (s.behaviour, s.zone.clone(), s.partner.clone()));
                    track_episode(&mut self.episodes, i, v, label, t);
                }
            }
            // Truth at whole seconds.
            if k % ((1.0 / DT_S).round() as u64).max(1) == 0 {
                for (i, v) in self.vessels.iter().enumerate().filter(|(_, v)| v.active) {
                    let p = plane.to_latlon(v.k.xy);
                    let behaviour = v.program.get(v.step).map_or(Behaviour::Transit, |s| s.behaviour);
                    sink.truth(&TruthRecord {
                        t_s: t,
                        vessel: i,
                        lat: p.lat_deg,
                        lon: p.lon_deg,
                        sog_kn: v.k.sog_kn(),
                        cog_deg: v.k.cog_deg(),
                        class: v.class.as_str(),
                        ais: v.ais.is_some(),
                        mmsi: v.ais.as_ref().map(|a| a.mmsi),
                        behaviour: behaviour.as_str(),
                    });
                    self.stats.truth += 1;
                }
            }
            // Sensors see the state at the step start, moved on by each target's velocity.
            targets.clear();
            targets.extend(self.vessels.iter().enumerate().filter(|(_, v)| v.active).map(|(i, v)| Target {
                vessel: i,
                xy: v.k.xy,
                vel: v.k.vel,
                length_m: v.class.length_m(),
            }));
            for (i, v) in self.vessels.iter_mut().enumerate() {
                let Some(fit) = v.ais.as_ref().filter(|_| v.active) else { continue };
                let behaviour = v.program.get(v.step).map_or(Behaviour::Transit, |s| s.behaviour);
                let nav_status = match behaviour {
                    Behaviour::Anchored => 1,
                    Behaviour::Drifting => 2,
                    Behaviour::Fishing => 7,
                    _ => 0,
                };
                let s = AisState {
                    xy: v.k.xy,
                    sog_kn: v.k.sog_kn(),
                    cog_deg: v.k.cog_deg(),
                    heading_deg: v.k.heading_deg,
                    turn_deg_s: v.k.turn_deg_s,
                    nav_status,
                };
                self.ais.step(fit, &mut v.sched, s, v.k.vel, i, t, DT_S, epoch, &plane, self.ais_sensor, &mut meas, &mut ais_nmea);
            }
            for (ri, r) in self.radars.iter_mut().enumerate() {
                r.step(&targets, t, DT_S, coast, epoch, &mut meas, &mut radar_nmea[ri]);
            }
            for ir in &mut self.irs {
                ir.step(&targets, t, DT_S, coast, &mut meas);
            }
            // Every event of this step lies in [t, t + DT_S), so sorting the step's batch keeps
            // the whole file in time order; the sort is stable, so a scan's lines stay together.
            meas.sort_by(|a, b| a.t_s.total_cmp(&b.t_s).then(a.sensor.cmp(&b.sensor)));
            for m in meas.drain(..) {
                sink.measurement(&m);
                self.stats.measurements += 1;
            }
            ais_nmea.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (te, l) in ais_nmea.drain(..) {
                sink.ais_nmea(te, &l);
                self.stats.ais_lines += 1;
            }
            for (ri, lines) in radar_nmea.iter_mut().enumerate() {
                for (te, l) in lines.drain(..) {
                    sink.radar_nmea(ri, te, &l);
                    self.stats.radar_lines += 1;
                }
            }
            // Move.
            for (i, v) in self.vessels.iter_mut().enumerate().filter(|(_, v)| v.active) {
                let alive = advance(&mut v.k, &mut v.program, &mut v.step, &mut v.aux, v.class.dynamics(), t, DT_S, router, &mut v.rng, &mut self.stats.grounding_guard);
                if !alive {
                    v.active = false;
                    v.gone = true;
                    track_episode(&mut self.episodes, i, v, None, t + DT_S);
                }
            }
            if k % 20 == 0 {
                progress(k as f64 / steps as f64);
            }
        }
        // Close what is still open, add the spoofing episodes, and hand them over in order.
        for (i, v) in self.vessels.iter_mut().enumerate() {
            track_episode(&mut self.episodes, i, v, None, duration);
            if let Some(fit) = &v.ais
                && let Some(spoof) = fit.spoof
            {
                let detail = match spoof {
                    Spoof::Offset { east_m, north_m } => format!("reports its position offset by {east_m:.0} m east, {north_m:.0} m north"),
                    Spoof::Mmsi(m) => format!("transmits MMSI {m}, not its own {}", fit.mmsi),
                };
                self.episodes.push(Episode {
                    vessel: i,
                    behaviour: Behaviour::AisSpoof.as_str(),
                    start_s: v.spawn_s,
                    end_s: duration,
                    zone: None,
                    partner: None,
                    detail: Some(detail),
                });
            }
        }
        self.episodes.sort_by(|a, b| a.start_s.total_cmp(&b.start_s).then(a.vessel.cmp(&b.vessel)));
        for e in &self.episodes {
            sink.episode(e);
        }
        self.stats.episodes = self.episodes.len() as u64;
        progress(1.0);
        if self.stats.grounding_guard > 0 {
            tracing::warn!(moves = self.stats.grounding_guard, "refused moves onto land (a motion-model bug)");
        }
        self.stats.clone()
    }
}

/// Open or close a vessel's episode when its labelled behaviour changes. Transit is not an
/// episode; consecutive steps with the same label merge.
fn track_episode(
    episodes: &mut Vec<Episode>,
    i: usize,
    v: &mut Vessel,
    label: Option<(Behaviour, Option<String>, Option<String>)>,
    t: f64,
) {
    let label = label.filter(|l| l.0 != Behaviour::Transit);
    let same = match (&v.open, &label) {
        (Some((b, z, p, _)), Some((lb, lz, lp))) => b == lb && z == lz && p == lp,
        (None, None) => true,
        _ => false,
    };
    if same {
        return;
    }
    if let Some((b, zone, partner, start)) = v.open.take() {
        episodes.push(Episode { vessel: i, behaviour: b.as_str(), start_s: start, end_s: t, zone, partner, detail: None });
    }
    if v.active && let Some((b, z, p)) = label {
        v.open = Some((b, z, p, t));
    }
}
