//! Video input stage: GStreamer capture → detector → geolocator → [`Detection`]s, on a
//! dedicated thread (capture and detection block), into the same bounded detections channel as
//! the line inputs.
//!
//! Back-pressure: the thread hands detections to a small bounded channel that this input's task
//! forwards to the tracker; when the tracker is behind both fill, the thread blocks, and for a
//! file GStreamer's decoder waits on it (every frame processed). A live source never waits:
//! [`Capture`](crate::ingest::thermal::Capture) keeps the latest frame and counts the dropped.
//!
//! Time base: a frame's detections are stamped `wall clock at start + the frame's stream time`,
//! for live sources and files alike (a video file has no absolute time, unlike a measurements
//! file's `time` field), unless the input sets `start_time` (epoch seconds of stream time 0, for
//! a recorded clip whose start is known): then `start_time + stream time`, at any replay speed. A file is paced like the line inputs' `file://…?speed=S`: the frame at
//! stream time `t` is processed at `start + t / S`; `speed=0` goes as fast as the detector does
//! (stamps still advance by stream time, so the tracker sees the recorded motion).
//!
//! Counters in the status report: `lines` = frames, `errors` = frames that could not be used or
//! blobs that did not geolocate, plus one for a failure that ended the input; detections go to
//! the tracker's rate. A failure (camera unreachable after reconnects, bad calibration, a
//! resolution that does not match the calibration, a missing or malformed ONNX model for the
//! `model`/`cascade` detector) ends this input with its reason in the log and in the status
//! (`ended: failed("…")`); the node keeps running its other inputs.
//!
//! Detector: `detector = "model" | "classical" | "cascade"` on the input (default `model`, the
//! measured best; see `assets/models/MODEL.md`), `model = "…onnx"` (default: the shipped model).

use std::sync::Arc;

use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::config::Input;
use super::input::{DetectionMsg, InputCounters, InputProbe};
use crate::ingest::source::{EndReason, SourceState, SourceStatus};

/// Detections buffered between the video thread and its forwarding task.
#[cfg(feature = "thermal")]
const HANDOFF: usize = 64;

/// A probe and an already finished task for an input that cannot run: its status says why.
pub(super) fn failed(input: &Input, why: String) -> (InputProbe, tokio::task::JoinHandle<()>) {
    tracing::error!(input = %input.name, error = %why, "input cannot run");
    let status = SourceStatus {
        state: SourceState::Ended(EndReason::Failed(why.clone())),
        last_error: Some(why),
        ..SourceStatus::default()
    };
    let (_tx, rx) = watch::channel(status);
    let counters = Arc::new(InputCounters::default());
    counters.errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    (InputProbe { name: input.name.clone(), status: rx, counters }, tokio::spawn(async {}))
}

/// Start a video input; it ends when the file ends, on a failure, or on `shutdown`.
#[cfg(not(feature = "thermal"))]
pub fn spawn(
    input: Input,
    _site: String,
    _det_tx: mpsc::Sender<DetectionMsg>,
    _shutdown: CancellationToken,
) -> (InputProbe, tokio::task::JoinHandle<()>) {
    failed(&input, "video inputs need the `thermal` feature (GStreamer); this seawarden was built without it".into())
}

/// Start a video input; it ends when the file ends, on a failure, or on `shutdown`.
#[cfg(feature = "thermal")]
pub fn spawn(
    input: Input,
    site: String,
    det_tx: mpsc::Sender<DetectionMsg>,
    shutdown: CancellationToken,
) -> (InputProbe, tokio::task::JoinHandle<()>) {
    use tracing::Instrument as _;

    let Some(video) = input.video.clone() else {
        return failed(&input, "a video input without its video settings".into());
    };
    let (status_tx, status_rx) = watch::channel(SourceStatus::default());
    let counters = Arc::new(InputCounters::default());
    let probe = InputProbe { name: input.name.clone(), status: status_rx, counters: counters.clone() };
    let span = tracing::info_span!("input", site = %site, input = %input.name);
    let (tx, mut rx) = mpsc::channel::<DetectionMsg>(HANDOFF);
    let thread_span = span.clone();
    let thread_counters = counters.clone();
    let token = shutdown.clone();
    let sensor = input.sensor.clone();
    let spawned = std::thread::Builder::new().name(format!("video:{}", input.name)).spawn(move || {
        let _g = thread_span.enter();
        let end = match pipeline::run(&video, &sensor, &tx, &thread_counters, &status_tx, &token) {
            Ok(()) => EndReason::Finished,
            Err(why) => {
                tracing::error!(error = %why, "video input failed; the node goes on without it");
                thread_counters.errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                status_tx.send_modify(|s| s.last_error = Some(why.clone()));
                EndReason::Failed(why)
            }
        };
        status_tx.send_modify(|s| s.state = SourceState::Ended(end));
    });
    if let Err(e) = spawned {
        return failed(&input, format!("cannot start the video thread: {e}"));
    }
    let task = tokio::spawn(
        async move {
            loop {
                let d = tokio::select! {
                    // Cancel-safe: observing the token and `recv` lose nothing. Dropping `rx`
                    // on the way out ends the thread at its next detection or frame.
                    _ = shutdown.cancelled() => break,
                    d = rx.recv() => match d { Some(d) => d, None => break },
                };
                // Waiting here is the back-pressure from the tracker.
                if det_tx.send(d).await.is_err() {
                    break;
                }
                counters.out.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
        .instrument(span),
    );
    (probe, task)
}

#[cfg(feature = "thermal")]
mod pipeline {
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};

    use calibration::{CameraModel as _, SiteCalibration};
    use tokio::sync::{mpsc, watch};
    use tokio_util::sync::CancellationToken;

    use super::super::config::VideoInput;
    use super::super::input::{DetectionMsg, InputCounters};
    use crate::ingest::source::{SourceState, SourceStatus};
    use crate::ingest::thermal::{Capture, CaptureOptions, Detector as _, DetectorChoice, calibrated_detector};

    /// The detector settings of `video` (the defaults are `seawarden detect`'s).
    fn choice(video: &VideoInput) -> Result<DetectorChoice, String> {
        let mut c = DetectorChoice::default();
        if let Some(d) = &video.detector {
            c.kind = d.parse()?;
        }
        if let Some(m) = &video.model {
            c.model.clone_from(m);
        }
        Ok(c)
    }

    /// Capture, detect and geolocate until the source ends, the receiver goes or `token` fires.
    pub(super) fn run(
        video: &VideoInput,
        sensor: &str,
        tx: &mpsc::Sender<DetectionMsg>,
        counters: &InputCounters,
        status: &watch::Sender<SourceStatus>,
        token: &CancellationToken,
    ) -> Result<(), String> {
        let cal = SiteCalibration::from_path(&video.calibration)
            .map_err(|e| format!("calibration {}: {e}", video.calibration.display()))?;
        let choice = choice(video)?;
        let (mut detector, geolocator) = calibrated_detector(&cal, sensor, &choice).map_err(|e| match e {
            crate::ingest::thermal::PipelineError::Calibration(e) => {
                format!("calibration {}: {e}", video.calibration.display())
            }
            e => e.to_string(),
        })?;
        tracing::info!(detector = %detector.kind(), "video detector ready");
        let mut capture = Capture::open(&video.uri, CaptureOptions::default()).map_err(|e| e.to_string())?;
        status.send_modify(|s| s.state = SourceState::Connected);
        // Stream time 0: the clip's own start when the config gives it, else now.
        let wall0 = video.start_time.unwrap_or_else(crate::bus::client::now_s);
        let started = Instant::now();
        let (cw, ch) = geolocator.camera().camera().size_px();
        let mut blobs = Vec::new();
        loop {
            if token.is_cancelled() || tx.is_closed() {
                return Ok(());
            }
            let Some(frame) = capture.next_frame().map_err(|e| e.to_string())? else {
                return Ok(());
            };
            counters.lines.fetch_add(1, Ordering::Relaxed);
            status.send_modify(|s| s.lines += 1);
            let Some(view) = frame.view() else {
                counters.errors.fetch_add(1, Ordering::Relaxed);
                continue;
            };
            if (cw as usize, ch as usize) != (view.width(), view.height()) {
                return Err(format!(
                    "{} is {}×{} but the calibration {} is for {cw}×{ch}",
                    video.uri,
                    view.width(),
                    view.height(),
                    video.calibration.display()
                ));
            }
            blobs.clear();
            detector.detect(&view, &mut blobs);
            let t = frame.time_s();
            if let Some(speed) = video.file_speed.filter(|s| *s > 0.0) {
                let due = Duration::from_secs_f64((t / speed).clamp(0.0, 86_400.0));
                if let Some(wait) = due.checked_sub(started.elapsed()) {
                    std::thread::sleep(wait);
                }
            }
            for b in &blobs {
                match geolocator.detection(wall0 + t, b) {
                    Ok(d) => {
                        // The chip the tracker hands to this detection's track, for alert evidence.
                        if let Some(uri) = crate::ingest::thermal::snapshot::chip_uri(&view, b) {
                            crate::ingest::thermal::snapshot::remember(&d, uri);
                        }
                        if tx.blocking_send(DetectionMsg::Detection(d)).is_err() {
                            return Ok(());
                        }
                    }
                    Err(_) => {
                        counters.errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }
    }
}
