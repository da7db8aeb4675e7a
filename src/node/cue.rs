//! Slew-to-cue on the edge: `slew_to_cue` commands from the console steer the node's PTZ head.
//!
//! One task owns the head's link (`[ptz]` in `node.toml`: TCP or serial, Pelco-D or Pelco-P).
//! For each cue it asks the head where it points, computes pan/tilt/zoom with
//! [`firmware_bridge::cue::SlewToCue`] (true bearing → head pan through the site pose of the
//! calibration, range → tilt below the horizon and zoom), sends the absolute-position commands,
//! and polls the head's position until it is on target (or a deadline passes). A newer cue
//! replaces one in progress. The command carries no target velocity, so the lead is for a
//! stationary target (the aim is where the target is when the command arrives).
//!
//! Health: the node's status report has one `sensors` entry for the head (named `[ptz].name`,
//! default `ptz`): `state` is `connecting`, `up`, `slewing`, `on_target`, `backing_off` or
//! `failed: …`; `lines` counts cues received, `errors` cues that failed (unreachable head, no
//! answer, a cue that cannot be computed). A head that cannot be reached is retried with
//! backoff; the node never stops for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use firmware_bridge::cue::{CueConfig, OnTarget, SlewToCue, Target};
use firmware_bridge::head::HeadConfig;
use firmware_bridge::transport::{PtzLink, TransportError};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::config::{PtzConfig, PtzUrl};
use crate::bus::msg::SensorHealth;

/// Range assumed for a cue without one, metres: mid-distance for a coastal thermal camera
/// (only tilt and zoom depend on it).
pub const DEFAULT_RANGE_M: f64 = 3_000.0;
/// Cues waiting while the head is busy; a burst beyond this is dropped (counted as errors).
const QUEUE: usize = 8;
/// How long the head may take to answer a position query.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(2);

/// One cue: where to look.
#[derive(Debug, Clone, PartialEq)]
pub struct CueRequest {
    /// True bearing from the site, degrees.
    pub bearing_deg: f64,
    /// Range, metres (for tilt and zoom); `None` uses [`DEFAULT_RANGE_M`].
    pub range_m: Option<f64>,
    /// The track cued, for the log.
    pub track_id: Option<String>,
}

/// The head's health, for the status report.
#[derive(Debug, Default)]
struct Counters {
    cues: AtomicU64,
    on_target: AtomicU64,
    errors: AtomicU64,
}

/// The node's handle on the PTZ task: send cues, read health.
#[derive(Debug, Clone)]
pub struct CueHandle {
    name: String,
    tx: mpsc::Sender<CueRequest>,
    state: watch::Receiver<String>,
    counters: Arc<Counters>,
}

impl CueHandle {
    /// Queues a cue; a full queue (a burst of cues while the head slews) drops it, counted.
    pub fn cue(&self, request: CueRequest) {
        self.counters.cues.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = self.tx.try_send(request) {
            self.counters.errors.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(error = %e, "slew-to-cue dropped: the PTZ task is busy or stopped");
        }
    }

    /// Cues that reached the target so far.
    pub fn on_target(&self) -> u64 {
        self.counters.on_target.load(Ordering::Relaxed)
    }

    /// The head's `sensors` entry in the status report.
    pub fn health(&self) -> SensorHealth {
        SensorHealth {
            name: self.name.clone(),
            state: self.state.borrow().clone(),
            lines: self.counters.cues.load(Ordering::Relaxed),
            rate_hz: 0.0,
            errors: self.counters.errors.load(Ordering::Relaxed),
        }
    }
}

/// Starts the PTZ task; it runs until `shutdown`.
pub fn spawn(cfg: PtzConfig, shutdown: CancellationToken) -> (CueHandle, tokio::task::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel(QUEUE);
    let (state_tx, state) = watch::channel("connecting".to_owned());
    let counters = Arc::new(Counters::default());
    let handle = CueHandle { name: cfg.name.clone(), tx, state, counters: counters.clone() };
    let span = tracing::info_span!("ptz", head = %cfg.name);
    let task = tokio::spawn(tracing::Instrument::instrument(run(cfg, rx, state_tx, counters, shutdown), span));
    (handle, task)
}

async fn run(
    cfg: PtzConfig,
    mut rx: mpsc::Receiver<CueRequest>,
    state: watch::Sender<String>,
    counters: Arc<Counters>,
    shutdown: CancellationToken,
) {
    let cuer = match load_cuer(&cfg) {
        Ok(c) => c,
        Err(why) => {
            tracing::error!(error = %why, "PTZ head cannot be cued; the node goes on without it");
            state.send_replace(format!("failed: {why}"));
            // Keep draining cues so they are counted and the sender never blocks.
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    r = rx.recv() => match r {
                        Some(_) => { counters.errors.fetch_add(1, Ordering::Relaxed); }
                        None => return,
                    },
                }
            }
        }
    };
    let mut backoff = Duration::from_millis(200);
    loop {
        state.send_replace("connecting".to_owned());
        let outcome = match &cfg.url {
            PtzUrl::Tcp(addr) => {
                match firmware_bridge::transport::connect_tcp_with(addr.as_str(), cfg.address, cfg.protocol).await {
                    Ok(link) => serve(link, &cfg, &cuer, &mut rx, &state, &counters, &shutdown).await,
                    Err(e) => Err(e),
                }
            }
            PtzUrl::Serial { path, baud } => {
                match firmware_bridge::transport::open_serial_with(path, *baud, cfg.address, cfg.protocol) {
                    Ok(link) => serve(link, &cfg, &cuer, &mut rx, &state, &counters, &shutdown).await,
                    Err(e) => Err(e),
                }
            }
        };
        match outcome {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = backoff.as_millis() as u64, "PTZ head unreachable");
                state.send_replace(format!("backing_off: {e}"));
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
}

/// The cue arithmetic for this head, from the calibration's site pose.
fn load_cuer(cfg: &PtzConfig) -> Result<SlewToCue, String> {
    let cal = calibration::SiteCalibration::from_path(&cfg.calibration)
        .map_err(|e| format!("calibration {}: {e}", cfg.calibration.display()))?;
    SlewToCue::try_new(cal.pose, CueConfig::for_head(&HeadConfig::default())).map_err(|e| e.to_string())
}

/// Serves cues over one connection; returns `Ok` on shutdown, the transport error otherwise.
async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut link: PtzLink<S>,
    cfg: &PtzConfig,
    cuer: &SlewToCue,
    rx: &mut mpsc::Receiver<CueRequest>,
    state: &watch::Sender<String>,
    counters: &Counters,
    shutdown: &CancellationToken,
) -> Result<(), TransportError> {
    // A first query proves the head answers.
    answer(link.query_pose()).await?;
    tracing::info!(protocol = %cfg.protocol, address = cfg.address, "PTZ head connected");
    state.send_replace("up".to_owned());
    let mut next = None;
    loop {
        let request = match next.take() {
            Some(r) => r,
            None => tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                r = rx.recv() => match r { Some(r) => r, None => return Ok(()) },
            },
        };
        let start = answer(link.query_pose()).await?;
        let range_m = request.range_m.filter(|r| r.is_finite() && *r > 0.0).unwrap_or(DEFAULT_RANGE_M);
        let target = Target::from_course(request.bearing_deg, range_m, 0.0, 0.0);
        let (cue, commands) = match cuer.aim(start, &target).and_then(|c| Ok((c, c.commands()?))) {
            Ok(c) => c,
            Err(e) => {
                counters.errors.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(error = %e, bearing_deg = request.bearing_deg, "cue cannot be computed");
                continue;
            }
        };
        link.send(&commands).await?;
        tracing::info!(
            bearing_deg = request.bearing_deg,
            range_m,
            track_id = request.track_id.as_deref().unwrap_or(""),
            pan_deg = cue.pan_deg,
            tilt_deg = cue.tilt_deg,
            zoom = cue.zoom,
            slew_s = cue.lead_s,
            "slewing to cue"
        );
        state.send_replace("slewing".to_owned());
        let mut watch = match cfg.tolerance_deg {
            Some(t) => OnTarget::new(&cue, t),
            None => cuer.watch(&cue),
        };
        let deadline = Instant::now() + Duration::from_secs_f64(2.0 * cue.lead_s + 10.0);
        let poll = Duration::from_millis(cfg.poll_ms);
        loop {
            answer(link.query_pose_with(|c| {
                watch.observe(c);
            }))
            .await?;
            if watch.is_on_target() {
                counters.on_target.fetch_add(1, Ordering::Relaxed);
                let (pan_err, tilt_err) = watch.error_deg().unwrap_or_default();
                tracing::info!(
                    bearing_deg = request.bearing_deg,
                    track_id = request.track_id.as_deref().unwrap_or(""),
                    pan_error_deg = pan_err,
                    tilt_error_deg = tilt_err,
                    "PTZ on target"
                );
                state.send_replace("on_target".to_owned());
                break;
            }
            if Instant::now() > deadline {
                counters.errors.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(error = ?watch.error_deg(), "PTZ head did not reach the cue in time");
                state.send_replace("up".to_owned());
                break;
            }
            tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                // A newer cue replaces this one.
                r = rx.recv() => match r {
                    Some(r) => { next = Some(r); break; }
                    None => return Ok(()),
                },
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }
}

/// A head query with [`ANSWER_TIMEOUT`]: a silent head is a failed link.
async fn answer<T>(f: impl std::future::Future<Output = Result<T, TransportError>>) -> Result<T, TransportError> {
    match tokio::time::timeout(ANSWER_TIMEOUT, f).await {
        Ok(r) => r,
        Err(_) => Err(TransportError::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("no answer within {} ms", ANSWER_TIMEOUT.as_millis()),
        ))),
    }
}
