//! Evaluation clips: truth → rendered frames → FFV1/MKV + labels + the site calibration.
//!
//! One call writes, under a directory, `NAME.mkv` (16-bit FFV1), `NAME.labels.jsonl` (one line
//! per frame: `{"frame", "time", "targets": [TargetLabel…]}`, `frame` 0-based and `time` the
//! stream time in seconds as `seawarden detect` reports them), `NAME.site.toml` (the calibration
//! to pass to `seawarden detect --calibration`) and `NAME.truth.jsonl` (the truth rendered).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use calibration::{HeadAngles, SiteCalibration};
use serde::Serialize;

use super::render::{Renderer, SceneConfig, TargetLabel};
use super::truth::TruthTimeline;
use super::writer::Ffv1Writer;
use crate::ingest::thermal::{Frame16, ThermalError};

/// What to render.
#[derive(Debug, Clone)]
pub struct ClipSpec {
    /// File stem for the outputs.
    pub name: String,
    /// The camera and its site.
    pub calibration: SiteCalibration,
    /// Head angles during the clip (fixed).
    pub head: HeadAngles,
    /// Scene (noise, clutter, land, haze, glint).
    pub scene: SceneConfig,
    /// Number of frames.
    pub frames: u32,
    /// Frames per second.
    pub fps: u32,
    /// Vessel truth; frame `i` shows it at `truth_start_s + i / fps`.
    pub truth: TruthTimeline,
    /// Truth time of the first frame, seconds.
    pub truth_start_s: f64,
}

/// Where a clip was written and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipSummary {
    /// The video.
    pub video: PathBuf,
    /// Per-frame labels.
    pub labels: PathBuf,
    /// The calibration file.
    pub calibration: PathBuf,
    /// Frames written.
    pub frames: u64,
    /// Target labels written, over all frames.
    pub targets: u64,
}

/// One line of the labels file.
#[derive(Debug, Serialize)]
struct LabelLine<'a> {
    frame: u64,
    time: f64,
    targets: &'a [TargetLabel],
}

/// Renders and writes a clip (see the module docs).
///
/// # Errors
/// [`ThermalError::Write`] for I/O or encoder failures, or a calibration that does not build.
pub fn write_clip(spec: &ClipSpec, dir: &Path) -> Result<ClipSummary, ThermalError> {
    let io_err = |path: &Path, e: &dyn std::fmt::Display| ThermalError::Write { path: path.to_path_buf(), message: e.to_string() };
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, &e))?;
    let video = dir.join(format!("{}.mkv", spec.name));
    let labels_path = dir.join(format!("{}.labels.jsonl", spec.name));
    let cal_path = dir.join(format!("{}.site.toml", spec.name));
    let truth_path = dir.join(format!("{}.truth.jsonl", spec.name));
    let toml = toml::to_string(&spec.calibration).map_err(|e| io_err(&cal_path, &e))?;
    std::fs::write(&cal_path, toml).map_err(|e| io_err(&cal_path, &e))?;
    let mut truth_out = std::io::BufWriter::new(std::fs::File::create(&truth_path).map_err(|e| io_err(&truth_path, &e))?);
    for r in spec.truth.records() {
        let line = serde_json::to_string(r).map_err(|e| io_err(&truth_path, &e))?;
        writeln!(truth_out, "{line}").map_err(|e| io_err(&truth_path, &e))?;
    }
    truth_out.flush().map_err(|e| io_err(&truth_path, &e))?;

    let mut renderer = Renderer::new(&spec.calibration, spec.head, spec.scene.clone()).map_err(|e| io_err(&cal_path, &e))?;
    let (w, h) = renderer.size();
    let mut writer = Ffv1Writer::create(&video, w, h, spec.fps)?;
    let mut labels_out = std::io::BufWriter::new(std::fs::File::create(&labels_path).map_err(|e| io_err(&labels_path, &e))?);
    let mut frame = Frame16::filled(w, h, 0);
    let mut labels = Vec::new();
    let mut targets = 0u64;
    for i in 0..spec.frames {
        let time = f64::from(i) / f64::from(spec.fps.max(1));
        let vessels = spec.truth.at(spec.truth_start_s + time);
        labels.clear();
        renderer.render(time, &vessels, &mut frame, &mut labels);
        writer.write(&frame)?;
        targets += labels.len() as u64;
        let line = serde_json::to_string(&LabelLine { frame: u64::from(i), time, targets: &labels })
            .map_err(|e| io_err(&labels_path, &e))?;
        writeln!(labels_out, "{line}").map_err(|e| io_err(&labels_path, &e))?;
    }
    labels_out.flush().map_err(|e| io_err(&labels_path, &e))?;
    let frames = writer.finish()?;
    Ok(ClipSummary { video, labels: labels_path, calibration: cal_path, frames, targets })
}

/// The standard evaluation clips: one site (Outer Harbour, looking 150° with a 6° lens, 25 m
/// mast), random traffic from 400 m to 14 km, and four conditions: a calm night, a rough night
/// (many whitecaps), haze with a headland and its lights below the horizon, and dawn glint.
/// `frames` at 25 frames a second; deterministic.
pub fn evaluation_clips(frames: u32) -> Vec<ClipSpec> {
    use super::render::Glint;
    use super::truth::random_traffic;
    let calibration = SiteCalibration {
        pose: calibration::SitePose {
            lat: 22.197907,
            lon: 113.558966,
            mast_height_m: 25.0,
            heading_offset_deg: 150.0,
            tilt_offset_deg: -1.34,
            roll_deg: 0.0,
        },
        camera: calibration::CameraSpec {
            width_px: 640,
            height_px: 512,
            hfov_deg: Some(6.0),
            focal_px: None,
            k1: -0.02,
            k2: 0.0,
            cx_px: None,
            cy_px: None,
        },
    };
    let fps = 25;
    let duration = f64::from(frames) / f64::from(fps);
    let site = (calibration.pose.lat, calibration.pose.lon);
    let conditions = [
        ("calm_night", SceneConfig { seed: 11, clutter_counts: 8.0, whitecaps_per_s: 2.0, visibility_m: 20_000.0, lights: 30, ..SceneConfig::default() }),
        (
            "rough_night",
            SceneConfig {
                seed: 12,
                clutter_counts: 20.0,
                whitecaps_per_s: 25.0,
                whitecap_counts: 120.0,
                visibility_m: 10_000.0,
                lights: 30,
                ..SceneConfig::default()
            },
        ),
        (
            "hazy_headland",
            SceneConfig { seed: 13, whitecaps_per_s: 6.0, visibility_m: 5_000.0, headland: true, lights: 40, ..SceneConfig::default() },
        ),
        (
            "dawn_glint",
            SceneConfig {
                seed: 14,
                whitecaps_per_s: 6.0,
                visibility_m: 12_000.0,
                glint: Some(Glint { bearing_deg: 152.0, spread_deg: 1.0, specks_per_frame: 60, counts: 1_500.0 }),
                ..SceneConfig::default()
            },
        ),
    ];
    conditions
        .into_iter()
        .enumerate()
        .map(|(i, (name, scene))| ClipSpec {
            name: name.to_owned(),
            calibration,
            head: HeadAngles::default(),
            scene,
            frames,
            fps,
            truth: random_traffic(site, 150.0, 3.0, 400.0, 14_000.0, 14, duration + 1.0, 100 + i as u64),
            truth_start_s: 0.0,
        })
        .collect()
}
