//! `seawarden demo`: the whole system on one machine. An embedded broker, one edge node process
//! per site fed through the real pipelines (AIS and radar NMEA, IR video through the detector),
//! simulated patrol boats and drone teams, and either the console (an operator at the screen) or
//! a headless operator, then a summary.
//!
//! # Layout
//! - [`inputs`]: simulate the scenario and render each site's IR clip, cached by key.
//! - [`nodes`]: the child edge processes, their CPU/RSS, and the guard that kills them.
//! - [`units`]: simulated patrol boats and drone teams on their own bus connection.
//! - [`operator`]: the headless operator: tasks the fastest boat, sends drone searches.
//! - [`watch`]: the demo's subscriber tally (tracks, alerts, latency, status, answers).
//! - [`summary`]: the closing report and `summary.json`.
//!
//! # Time
//! The whole demo runs on the scenario's clock ([`SimClock`]): the sensor logs carry sim epoch
//! times (NMEA tag blocks, the IR clips' `start_time` + stream time) and the nodes replay them at
//! `?speed=S` and stamp with those times, so at any speed the trackers see true kinematics and the
//! rules the scenario's night. The demo's own clock (units, headless operator, console) is
//! `sim_start + (wall - wall0) * speed`. Alert latency across the broker stays a wall-clock
//! measure (publish to receipt).

pub mod inputs;
pub mod nodes;
pub mod operator;
pub mod summary;
pub mod units;
pub mod watch;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rumqttc::QoS;
use tokio_util::sync::CancellationToken;

use crate::bus::{self, BrokerUrl, BusOptions, topic};
use crate::coast::sites::Sites;
use crate::node::soak::Percentiles;
use crate::sim::Scenario;
use crate::tasking::Units;

use self::nodes::{Nodes, Usage};
use self::summary::Summary;
use self::watch::{Event, Watch};

/// Everything a demo run needs.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Scenario with seed and duration applied.
    pub scenario: Scenario,
    /// Sim seconds per wall second.
    pub speed: f64,
    /// IR frames per wall second in the clips.
    pub ir_fps: u32,
    /// Sites file; the calibration folder and model are looked up next to it.
    pub sites_path: PathBuf,
    /// Work folder (cache, node configs and logs, missions, summary.json).
    pub work: PathBuf,
    /// The `seawarden` binary to run nodes with.
    pub bin: PathBuf,
    /// Play the operator in code (no console).
    pub headless: bool,
    /// IR detector on the nodes: `auto` (the model if it runs, else classical), `model`,
    /// `classical`, or `none` (no video inputs).
    pub ir_detector: String,
}

/// Why the demo could not run.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Inputs.
    #[error(transparent)]
    Inputs(#[from] inputs::InputsError),
    /// Sites file.
    #[error(transparent)]
    Sites(#[from] crate::coast::CoastError),
    /// Bus or broker.
    #[error(transparent)]
    Bus(#[from] bus::BusError),
    /// A file or process.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> DemoError {
    let what = what.into();
    move |source| DemoError::Io { what, source }
}

/// The start-up steps, for a progress display.
pub trait Steps: inputs::Progress {
    /// A step starts.
    fn step(&self, name: &str);
    /// A step is done, with a short result.
    fn done(&self, name: &str, detail: &str);
}

/// What the broker and the set-up left for the running phase.
pub struct Started {
    /// Broker URL.
    pub url: BrokerUrl,
    /// Inputs.
    pub inputs: inputs::Inputs,
    /// Sites.
    pub sites: Sites,
    /// The IR model the nodes run, when it checked out; else they use the classical detector.
    pub model: Option<PathBuf>,
    /// The demo's clock, set by [`run`] when the nodes start (the console reads it).
    pub clock: std::sync::Arc<std::sync::OnceLock<SimClock>>,
}

/// Whether the shipped ONNX model next to the sites file loads and runs one frame (onnxruntime
/// present, model valid, its operators supported). When it does the nodes' video inputs use it;
/// otherwise they fall back to the classical hot-spot detector.
pub fn check_model(model: &Path) -> Result<String, String> {
    #[cfg(feature = "thermal")]
    {
        use crate::ingest::thermal::onnx::{Onnx, OnnxConfig};
        use crate::ingest::thermal::{Detector as _, Frame16};
        let mut m = Onnx::try_new(OnnxConfig::new(model)).map_err(|e| e.to_string())?;
        let frame = Frame16::filled(640, 512, 30_000);
        let mut blobs = Vec::new();
        m.detect(&frame.view(), &mut blobs);
        let stats = m.stats();
        if stats.failures > 0 {
            return Err(format!("{}: loads, but inference failed (see the log)", model.display()));
        }
        Ok(format!("{} loads and runs", model.display()))
    }
    #[cfg(not(feature = "thermal"))]
    {
        Err(format!("{}: built without the `thermal` feature", model.display()))
    }
}

/// Prepare the inputs, check the model and start the embedded broker.
///
/// The demo's clock: scenario time, running `speed` times faster than the wall clock from
/// `wall0_s` (when the nodes start replaying), so the units, operator and console agree with the
/// times the nodes stamp.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimClock {
    /// Sim epoch seconds at `wall0_s` (the scenario's start).
    pub sim0_s: f64,
    /// Wall epoch seconds when sim time was `sim0_s`.
    pub wall0_s: f64,
    /// Sim seconds per wall second.
    pub speed: f64,
}

impl SimClock {
    /// Sim time at wall time `wall_s`.
    pub fn at(&self, wall_s: f64) -> f64 {
        self.sim0_s + (wall_s - self.wall0_s) * self.speed
    }

    /// Sim time now.
    pub fn now_s(&self) -> f64 {
        self.at(bus::client::now_s())
    }
}

#[cfg(test)]
mod clock_tests {
    use super::SimClock;

    #[test]
    fn the_sim_clock_runs_speed_times_the_wall_from_the_scenario_start() {
        let c = SimClock { sim0_s: 1_773_340_200.0, wall0_s: 1_796_000_000.0, speed: 10.0 };
        assert_eq!(c.at(1_796_000_000.0), 1_773_340_200.0);
        assert_eq!(c.at(1_796_000_003.0), 1_773_340_230.0);
        // Now is near the start, not the wall clock.
        let live = SimClock { wall0_s: crate::bus::client::now_s(), ..c };
        assert!((live.now_s() - c.sim0_s).abs() < 3600.0);
    }
}

/// # Errors
/// [`DemoError`] from the sites file, the inputs or the broker.
pub fn start(opts: &DemoOptions, steps: &dyn Steps) -> Result<Started, DemoError> {
    let sites = Sites::from_path(&opts.sites_path)?;
    let assets = opts.sites_path.parent().unwrap_or(Path::new(".")).to_path_buf();
    steps.step("building the scenario");
    let ir_fps = if opts.ir_detector == "none" { 0 } else { opts.ir_fps };
    let spec = inputs::InputSpec { scenario: opts.scenario.clone(), speed: opts.speed, ir_fps };
    let inputs = inputs::prepare(&spec, &sites, &assets.join("calibration"), &opts.work, steps)?;
    steps.done("building the scenario", if inputs.warm { "cached" } else { "simulated and rendered" });
    steps.step("checking the model");
    let model_path =
        std::path::absolute(assets.join("models/seawarden-ir-boat.onnx")).map_err(io("resolving the model path"))?;
    let model = match check_model(&model_path) {
        Ok(s) => {
            steps.done("checking the model", &s);
            Some(model_path)
        }
        Err(e) => {
            steps.done("checking the model", &format!("NOT usable ({e}); nodes use the classical hot-spot detector"));
            None
        }
    };
    steps.step("starting broker");
    let url = bus::broker::start_on_loopback()?;
    steps.done("starting broker", &format!("mqtt://127.0.0.1:{}", url.port));
    Ok(Started { url, inputs, sites, model, clock: Default::default() })
}

/// Write every node's config and NMEA logs (sim epoch tag times, replayed at the demo speed), and
/// start the nodes.
fn start_nodes(opts: &DemoOptions, s: &Started) -> Result<Nodes, DemoError> {
    let epoch0 = s.inputs.start_epoch_s;
    let speed = opts.speed;
    let run = opts.work.join("run");
    if run.exists() {
        std::fs::remove_dir_all(&run).map_err(io(format!("clearing {}", run.display())))?;
    }
    std::fs::create_dir_all(&run).map_err(io(format!("creating {}", run.display())))?;
    let ais = run.join("ais.nmea");
    inputs::live_nmea(&s.inputs.ais_template(), &ais, epoch0, None)?;
    let mut nodes = Nodes::default();
    for site in s.sites.iter() {
        let id = &site.id;
        let mut cfg = format!(
            "site = \"{id}\"\ndata_dir = \"{}\"\n[broker]\nurl = \"mqtt://{}:{}\"\n[intervals]\nstatus_ms = 1000\n\n\
             [[input]]\nkind = \"nmea\"\nurl = \"file://{}?speed={speed}\"\nname = \"ais\"\nsensor = \"ais-{id}\"\n",
            run.join(format!("data-{id}")).display(),
            s.url.host,
            s.url.port,
            ais.display()
        );
        if let Some(t) = s.inputs.radar_template(id) {
            let out = run.join(format!("radar-{id}.nmea"));
            inputs::live_nmea(&t, &out, epoch0, Some((&format!("radar-{id}"), site.lat, site.lon)))?;
            cfg.push_str(&format!("\n[[input]]\nkind = \"nmea\"\nurl = \"file://{}?speed={speed}\"\nname = \"radar\"\nsensor = \"radar-{id}\"\n", out.display()));
        }
        let (mkv, cal) = s.inputs.clip(id);
        if mkv.exists() && opts.ir_detector != "none" {
            cfg.push_str(&format!(
                "\n[[input]]\nkind = \"video\"\nurl = \"file://{}?speed={speed}\"\nstart_time = {epoch0:.3}\ncalibration = \"{}\"\nname = \"ir\"\nsensor = \"ir-{id}\"\n{}\n",
                mkv.display(),
                cal.display(),
                match s.model.as_ref().filter(|_| opts.ir_detector != "classical") {
                    Some(m) => format!("detector = \"model\"\nmodel = \"{}\"", m.display()),
                    None => "detector = \"classical\"".to_owned(),
                }
            ));
        }
        let path = run.join(format!("{id}.toml"));
        std::fs::write(&path, cfg).map_err(io(format!("writing {}", path.display())))?;
        let p = nodes::spawn(&opts.bin, id, &path, &run.join(format!("{id}.log")))
            .map_err(io(format!("starting the node for {id}")))?;
        nodes.procs.push(p);
    }
    Ok(nodes)
}

/// Bus options for one of the demo's own clients.
fn client(url: &BrokerUrl, id: &str) -> BusOptions {
    BusOptions { url: url.clone(), client_id: id.into(), clean_session: true, ..BusOptions::default() }
}

/// Run the nodes, units and subscriber (and in headless mode the operator) until the scenario
/// has played, all nodes exited, or `stop` fires; then stop everything and build the summary.
///
/// # Errors
/// [`DemoError`] when a node cannot be started or the bus cannot be set up.
pub async fn run(
    opts: &DemoOptions,
    s: &Started,
    started: Instant,
    steps: &dyn Steps,
    stop: CancellationToken,
) -> Result<Summary, DemoError> {
    steps.step("starting nodes");
    let mut nodes = start_nodes(opts, s)?;
    // Each node replays from its first line as soon as it runs (a fraction of a second after
    // its start): sim time starts then.
    let wall0 = bus::client::now_s() + 0.5;
    let clock = SimClock { sim0_s: s.inputs.start_epoch_s, wall0_s: wall0, speed: opts.speed };
    let _ = s.clock.set(clock);
    steps.done("starting nodes", &format!("{} edge processes", nodes.procs.len()));

    let units = Units::macau();
    let units_stop = CancellationToken::new();
    let units_task =
        tokio::spawn(units::run(client(&s.url, "seawarden-demo-units"), units.clone(), clock, units_stop.clone()));
    let missions = opts.work.join("missions");
    std::fs::create_dir_all(&missions).map_err(io(format!("creating {}", missions.display())))?;
    let mut operator = opts.headless.then(|| operator::Operator::new(units, missions));

    let mut wopts = client(&s.url, "seawarden-demo-watch");
    wopts.subscriptions = vec![(format!("{}/#", topic::ROOT), QoS::AtLeastOnce)];
    let (handle, mut bus_loop) = bus::bus(wopts, 256)?;
    let mut rx = bus_loop.incoming();
    let loop_stop = CancellationToken::new();
    let loop_task = tokio::spawn(bus_loop.run(loop_stop.clone()));

    let mut watch = Watch::default();
    let end = wall0 + opts.scenario.duration_s / opts.speed + 3.0;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut stopping: Option<f64> = None;
    loop {
        let now = bus::client::now_s();
        if stopping.is_none() && (now >= end || nodes.all_exited() || stop.is_cancelled()) {
            nodes.terminate();
            stopping = Some(now);
        }
        if let Some(t) = stopping
            && (nodes.all_exited() && now - t >= 1.5 || now - t >= 15.0)
        {
            break;
        }
        tokio::select! {
            // Cancel-safe: `recv`, `tick` and observing the token lose nothing.
            r = rx.recv() => {
                let Some(r) = r else { break };
                match watch.on_message(&r) {
                    Event::Alert(a) => {
                        if let Some(op) = operator.as_mut() {
                            let track = watch.book.get(&(a.site.clone(), a.track_id.clone())).cloned();
                            for p in op.on_alert(&a, track.as_ref(), clock.at(now)) {
                                if handle.try_publish(p).is_err() {
                                    tracing::warn!("demo: bus queue full, a task was not sent");
                                }
                            }
                        }
                    }
                    Event::Ack(ack) => { if let Some(op) = operator.as_mut() { op.on_ack(&ack); } }
                    Event::Position(u, t, p) => { if let Some(op) = operator.as_mut() { op.on_position(&u, t, p); } }
                    Event::None => {}
                }
            }
            _ = tick.tick() => nodes.sample(),
            _ = stop.cancelled(), if stopping.is_none() => {}
        }
    }
    nodes.sample();
    units_stop.cancel();
    let units_stats = units_task.await.ok().and_then(Result::ok).unwrap_or_default();
    loop_stop.cancel();
    let _ = loop_task.await;

    // Every alert's first line, as heard (wall-clock times), for forensics and `eval-alerts`.
    let alerts_path = opts.work.join("alerts.jsonl");
    let lines: String = watch.alerts.iter().filter_map(|a| serde_json::to_string(a).ok()).map(|l| l + "\n").collect();
    std::fs::write(&alerts_path, lines).map_err(io(format!("writing {}", alerts_path.display())))?;
    let node_usage: Vec<(String, Usage, Option<i32>)> =
        nodes.procs.iter().map(|p| (p.site.clone(), p.usage, p.exit)).collect();
    drop(nodes);
    let (node_lines, lost) = summary::node_lines(&watch, &node_usage);
    let speed = opts.speed;
    // Alert times are already sim times (the nodes stamp with the logs' own clock).
    let (alerts_by_kind, behaviours) = summary::behaviours(&watch.alerts, |t| t, &s.inputs.dir.join("sim"));
    let demo = nodes::self_usage();
    let total = Usage {
        cpu_s: demo.cpu_s + node_lines.iter().map(|n| n.usage.cpu_s).sum::<f64>(),
        max_rss_mib: demo.max_rss_mib + node_lines.iter().map(|n| n.usage.max_rss_mib).sum::<f64>(),
        samples: 1,
    };
    let started_wall = bus::client::now_s() - started.elapsed().as_secs_f64();
    let (op_tasks, op_missions) = operator.as_ref().map_or((0, 0), |o| (o.tasks_sent, o.missions_sent));
    Ok(Summary {
        scenario: opts.scenario.name.to_string(),
        seed: opts.scenario.seed,
        duration_s: opts.scenario.duration_s,
        speed,
        ir_fps: opts.ir_fps,
        warm_cache: s.inputs.warm,
        wall_s: started.elapsed().as_secs_f64(),
        first_track_s: watch.first_track_s.map(|t| t - started_wall),
        tracks_distinct: watch.tracks.values().map(|t| t.len()).sum(),
        alerts_by_kind,
        behaviours,
        patrol_answers: watch.acks.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        interceptions: watch.acks.get("arrived").copied().unwrap_or(0),
        patrol_tasks_sent: op_tasks,
        drone_missions: watch.drone_tasks.max(op_missions),
        units: units_stats,
        messages_lost: lost,
        alerts_committed: node_lines.iter().map(|n| n.alerts_committed).sum(),
        alerts_heard: watch.alert_lines.values().map(|h| h.len() as u64).sum(),
        alert_duplicates: watch.duplicates,
        track_batches: watch.track_batches,
        track_batches_dropped: node_lines.iter().map(|n| n.track_batches_dropped).sum(),
        alert_latency: Percentiles::of(std::mem::take(&mut watch.latency_ms)),
        nodes: node_lines,
        demo,
        total,
    })
}
