//! `seawarden detect`: the IR pipeline over a video, one JSON line per detection.
//!
//! Contract (DESIGN.md): `{"frame", "time", "x", "y", "w", "h", "score", "class"}` in pixels,
//! plus `"bearing_deg"`, `"range_m"`, `"lat"`, `"lon"` when calibrated (range and position only
//! for a waterline below the horizon). `frame` is 0-based in decode order, `time` the stream
//! timestamp in seconds, a box covers columns `[x, x + w)`. Every frame of a file is processed;
//! decoding runs on GStreamer's thread while this one detects, so the two overlap.
use std::path::PathBuf;
use std::process::ExitCode;

/// Run the IR detector over a video and write detections as JSONL.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Video: a file path or file://, rtsp://…, v4l2:///dev/videoN, videotestsrc://?….
    #[arg(long)]
    input: String,
    /// Site calibration TOML (`[pose]` + `[camera]`): adds bearing, range and lat/lon, masks sky
    /// by the calibrated horizon instead of finding it in the image, and runs the model only on
    /// the rows from just above the horizon down (faster in proportion to the sky skipped).
    #[arg(long)]
    calibration: Option<PathBuf>,
    /// Output JSONL file (`-` for stdout).
    #[arg(long)]
    output: PathBuf,
    /// Detector: `model` (the shipped ONNX model on every frame: the measured best, see
    /// assets/models/MODEL.md), `classical` (hot-spot CFAR, no model, fastest) or `cascade`
    /// (classical proposes, the model verifies).
    #[arg(long, default_value = "model", value_parser = parse_kind)]
    detector: DetectorKindArg,
    /// ONNX model for `model` and `cascade` (default: the shipped assets/models/seawarden-ir-boat.onnx).
    #[arg(long)]
    model: Option<PathBuf>,
    /// The model's confidence threshold, [0, 1] (default: the model's measured best, 0.5).
    #[arg(long)]
    confidence: Option<f32>,
    /// Classical detection threshold, local clutter standard deviations (higher: fewer false alarms).
    #[arg(long, default_value_t = 5.0)]
    threshold_sigma: f32,
    /// Stop after this many frames (for live sources).
    #[arg(long)]
    max_frames: Option<u64>,
}

/// The detector's name as given (checked against the known names; resolved when thermal is built).
#[derive(Debug, Clone)]
pub struct DetectorKindArg(String);

fn parse_kind(s: &str) -> Result<DetectorKindArg, String> {
    match s {
        "model" | "classical" | "cascade" | "onnx" | "hotspot" | "verified" => Ok(DetectorKindArg(s.to_owned())),
        _ => Err(format!("unknown detector {s:?}: expected model, classical or cascade")),
    }
}

/// Run the subcommand.
#[cfg(not(feature = "thermal"))]
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let _ = &args.detector.0;
    anyhow::bail!("this seawarden was built without the `thermal` feature (GStreamer); rebuild with it")
}

/// One output line.
#[cfg(feature = "thermal")]
#[derive(Debug, serde::Serialize)]
struct Line<'a> {
    frame: u64,
    time: f64,
    x: u32,
    y: u32,
    w: u32,
    h: u32,
    score: f32,
    class: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bearing_deg: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    range_m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lon: Option<f64>,
}

/// Run the subcommand.
#[cfg(feature = "thermal")]
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    use std::io::Write as _;
    use std::time::Instant;

    use anyhow::Context as _;
    use calibration::CameraModel as _;
    use seawarden::ingest::thermal::{Capture, CaptureOptions, Detector, DetectorChoice};

    let choice = DetectorChoice {
        kind: args.detector.0.parse().map_err(anyhow::Error::msg)?,
        model: args.model.clone().unwrap_or_else(seawarden::ingest::thermal::pipeline::shipped_model),
        threshold_sigma: args.threshold_sigma,
        confidence: args.confidence,
    };
    // onnxruntime loads the model on a second thread while GStreamer pre-rolls the file on this
    // one: start-up is the longer of the two, not their sum. A bad detector is reported first.
    let (built, capture) = std::thread::scope(|s| {
        let building = s.spawn(|| build_detector(args, &choice));
        let capture = Capture::open(&args.input, CaptureOptions::default());
        (building.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), capture)
    });
    let (mut detector, geolocator) = built?;
    tracing::info!(detector = %detector.kind(), "detector ready");
    let mut capture = capture.with_context(|| format!("opening {}", args.input))?;
    let out: Box<dyn std::io::Write> = if args.output.as_os_str() == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::fs::File::create(&args.output).with_context(|| format!("creating {}", args.output.display()))?)
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    let started = Instant::now();
    let (mut frames, mut detections, mut skipped) = (0u64, 0u64, 0u64);
    // Time inside the detector alone: with decoding on GStreamer's thread, the command keeps
    // up with the decoder as long as this stays below the decoder's time per frame.
    let mut detect_s = 0.0f64;
    let mut blobs = Vec::new();
    while let Some(frame) = capture.next_frame().with_context(|| format!("reading {}", args.input))? {
        if args.max_frames.is_some_and(|m| frames >= m) {
            break;
        }
        frames += 1;
        let Some(view) = frame.view() else {
            skipped += 1;
            continue;
        };
        if let Some(g) = &geolocator {
            let (w, h) = g.camera().camera().size_px();
            if (w as usize, h as usize) != (view.width(), view.height()) {
                anyhow::bail!(
                    "{} is {}×{} but the calibration is for {w}×{h}",
                    args.input,
                    view.width(),
                    view.height()
                );
            }
        }
        blobs.clear();
        let t0 = Instant::now();
        detector.detect(&view, &mut blobs);
        detect_s += t0.elapsed().as_secs_f64();
        for b in &blobs {
            let loc = geolocator.as_ref().and_then(|g| g.locate(b).ok());
            let line = Line {
                frame: frame.index(),
                time: frame.time_s(),
                x: b.x,
                y: b.y,
                w: b.w,
                h: b.h,
                score: b.score,
                class: detector.class_name(b.class_id),
                bearing_deg: loc.map(|l| l.bearing_deg),
                range_m: loc.and_then(|l| l.range_m.map(|r| r.0)),
                lat: loc.and_then(|l| l.lat_lon.map(|p| p.0)),
                lon: loc.and_then(|l| l.lat_lon.map(|p| p.1)),
            };
            serde_json::to_writer(&mut out, &line)?;
            out.write_all(b"\n")?;
            detections += 1;
        }
    }
    out.flush().with_context(|| format!("writing {}", args.output.display()))?;
    let secs = started.elapsed().as_secs_f64();
    let stats = capture.stats();
    tracing::info!(
        frames,
        detections,
        skipped,
        dropped = stats.dropped,
        reconnects = stats.reconnects,
        fps = frames as f64 / secs.max(1e-9),
        detector_ms_per_frame = 1e3 * detect_s / frames.max(1) as f64,
        "detect finished"
    );
    eprintln!(
        "seawarden detect: {frames} frames, {detections} detections in {secs:.2} s ({:.1} frames/s; detector {:.2} ms/frame){}",
        frames as f64 / secs.max(1e-9),
        1e3 * detect_s / frames.max(1) as f64,
        if stats.dropped > 0 { format!(", {} frames dropped (live)", stats.dropped) } else { String::new() }
    );
    Ok(ExitCode::SUCCESS)
}

/// The detector `args` ask for, and with `--calibration` the geolocator of its camera.
#[cfg(feature = "thermal")]
fn build_detector(
    args: &Args,
    choice: &seawarden::ingest::thermal::DetectorChoice,
) -> anyhow::Result<(seawarden::ingest::thermal::onnx::AnyDetector, Option<seawarden::ingest::thermal::Geolocator>)> {
    use anyhow::Context as _;
    use calibration::SiteCalibration;
    use seawarden::ingest::thermal::HorizonSource;

    match &args.calibration {
        Some(path) => {
            let cal = SiteCalibration::from_path(path).with_context(|| format!("reading {}", path.display()))?;
            let (d, g) = seawarden::ingest::thermal::calibrated_detector(&cal, "ir", choice)
                .with_context(|| format!("calibration {}", path.display()))?;
            Ok((d, Some(g)))
        }
        None => {
            Ok((choice.build(HorizonSource::FromImage).with_context(|| format!("detector `{}`", choice.kind))?, None))
        }
    }
}
