//! `run(cfg, shutdown)`: start the stages, report status, stop cleanly.
//!
//! Stages are tasks joined by bounded channels (mini-redis shape, with tokio-util's
//! `CancellationToken` as the one shutdown signal): inputs → detections channel → tracker →
//! bus. Alerts (from an `alerts` input today, from the anomaly stage once it lands) are committed
//! to the bus's outbox directly. A status task publishes the retained health report.
//!
//! Batch replay: when every input is a file, `run` returns once the inputs are processed, the
//! tracker has flushed and the outbox is empty.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rumqttc::QoS;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::config::NodeConfig;
use super::input::{self, InputProbe};
use super::tracking::{self, TrackCounters};
use crate::bus::msg::{BusCounters, NodeState, QueueDepth, SensorHealth, StatusMsg};
use crate::bus::{BusError, BusHandle, BusOptions, Publish, bus, topic};
use crate::ingest::source::SourceState;

/// Why the node stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The bus could not be set up or its outbox failed.
    #[error(transparent)]
    Bus(#[from] BusError),
    /// The anomaly stage's zones could not be loaded.
    #[error("anomaly zones: {0}")]
    Zones(#[from] crate::anomaly::ZoneError),
    /// The data directory could not be created.
    #[error("data_dir {path}: {source}")]
    DataDir {
        /// The folder.
        path: std::path::PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// True when it ended because every file input was processed (batch replay).
    pub batch_complete: bool,
    /// The bus counters at the end.
    pub bus: BusCounters,
    /// Alerts still in the outbox (0 after a batch replay).
    pub outbox_depth: u64,
}

/// The bus options a node's config implies: persistent session, LWT `offline` on its status.
///
/// # Errors
/// [`BusError::Encode`] if the LWT cannot be encoded (it always can).
pub fn bus_options(cfg: &NodeConfig) -> Result<BusOptions, BusError> {
    let lwt = serde_json::to_vec(&StatusMsg::offline(&cfg.site))
        .map_err(|source| BusError::Encode { kind: "status", source })?;
    Ok(BusOptions {
        url: cfg.broker.url.clone(),
        client_id: cfg.broker.client_id.clone(),
        username: cfg.broker.username.clone(),
        password: cfg.broker.password.clone(),
        tls: cfg.broker.tls.clone(),
        keep_alive_s: cfg.broker.keep_alive_s,
        clean_session: false,
        last_will: Some((topic::status(&cfg.site), lwt)),
        subscriptions: vec![(topic::cmd(&cfg.site), QoS::AtLeastOnce)],
        outbox: Some(cfg.data_dir.join("outbox.sqlite")),
        outbox_max_rows: cfg.outbox.max_rows,
        alert_window: cfg.outbox.window,
        ..BusOptions::default()
    })
}

struct StatusCtx {
    site: String,
    started: Instant,
    probes: Vec<InputProbe>,
    last_lines: Vec<u64>,
    last_dets: u64,
    last_at: Instant,
    track: Arc<TrackCounters>,
    // Weak, so the status task does not keep the detections channel open after the inputs end.
    det_tx: mpsc::WeakSender<input::DetectionMsg>,
    det_cap: u64,
    bus: BusHandle,
    ptz: Option<super::cue::CueHandle>,
}

impl StatusCtx {
    fn report(&mut self) -> StatusMsg {
        let dt = self.last_at.elapsed().as_secs_f64().max(1e-3);
        self.last_at = Instant::now();
        let mut sensors = Vec::new();
        for (i, p) in self.probes.iter().enumerate() {
            let lines = p.counters.lines.load(Ordering::Relaxed);
            let rate = (lines.saturating_sub(self.last_lines[i])) as f64 / dt;
            self.last_lines[i] = lines;
            let state = match &p.status.borrow().state {
                SourceState::Connecting => "connecting".to_string(),
                SourceState::Connected => "up".to_string(),
                SourceState::BackingOff { .. } => "backing_off".to_string(),
                SourceState::Ended(r) => format!("ended: {r:?}").to_lowercase(),
            };
            sensors.push(SensorHealth {
                name: p.name.clone(),
                state,
                lines,
                rate_hz: rate,
                errors: p.counters.errors.load(Ordering::Relaxed),
            });
        }
        if let Some(p) = &self.ptz {
            sensors.push(p.health());
        }
        let dets = self.track.detections.load(Ordering::Relaxed);
        let det_rate = dets.saturating_sub(self.last_dets) as f64 / dt;
        self.last_dets = dets;
        let (bus_depth, bus_cap) = self.bus.queue_depth();
        let det_cap = self.det_cap;
        let det_depth = self.det_tx.upgrade().map_or(0, |s| det_cap - s.capacity() as u64);
        StatusMsg {
            schema: <StatusMsg as crate::bus::BusMessage>::SCHEMA.into(),
            site: self.site.clone(),
            state: NodeState::Online,
            time: Some(crate::bus::client::now_s()),
            uptime_s: self.started.elapsed().as_secs_f64(),
            sensors,
            queues: vec![
                QueueDepth { name: "detections".into(), depth: det_depth, capacity: det_cap },
                QueueDepth { name: "bus".into(), depth: bus_depth, capacity: bus_cap },
            ],
            outbox_depth: self.bus.outbox_depth(),
            tracks: self.track.tracks.load(Ordering::Relaxed),
            detection_rate_hz: det_rate,
            bus: self.bus.counters(),
        }
    }

    fn publish(&mut self) {
        let m = self.report();
        tracing::info!(
            uptime_s = m.uptime_s as u64,
            detection_rate_hz = m.detection_rate_hz,
            tracks = m.tracks,
            outbox_depth = m.outbox_depth,
            detections_queued = m.queues.first().map_or(0, |q| q.depth),
            sensor_errors = m.sensors.iter().map(|s| s.errors).sum::<u64>(),
            connected = self.bus.is_connected(),
            "status"
        );
        if let Ok(payload) = serde_json::to_vec(&m) {
            let p = Publish { topic: topic::status(&self.site), qos: QoS::AtLeastOnce, retain: true, payload };
            if self.bus.try_publish(p).is_err() {
                tracing::debug!("bus queue full: status report skipped (the next one follows)");
            }
        }
    }
}

/// Run an edge node until `shutdown` fires or, for a batch replay, until its inputs are done and
/// its outbox is empty.
///
/// # Errors
/// [`NodeError`] when the data directory, the outbox or the bus options are unusable.
///
/// # Panics
/// On a current-thread tokio runtime: the tracker step and outbox commits use
/// `block_in_place`, which needs the multi-thread runtime.
#[tracing::instrument(name = "node", skip_all, fields(site = %cfg.site))]
pub async fn run(cfg: NodeConfig, shutdown: CancellationToken) -> Result<RunSummary, NodeError> {
    std::fs::create_dir_all(&cfg.data_dir)
        .map_err(|source| NodeError::DataDir { path: cfg.data_dir.clone(), source })?;
    let (handle, mut bus_loop) = bus(bus_options(&cfg)?, cfg.queues.bus)?;
    let mut commands = bus_loop.incoming();
    let bus_stop = CancellationToken::new();
    let bus_task = tokio::spawn(bus_loop.run(bus_stop.clone()));
    let stages = shutdown.child_token();

    let (det_tx, det_rx) = mpsc::channel(cfg.queues.detections);
    let mut probes = Vec::new();
    let mut input_tasks = Vec::new();
    for i in &cfg.inputs {
        let (p, t) =
            input::spawn(i.clone(), cfg.site.clone(), cfg.queues.lines, det_tx.clone(), handle.clone(), stages.clone());
        probes.push(p);
        input_tasks.push(t);
    }
    let track_counters = Arc::new(TrackCounters::default());
    let anomaly = if cfg.anomaly.enabled {
        let zones = match &cfg.anomaly.zones_dir {
            Some(d) => crate::anomaly::Zones::from_dir(d)?,
            None => crate::anomaly::Zones::macau()?,
        };
        let ecfg = crate::anomaly::EngineConfig { site: cfg.site.clone(), ..Default::default() };
        Some(tracking::AnomalyStage {
            engine: crate::anomaly::Engine::new(ecfg, zones, crate::coast::Coast::macau()),
            ais: crate::anomaly::AisLog::default(),
            ir_chips: Default::default(),
        })
    } else {
        None
    };
    // The tracker's latest fixes, for cues naming a track: only kept when there is a head to cue.
    let board = cfg.ptz.is_some().then(super::cue::TrackBoard::default);
    let tracker_task = tokio::spawn(tracking::run(
        cfg.site.clone(),
        cfg.tracker.clone(),
        det_rx,
        handle.clone(),
        track_counters.clone(),
        anomaly,
        Duration::from_millis(cfg.intervals.tracks_ms),
        Duration::from_millis(cfg.intervals.scan_idle_ms),
        board.clone(),
        stages.clone(),
    ));
    let (ptz, ptz_task) = match cfg.ptz.clone() {
        Some(p) => {
            let (h, t) = super::cue::spawn(p, board, stages.clone());
            (Some(h), Some(t))
        }
        None => (None, None),
    };
    let mut status = StatusCtx {
        site: cfg.site.clone(),
        started: Instant::now(),
        last_lines: vec![0; probes.len()],
        probes,
        last_dets: 0,
        last_at: Instant::now(),
        track: track_counters,
        det_tx: det_tx.downgrade(),
        det_cap: cfg.queues.detections as u64,
        bus: handle.clone(),
        ptz,
    };
    drop(det_tx);
    status.publish();

    let inputs_done = async {
        for t in input_tasks {
            let _ = t.await;
        }
    };
    tokio::pin!(inputs_done);
    let mut inputs_finished = false;
    let mut tick = tokio::time::interval(Duration::from_millis(cfg.intervals.status_ms));
    let mut drain_tick = tokio::time::interval(Duration::from_millis(20));
    let batch = cfg.is_batch();
    let mut batch_complete = false;
    loop {
        tokio::select! {
            // Cancel-safe: observing the token.
            _ = shutdown.cancelled() => break,
            // Cancel-safe: the pinned future keeps its progress across turns.
            _ = &mut inputs_done, if !inputs_finished => {
                inputs_finished = true;
                tracing::info!("all inputs ended");
            }
            // Cancel-safe: `Interval::tick`.
            _ = tick.tick() => status.publish(),
            // Cancel-safe: `recv` loses nothing.
            Some(c) = commands.recv() => {
                match c.message {
                    Ok(crate::bus::msg::Message::Cmd(m)) => dispatch(&m, status.ptz.as_ref()),
                    Ok(m) => tracing::warn!(topic = %c.topic, message = ?m, "not a command on the command topic: ignored"),
                    // Already counted in the bus's `rejected` counter (status `bus.rejected`).
                    Err(why) => tracing::warn!(reason = %why, "invalid command rejected"),
                }
            }
            // Cancel-safe: `Interval::tick`. Batch end: inputs done, tracker flushed, outbox empty.
            _ = drain_tick.tick(), if batch && inputs_finished => {
                if tracker_task.is_finished() && handle.outbox_depth() == 0 {
                    batch_complete = true;
                    break;
                }
            }
        }
    }
    stages.cancel();
    let _ = tracker_task.await;
    if let Some(t) = ptz_task {
        let _ = t.await;
    }
    status.publish();
    // Give the last status a moment to leave before the loop sends `offline` and disconnects.
    tokio::task::yield_now().await;
    bus_stop.cancel();
    let counters = match bus_task.await {
        Ok(r) => r?,
        Err(_) => handle.counters(),
    };
    Ok(RunSummary { batch_complete, bus: counters, outbox_depth: handle.outbox_depth() })
}

/// Acts on one validated command: `slew_to_cue` goes to the PTZ task (`[ptz]`), the rest is
/// logged.
fn dispatch(m: &crate::bus::msg::CommandMsg, ptz: Option<&super::cue::CueHandle>) {
    use crate::bus::msg::Command;
    match (&m.command, ptz) {
        (Command::SlewToCue { bearing_deg, range_m, track_id, sog_kn, cog_deg, fix_time }, Some(p)) => {
            tracing::info!(id = %m.id, bearing_deg, "slew-to-cue received");
            p.cue(super::cue::CueRequest {
                bearing_deg: *bearing_deg,
                range_m: *range_m,
                track_id: track_id.clone(),
                sog_kn: *sog_kn,
                cog_deg: *cog_deg,
                // Without its own time, the position is as of the command's issue.
                fix_time_s: Some(fix_time.unwrap_or(m.time)),
            });
        }
        (Command::SlewToCue { .. }, None) => {
            tracing::warn!(id = %m.id, "slew-to-cue received but this node has no [ptz] head: ignored");
        }
        (Command::SensorConfig { .. }, _) => {
            tracing::info!(id = %m.id, command = ?m.command, "sensor config received (not applied at run time)");
        }
    }
}
