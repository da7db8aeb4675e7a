//! Slew-to-cue on the edge: `slew_to_cue` commands from the console steer the node's PTZ head.
//!
//! One task owns the head's link (`[ptz]` in `node.toml`: TCP or serial, Pelco-D or Pelco-P).
//! For each cue it asks the head where it points, computes pan/tilt/zoom with
//! [`firmware_bridge::cue::SlewToCue`] (true bearing → head pan through the site pose of the
//! calibration, range → tilt below the horizon and zoom), sends the absolute-position commands,
//! and polls the head's position until it is on target (or a deadline passes). A newer cue
//! replaces one in progress.
//!
//! Lead: the aim is where the target will be when the head arrives (the slew time depends on
//! the aim; `SlewToCue::aim` solves both). The target's motion comes, best first, from
//! - the node's own tracker, when the cue names a `track_id` it tracks: its freshest fix
//!   ([`TrackBoard`]), dead-reckoned from the fix's time to now. While the head slews, a newer
//!   fix that moves the arrival point beyond the on-target tolerance re-aims the head (at most
//!   [`MAX_REAIMS`] times), so "on target" means on the target's predicted position;
//! - the command's `sog_kn`/`cog_deg`, dead-reckoned from its `fix_time` (else its `time`);
//! - else none: a still target at the commanded bearing.
//!
//! A fix older than [`MAX_FIX_AGE_S`] (or from the future) is aimed at as it is, not
//! dead-reckoned: its clock is a replay's or the track is stale, and extrapolating it would
//! point the head at open water.
//!
//! Health: the node's status report has one `sensors` entry for the head (named `[ptz].name`,
//! default `ptz`): `state` is `connecting`, `up`, `slewing`, `on_target`, `backing_off` or
//! `failed: …`; `lines` counts cues received, `errors` cues that failed (unreachable head, no
//! answer, a cue that cannot be computed). A head that cannot be reached is retried with
//! backoff; the node never stops for it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use calibration::SitePose;
use firmware_bridge::cue::{Cue, CueConfig, OnTarget, SlewToCue, Target};
use firmware_bridge::head::{HeadConfig, HeadPose};
use firmware_bridge::transport::{PtzLink, TransportError};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::config::{PtzConfig, PtzUrl};
use crate::bus::msg::SensorHealth;
use crate::track::Track;

/// Range assumed for a cue without one, metres: mid-distance for a coastal thermal camera
/// (only tilt and zoom depend on it).
pub const DEFAULT_RANGE_M: f64 = 3_000.0;
/// Cues waiting while the head is busy; a burst beyond this is dropped (counted as errors).
const QUEUE: usize = 8;
/// How long the head may take to answer a position query.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(2);
/// Oldest fix dead-reckoned to now, seconds. Beyond it (or for a fix from the future) the fix's
/// clock is not this node's (a replay) or the track is stale: it is aimed at as it is.
pub const MAX_FIX_AGE_S: f64 = 60.0;
/// Re-aims per cue when a fresher track fix moves the arrival point out of tolerance: bounds the
/// chase of a track whose velocity estimate jitters.
pub const MAX_REAIMS: u32 = 3;
/// Metres per second in a knot.
const MPS_PER_KN: f64 = 1_852.0 / 3_600.0;

/// One cue: where to look, and how the target moves.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CueRequest {
    /// True bearing from the site, degrees.
    pub bearing_deg: f64,
    /// Range, metres (for tilt and zoom); `None` uses [`DEFAULT_RANGE_M`].
    pub range_m: Option<f64>,
    /// The track cued: looked up in the node's [`TrackBoard`] for the freshest fix and velocity.
    pub track_id: Option<String>,
    /// The target's speed over ground from the console, knots (with `cog_deg`).
    pub sog_kn: Option<f64>,
    /// The target's course over ground from the console, true degrees.
    pub cog_deg: Option<f64>,
    /// When the target was at `bearing_deg`/`range_m`, seconds since the Unix epoch.
    pub fix_time_s: Option<f64>,
}

/// A confirmed track's latest fix, as the node's tracker has it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackFix {
    /// Time of the fix, seconds since the Unix epoch (the detections' clock).
    pub time_s: f64,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Speed over ground, knots.
    pub sog_kn: f64,
    /// Course over ground, true degrees.
    pub cog_deg: f64,
}

/// The latest fix of each confirmed track of the node's tracker, shared with the PTZ task: a
/// cue naming a track aims from the freshest data the node has, not the console's copy (which
/// is up to a track batch and a network hop old). Only kept when the node has a `[ptz]` head.
#[derive(Debug, Clone, Default)]
pub struct TrackBoard(Arc<RwLock<HashMap<String, TrackFix>>>);

impl TrackBoard {
    /// Replaces the board with these tracks (after each tracker step).
    pub fn update(&self, tracks: &[Track]) {
        let mut map = self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.clear();
        map.extend(tracks.iter().map(|t| {
            let fix =
                TrackFix { time_s: t.time_s, lat: t.lat_deg, lon: t.lon_deg, sog_kn: t.sog_kn, cog_deg: t.cog_deg };
            (t.id.0.clone(), fix)
        }));
    }

    /// The latest fix of track `id`, if it is confirmed now.
    pub fn get(&self, id: &str) -> Option<TrackFix> {
        self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner).get(id).copied()
    }
}

/// Where a cue's target motion came from (for the log and the re-aim).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Basis {
    /// The node's tracker; the fix's time.
    Track {
        /// Time of the fix used, seconds since the Unix epoch.
        fix_time_s: f64,
    },
    /// The command's speed and course.
    Command,
    /// No motion known: a still target.
    Still,
}

impl Basis {
    /// Its name in the log.
    fn name(&self) -> &'static str {
        match self {
            Basis::Track { .. } => "track",
            Basis::Command => "command",
            Basis::Still => "still",
        }
    }
}

/// Seconds to dead-reckon a fix that is `age_s` old: all of it within [`MAX_FIX_AGE_S`], none
/// outside (see the module doc).
fn dead_reckon_s(age_s: f64) -> f64 {
    if (0.0..=MAX_FIX_AGE_S).contains(&age_s) { age_s } else { 0.0 }
}

/// `v` if finite, else 0 (a track without a velocity estimate is aimed at as still).
fn finite_or_zero(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

/// A tracked target as of `now_s`, from its fix, seen from `site`.
fn from_fix(fix: &TrackFix, site: &SitePose, now_s: f64) -> Target {
    let speed_mps = finite_or_zero(fix.sog_kn).max(0.0) * MPS_PER_KN;
    Target::from_lat_lon(site, fix.lat, fix.lon, speed_mps, finite_or_zero(fix.cog_deg))
        .advanced(dead_reckon_s(now_s - fix.time_s))
}

/// The cue's target as of `now_s` (seconds since the Unix epoch), and where its motion came
/// from: the board's fix of the named track, else the command's velocity, else still.
pub fn resolve(request: &CueRequest, board: Option<&TrackBoard>, site: &SitePose, now_s: f64) -> (Target, Basis) {
    if let Some(fix) = request.track_id.as_deref().and_then(|id| board?.get(id))
        && fix.lat.is_finite()
        && fix.lon.is_finite()
    {
        return (from_fix(&fix, site, now_s), Basis::Track { fix_time_s: fix.time_s });
    }
    let range_m = request.range_m.filter(|r| r.is_finite() && *r > 0.0).unwrap_or(DEFAULT_RANGE_M);
    match (request.sog_kn, request.cog_deg) {
        (Some(sog), Some(cog)) if sog.is_finite() && cog.is_finite() => {
            let target = Target::from_course(request.bearing_deg, range_m, sog.max(0.0) * MPS_PER_KN, cog);
            let age_s = request.fix_time_s.map_or(0.0, |t| now_s - t);
            (target.advanced(dead_reckon_s(age_s)), Basis::Command)
        }
        _ => (Target::from_course(request.bearing_deg, range_m, 0.0, 0.0), Basis::Still),
    }
}

/// Whether `fix`, dead-reckoned to when the head arrives (`arrival_s`), lies outside
/// `tolerance_deg` of `cue`'s aim on either axis: then the head would arrive beside the target.
fn arrival_missed(cuer: &SlewToCue, fix: &TrackFix, arrival_s: f64, cue: &Cue, tolerance_deg: f64) -> bool {
    let (bearing_deg, range_m) = from_fix(fix, cuer.site(), arrival_s).at(0.0);
    let (pan_deg, tilt_deg) = cuer.head_angles(bearing_deg, range_m);
    let pan_err = ((pan_deg - cue.pan_deg + 540.0).rem_euclid(360.0) - 180.0).abs();
    pan_err > tolerance_deg || (tilt_deg - cue.tilt_deg).abs() > tolerance_deg
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

/// Starts the PTZ task; it runs until `shutdown`. `board` is the node tracker's latest fixes, for
/// cues that name a track.
pub fn spawn(
    cfg: PtzConfig,
    board: Option<TrackBoard>,
    shutdown: CancellationToken,
) -> (CueHandle, tokio::task::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel(QUEUE);
    let (state_tx, state) = watch::channel("connecting".to_owned());
    let counters = Arc::new(Counters::default());
    let handle = CueHandle { name: cfg.name.clone(), tx, state, counters: counters.clone() };
    let span = tracing::info_span!("ptz", head = %cfg.name);
    let task = tokio::spawn(tracing::Instrument::instrument(run(cfg, board, rx, state_tx, counters, shutdown), span));
    (handle, task)
}

async fn run(
    cfg: PtzConfig,
    board: Option<TrackBoard>,
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
                    Ok(link) => serve(link, &cfg, &cuer, board.as_ref(), &mut rx, &state, &counters, &shutdown).await,
                    Err(e) => Err(e),
                }
            }
            PtzUrl::Serial { path, baud } => {
                match firmware_bridge::transport::open_serial_with(path, *baud, cfg.address, cfg.protocol) {
                    Ok(link) => serve(link, &cfg, &cuer, board.as_ref(), &mut rx, &state, &counters, &shutdown).await,
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
#[allow(clippy::too_many_arguments)]
async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut link: PtzLink<S>,
    cfg: &PtzConfig,
    cuer: &SlewToCue,
    board: Option<&TrackBoard>,
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
        let Some(mut aimed) = aim_and_send(&mut link, cfg, cuer, board, &request, start, counters).await? else {
            continue;
        };
        state.send_replace("slewing".to_owned());
        let mut reaims = 0;
        let poll = Duration::from_millis(cfg.poll_ms);
        loop {
            let pose = answer(link.query_pose_with(|c| {
                aimed.watch.observe(c);
            }))
            .await?;
            if aimed.watch.is_on_target() {
                counters.on_target.fetch_add(1, Ordering::Relaxed);
                let (pan_err, tilt_err) = aimed.watch.error_deg().unwrap_or_default();
                tracing::info!(
                    bearing_deg = aimed.cue.bearing_deg,
                    range_m = aimed.cue.range_m,
                    track_id = request.track_id.as_deref().unwrap_or(""),
                    pan_error_deg = pan_err,
                    tilt_error_deg = tilt_err,
                    "PTZ on target"
                );
                state.send_replace("on_target".to_owned());
                break;
            }
            // A fresher fix of the cued track that puts it elsewhere on arrival: re-aim.
            if let (Basis::Track { fix_time_s }, Some(id)) = (aimed.basis, request.track_id.as_deref())
                && reaims < MAX_REAIMS
                && let Some(fix) = board.and_then(|b| b.get(id))
                && fix.time_s > fix_time_s
            {
                let arrival_s = aimed.sent_s + aimed.cue.lead_s;
                let missed = arrival_missed(cuer, &fix, arrival_s, &aimed.cue, aimed.watch.tolerance_deg());
                tracing::debug!(
                    track_id = id,
                    fix_time_s = fix.time_s,
                    sog_kn = fix.sog_kn,
                    cog_deg = fix.cog_deg,
                    missed,
                    "fresher fix of the cued track"
                );
                if missed {
                    reaims += 1;
                    tracing::info!(track_id = id, reaims, "cued track moved off the aim: re-aiming");
                    match aim_and_send(&mut link, cfg, cuer, board, &request, pose, counters).await? {
                        Some(a) => aimed = a,
                        None => {
                            state.send_replace("up".to_owned());
                            break;
                        }
                    }
                } else {
                    aimed.basis = Basis::Track { fix_time_s: fix.time_s };
                }
            }
            if Instant::now() > aimed.deadline {
                counters.errors.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(error = ?aimed.watch.error_deg(), "PTZ head did not reach the cue in time");
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

/// A cue sent to the head, and how to tell it arrived.
struct Aimed {
    cue: Cue,
    watch: OnTarget,
    basis: Basis,
    /// When the commands were sent, seconds since the Unix epoch.
    sent_s: f64,
    deadline: Instant,
}

/// Aims at the request's target as of now from the head's pose `from` and sends the commands;
/// `None` (counted, logged) when no aim can be computed.
async fn aim_and_send<S: AsyncRead + AsyncWrite + Unpin>(
    link: &mut PtzLink<S>,
    cfg: &PtzConfig,
    cuer: &SlewToCue,
    board: Option<&TrackBoard>,
    request: &CueRequest,
    from: HeadPose,
    counters: &Counters,
) -> Result<Option<Aimed>, TransportError> {
    let now_s = crate::bus::client::now_s();
    let (target, basis) = resolve(request, board, cuer.site(), now_s);
    let (cue, commands) = match cuer.aim(from, &target).and_then(|c| Ok((c, c.commands()?))) {
        Ok(c) => c,
        Err(e) => {
            counters.errors.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(error = %e, bearing_deg = request.bearing_deg, "cue cannot be computed");
            return Ok(None);
        }
    };
    link.send(&commands).await?;
    tracing::info!(
        bearing_deg = request.bearing_deg,
        track_id = request.track_id.as_deref().unwrap_or(""),
        motion = basis.name(),
        east_mps = target.east_mps,
        north_mps = target.north_mps,
        aim_bearing_deg = cue.bearing_deg,
        aim_range_m = cue.range_m,
        pan_deg = cue.pan_deg,
        tilt_deg = cue.tilt_deg,
        zoom = cue.zoom,
        slew_s = cue.lead_s,
        "slewing to cue"
    );
    let watch = match cfg.tolerance_deg {
        Some(t) => OnTarget::new(&cue, t),
        None => cuer.watch(&cue),
    };
    let deadline = Instant::now() + Duration::from_secs_f64(2.0 * cue.lead_s + 10.0);
    Ok(Some(Aimed { cue, watch, basis, sent_s: now_s, deadline }))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::track::{TrackId, TrackStatus, VesselClass};

    fn site() -> SitePose {
        SitePose {
            lat: 22.17,
            lon: 113.54,
            mast_height_m: 25.0,
            heading_offset_deg: 0.0,
            tilt_offset_deg: 0.0,
            roll_deg: 0.0,
        }
    }

    fn track(id: &str, time_s: f64, lat: f64, lon: f64, sog_kn: f64, cog_deg: f64) -> Track {
        Track {
            id: TrackId(id.into()),
            time_s,
            lat_deg: lat,
            lon_deg: lon,
            sog_kn,
            cog_deg,
            cov_en: [[0.0; 4]; 4],
            status: TrackStatus::Confirmed,
            sources: Vec::new(),
            identity: Default::default(),
            class: VesselClass::Unknown,
            length_m: None,
            dark: true,
            history: Vec::new(),
        }
    }

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-6 && (a.1 - b.1).abs() < 1e-3
    }

    /// A cue naming a tracked boat aims from the tracker's fix, dead-reckoned to now, whatever
    /// stale bearing the console sent.
    #[test]
    fn a_tracked_target_is_taken_from_the_board_and_brought_up_to_now() {
        let board = TrackBoard::default();
        board.update(&[track("7", 1_000.0, 22.18, 113.55, 30.0, 90.0), track("8", 1_000.0, 22.0, 113.0, 0.0, 0.0)]);
        let request = CueRequest { bearing_deg: 300.0, track_id: Some("7".into()), ..Default::default() };
        let (target, basis) = resolve(&request, Some(&board), &site(), 1_010.0);
        assert_eq!(basis, Basis::Track { fix_time_s: 1_000.0 });
        let at_fix = Target::from_lat_lon(&site(), 22.18, 113.55, 30.0 * MPS_PER_KN, 90.0);
        assert!(close(target.at(0.0), at_fix.at(10.0)), "{target:?}");
        // 30 kn east for 10 s is 154 m: the bearing moved.
        assert!(target.bearing_deg - at_fix.bearing_deg > 3.0, "{target:?} vs {at_fix:?}");
        // A track the board no longer has falls back to the command.
        board.update(&[]);
        let (target, basis) = resolve(&request, Some(&board), &site(), 1_010.0);
        assert_eq!(basis, Basis::Still);
        assert!(close(target.at(0.0), (300.0, DEFAULT_RANGE_M)));
    }

    #[test]
    fn a_commanded_velocity_dead_reckons_from_the_fix_time() {
        let request = CueRequest {
            bearing_deg: 90.0,
            range_m: Some(1_000.0),
            sog_kn: Some(20.0),
            cog_deg: Some(0.0),
            fix_time_s: Some(500.0),
            ..Default::default()
        };
        let (target, basis) = resolve(&request, None, &site(), 504.0);
        assert_eq!(basis, Basis::Command);
        let still = Target::from_course(90.0, 1_000.0, 20.0 * MPS_PER_KN, 0.0);
        assert!(close(target.at(0.0), still.at(4.0)), "{target:?}");
        assert!((target.north_mps - 20.0 * MPS_PER_KN).abs() < 1e-9);
    }

    /// A fix from another clock (a replay's, or a skewed one) is aimed at as it is.
    #[test]
    fn fixes_too_old_or_from_the_future_are_not_dead_reckoned() {
        let request = |fix_time_s| CueRequest {
            bearing_deg: 90.0,
            range_m: Some(1_000.0),
            sog_kn: Some(20.0),
            cog_deg: Some(0.0),
            fix_time_s: Some(fix_time_s),
            ..Default::default()
        };
        for fix_time_s in [500.0 - MAX_FIX_AGE_S - 1.0, 501.0] {
            let (target, _) = resolve(&request(fix_time_s), None, &site(), 500.0);
            assert!(close(target.at(0.0), (90.0, 1_000.0)), "{fix_time_s}: {target:?}");
        }
    }

    #[test]
    fn a_fresher_fix_off_the_aim_calls_for_a_re_aim() {
        let cuer = SlewToCue::try_new(site(), CueConfig::default()).unwrap();
        let from = HeadPose { pan_deg: 0.0, tilt_deg: 0.0, zoom: 0.0 };
        let fix = TrackFix { time_s: 100.0, lat: 22.17, lon: 113.56, sog_kn: 20.0, cog_deg: 0.0 };
        let request = CueRequest { track_id: Some("1".into()), ..Default::default() };
        let board = TrackBoard::default();
        board.update(&[track("1", fix.time_s, fix.lat, fix.lon, fix.sog_kn, fix.cog_deg)]);
        let (target, _) = resolve(&request, Some(&board), &site(), 100.0);
        let cue = cuer.aim(from, &target).unwrap();
        let tol = cuer.watch(&cue).tolerance_deg();
        // The same motion a second later: still on the aim at arrival.
        let same = TrackFix { time_s: 101.0, lat: fix.lat + 10.29 / 111_000.0, ..fix };
        assert!(!arrival_missed(&cuer, &same, 100.0 + cue.lead_s, &cue, tol));
        // The boat turned hard south: it will be well off the aim.
        let turned = TrackFix { time_s: 101.0, cog_deg: 180.0, sog_kn: 40.0, ..fix };
        assert!(arrival_missed(&cuer, &turned, 100.0 + cue.lead_s + 20.0, &cue, tol));
    }
}
