//! The learned IR detector: the shipped model on synthetic frames, bad models and a missing
//! runtime, and (ignored, run by `tools/train_detector/`) the training set writer and the
//! comparison of classical, cascaded and model-only detection on the standard evaluation clips.
//!
//! Tests that run a model need onnxruntime: `ORT_DYLIB_PATH` must name `libonnxruntime.so`
//! (`./x test` sets it). Without it they fail with a message saying so.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use calibration::{CameraSpec, HeadAngles, SiteCalibration, SitePose};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use seawarden::geodesy;
use seawarden::ingest::thermal::onnx::{
    Candidate, Onnx, OnnxConfig, OnnxError, RangeAdaptive, SHIPPED_MODEL, Verified, VerifyConfig, bands::split_row,
    sea_top_row,
};
use seawarden::ingest::thermal::{Blob, Detector, Frame16, HorizonSource, HotSpot, HotSpotConfig, calibrated_horizon};
use seawarden::sim::thermal::{
    Glint, Renderer, SceneConfig, TargetLabel, TruthRecord, evaluation_clips, random_traffic,
};

use crate::util::repo_root;

/// Fails with the fix when onnxruntime is not configured (rather than a confusing load error).
fn require_runtime() {
    match std::env::var_os("ORT_DYLIB_PATH") {
        Some(p) if Path::new(&p).is_file() => {}
        Some(p) => panic!(
            "ORT_DYLIB_PATH={} is not a file: run `./x setup` (or `./x test`, which sets it)",
            p.to_string_lossy()
        ),
        None => panic!(
            "ORT_DYLIB_PATH is not set: these tests load onnxruntime 1.31 dynamically; run them through `./x test`, \
             or `./x setup` and export ORT_DYLIB_PATH=$PWD/.cache/onnxruntime-1.31.1/libonnxruntime.so"
        ),
    }
}

fn shipped() -> PathBuf {
    repo_root().join(SHIPPED_MODEL)
}

fn testdata(name: &str) -> PathBuf {
    repo_root().join("assets/models/testdata").join(name)
}

/// The deployment camera of the standard clips: 640×512, 6° lens, 25 m mast.
fn eval_calibration() -> SiteCalibration {
    evaluation_clips(1).remove(0).calibration
}

fn boat(cal: &SiteCalibration, bearing: f64, range: f64, length_m: f64, cog_deg: f64) -> TruthRecord {
    let (lat, lon) = geodesy::destination(cal.pose.lat, cal.pose.lon, bearing, range);
    TruthRecord {
        time: 0.0,
        id: "b0".into(),
        lat,
        lon,
        sog_kn: 0.0,
        cog_deg,
        class: "speedboat".into(),
        length_m: Some(length_m),
    }
}

fn iou(b: &Blob, l: &TargetLabel) -> f64 {
    b.iou(&Blob { x: l.x, y: l.y, w: l.w, h: l.h, score: 1.0, class_id: 0, contrast: 0.0, snr: 0.0 })
}

mod shipped_model {
    use super::*;

    /// The fifth frame of a calm evaluation sea with one 12 m boat 1.6 km out, and its label.
    fn calm_sea_with_one_boat() -> (Renderer, Frame16, Vec<TargetLabel>) {
        let cal = eval_calibration();
        let mut r = Renderer::new(&cal, HeadAngles::default(), SceneConfig { seed: 77, ..Default::default() }).unwrap();
        let boats = [boat(&cal, 150.6, 1_600.0, 12.0, 60.0)];
        let (mut frame, mut labels) = (Frame16::filled(1, 1, 0), Vec::new());
        for i in 0..5 {
            labels.clear();
            r.render(f64::from(i) * 0.04, &boats, &mut frame, &mut labels);
        }
        (r, frame, labels)
    }

    #[test]
    fn loads_with_one_grey_input_and_the_boat_class() {
        require_runtime();
        let det = Onnx::try_new(OnnxConfig::new(shipped())).unwrap();
        assert_eq!(det.channels(), 1);
        assert_eq!(det.class_names(), ["boat".to_owned()]);
        assert_eq!(det.fixed_input_size(), None, "the shipped model takes any multiple of 32");
        assert_eq!(det.input_size_for(640, 512), (640, 512));
    }

    #[test]
    fn finds_a_boat_where_the_renderer_put_it() {
        require_runtime();
        let (_, frame, labels) = calm_sea_with_one_boat();
        assert_eq!(labels.len(), 1);
        let mut det = Onnx::try_new(OnnxConfig::new(shipped())).unwrap();
        let mut blobs = Vec::new();
        det.detect(&frame.view(), &mut blobs);
        let best = blobs.iter().map(|b| iou(b, &labels[0])).fold(0.0, f64::max);
        assert!(best > 0.5, "best IoU {best}: {blobs:?} vs {:?}", labels[0]);
        assert!(blobs.len() <= 2, "false alarms on a calm sea: {blobs:?}");
        assert_eq!(det.stats().failures, 0);
    }

    #[test]
    fn on_the_calibrated_sea_only_finds_the_same_boat_in_frame_pixels() {
        require_runtime();
        let (r, frame, labels) = calm_sea_with_one_boat();
        let horizon = calibrated_horizon(r.camera(), HeadAngles::default());
        let top = sea_top_row(&horizon).expect("the evaluation camera sees sky above the horizon");
        let mut whole = Onnx::try_new(OnnxConfig::new(shipped())).unwrap();
        let mut sea = Onnx::try_new(OnnxConfig { sea_top_row: Some(top), ..OnnxConfig::new(shipped()) }).unwrap();
        let view = frame.view();
        let region = sea.sea_region(&view);
        assert!(region.y > 0 && region.y <= top, "{region:?} for sea top row {top}");
        assert_eq!((region.y + region.h, region.h % 32, region.w), (512, 0, 640));
        assert_eq!(whole.sea_region(&view).h, 512);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        whole.detect(&view, &mut a);
        sea.detect(&view, &mut b);
        let best = b.iter().map(|b| iou(b, &labels[0])).fold(0.0, f64::max);
        assert!(best > 0.5, "best IoU {best}: {b:?} vs {:?}", labels[0]);
        let near = |x: &Blob, y: &Blob| x.x.abs_diff(y.x) <= 1 && x.y.abs_diff(y.y) <= 1 && x.w.abs_diff(y.w) <= 2;
        assert!(a.iter().any(|x| b.iter().any(|y| near(x, y))), "whole {a:?} vs sea {b:?}");
    }

    /// The fifth frame of a calm evaluation sea with `boats` (bearing, range m, length m, course).
    fn calm_sea_with(boats: &[(f64, f64, f64, f64)]) -> (Renderer, Frame16, Vec<TargetLabel>) {
        let cal = eval_calibration();
        let mut r = Renderer::new(&cal, HeadAngles::default(), SceneConfig { seed: 77, ..Default::default() }).unwrap();
        let boats: Vec<_> = boats.iter().map(|&(b, range, l, cog)| boat(&cal, b, range, l, cog)).collect();
        let (mut frame, mut labels) = (Frame16::filled(1, 1, 0), Vec::new());
        for i in 0..5 {
            labels.clear();
            r.render(f64::from(i) * 0.04, &boats, &mut frame, &mut labels);
        }
        (r, frame, labels)
    }

    /// The shipped model with range-adaptive resolution on the evaluation camera (default settings).
    fn banded(r: &Renderer) -> Onnx {
        let horizon = calibrated_horizon(r.camera(), HeadAngles::default());
        let ra = RangeAdaptive::default();
        Onnx::try_new(OnnxConfig {
            sea_top_row: sea_top_row(&horizon),
            near_top_row: split_row(r.camera(), HeadAngles::default(), &ra),
            ..OnnxConfig::new(shipped())
        })
        .unwrap()
    }

    #[test]
    fn a_boat_in_the_half_resolution_band_comes_back_in_full_frame_pixels() {
        require_runtime();
        // An 8 m boat 700 m out: far below the split, seen by the near band only.
        let (r, frame, labels) = calm_sea_with(&[(150.6, 700.0, 8.0, 60.0)]);
        assert_eq!(labels.len(), 1);
        let l = &labels[0];
        let mut det = banded(&r);
        let view = frame.view();
        let b = det.bands(&view).expect("the evaluation camera splits");
        assert_eq!((b.near_input.0, b.near.h), (320, 2 * b.near_input.1));
        assert!(l.y as usize > b.far.y + b.far.h, "label {l:?} not below the far band {b:?}");
        let mut blobs = Vec::new();
        det.detect(&view, &mut blobs);
        let best = blobs.iter().map(|x| iou(x, l)).fold(0.0, f64::max);
        assert!(best > 0.5, "best IoU {best}: {blobs:?} vs {l:?}");
        assert_eq!(det.stats().runs, 2, "one run per band");
    }

    #[test]
    fn a_boat_in_the_overlap_seen_by_both_bands_is_reported_once() {
        require_runtime();
        // An 8 m boat 950 m out lies in both bands (its waterline near the split row).
        let (r, frame, labels) = calm_sea_with(&[(150.6, 950.0, 8.0, 60.0)]);
        let l = &labels[0];
        let mut det = banded(&r);
        let view = frame.view();
        let b = det.bands(&view).unwrap();
        assert!(l.y as usize >= b.near.y && (l.y + l.h) as usize + 2 < b.far.y + b.far.h, "{l:?} {b:?}");
        // Each band alone finds it: the far one at full resolution, the near one at half.
        let window = det.window(&view);
        let mut far = Vec::new();
        let mut one = Onnx::try_new(OnnxConfig::new(shipped())).unwrap();
        one.candidates_in(&view, b.far, window, 0.5, &mut far).unwrap();
        let mut half =
            Onnx::try_new(OnnxConfig { input_size: Some(b.near_input), ..OnnxConfig::new(shipped()) }).unwrap();
        let mut near = Vec::new();
        half.candidates_in(&view, b.near, window, 0.5, &mut near).unwrap();
        let on = |c: &&Candidate| {
            let (cx, cy) = ((c.x0 + c.x1) / 2.0, (c.y0 + c.y1) / 2.0);
            (cx - (l.x as f32 + l.w as f32 / 2.0)).abs() < 6.0 && (cy - (l.y as f32 + l.h as f32 / 2.0)).abs() < 6.0
        };
        assert!(far.iter().any(|c| on(&c)), "far band: {far:?} vs {l:?}");
        assert!(near.iter().any(|c| on(&c)), "near band: {near:?} vs {l:?}");
        let mut blobs = Vec::new();
        det.detect(&view, &mut blobs);
        let hits: Vec<&Blob> = blobs.iter().filter(|x| iou(x, l) > 0.2).collect();
        assert_eq!(hits.len(), 1, "{blobs:?} vs {l:?}");
        assert!(iou(hits[0], l) > 0.5, "{hits:?} vs {l:?}");
    }

    #[test]
    fn without_a_calibration_one_full_resolution_pass_runs_as_before() {
        require_runtime();
        let (_, frame, labels) = calm_sea_with(&[(150.6, 700.0, 8.0, 60.0), (150.0, 1_600.0, 12.0, 60.0)]);
        let view = frame.view();
        let mut default = Onnx::try_new(OnnxConfig::new(shipped())).unwrap();
        assert!(default.config().range_adaptive.is_some(), "on by default");
        assert_eq!(default.bands(&view), None, "no split row without a calibration");
        let mut off = Onnx::try_new(OnnxConfig { range_adaptive: None, ..OnnxConfig::new(shipped()) }).unwrap();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        default.detect(&view, &mut a);
        off.detect(&view, &mut b);
        assert_eq!(a, b);
        assert_eq!(labels.len(), 2);
        for l in &labels {
            assert!(a.iter().any(|x| iou(x, l) > 0.5), "{a:?} vs {l:?}");
        }
        // Turned off, a split row is ignored.
        let mut off =
            Onnx::try_new(OnnxConfig { range_adaptive: None, near_top_row: Some(240), ..OnnxConfig::new(shipped()) })
                .unwrap();
        assert_eq!(off.bands(&view), None);
        let mut c = Vec::new();
        off.detect(&view, &mut c);
        assert_eq!(a, c);
    }

    #[test]
    fn finds_the_boat_in_an_8_bit_agc_frame_too() {
        require_runtime();
        let cal = eval_calibration();
        let mut r = Renderer::new(&cal, HeadAngles::default(), SceneConfig { seed: 78, ..Default::default() }).unwrap();
        let boats = [boat(&cal, 149.5, 1_200.0, 10.0, 100.0)];
        let (mut frame, mut labels) = (Frame16::filled(1, 1, 0), Vec::new());
        r.render(0.0, &boats, &mut frame, &mut labels);
        let g8 = frame.to_gray8(28_600, 30_400);
        let view = seawarden::ingest::thermal::FrameView::gray8(frame.width, frame.height, &g8).unwrap();
        let mut det = Onnx::try_new(OnnxConfig::new(shipped())).unwrap();
        let mut blobs = Vec::new();
        det.detect(&view, &mut blobs);
        let best = blobs.iter().map(|b| iou(b, &labels[0])).fold(0.0, f64::max);
        assert!(best > 0.5, "best IoU {best}: {blobs:?} vs {:?}", labels[0]);
    }

    #[test]
    fn verifying_hot_spot_proposals_keeps_the_boat() {
        require_runtime();
        let cal = eval_calibration();
        let mut r = Renderer::new(&cal, HeadAngles::default(), SceneConfig { seed: 79, ..Default::default() }).unwrap();
        let boats = [boat(&cal, 150.0, 2_000.0, 9.0, 30.0)];
        let (mut frame, mut labels) = (Frame16::filled(1, 1, 0), Vec::new());
        r.render(0.0, &boats, &mut frame, &mut labels);
        let horizon = HorizonSource::Calibrated(calibrated_horizon(r.camera(), HeadAngles::default()));
        let proposer = HotSpot::new(HotSpotConfig { horizon, ..Default::default() });
        let model = Onnx::try_new(OnnxConfig::new(shipped())).unwrap();
        let mut det = Verified::new(proposer, model, VerifyConfig::default());
        let mut blobs = Vec::new();
        det.detect(&frame.view(), &mut blobs);
        let best = blobs.iter().map(|b| iou(b, &labels[0])).fold(0.0, f64::max);
        assert!(best > 0.5, "best IoU {best}: {blobs:?} vs {:?}", labels[0]);
        assert_eq!(det.class_names(), ["boat".to_owned()]);
    }

    #[test]
    fn configured_class_names_must_match_the_output() {
        require_runtime();
        let cfg = OnnxConfig { class_names: Some(vec!["boat".into(), "buoy".into()]), ..OnnxConfig::new(shipped()) };
        let err = Onnx::try_new(cfg).unwrap_err();
        assert!(matches!(err, OnnxError::OutputShape { .. }), "{err}");
        assert!(err.to_string().contains("classes: 2"), "{err}");
    }
}

mod image_sky {
    use seawarden::ingest::thermal::onnx::sky::{IMAGE_SKY_MARGIN_PX, ImageSky};

    use super::*;

    /// Without a calibration the model skips the sky found in the image: on every evaluation
    /// clip (coast lights, whitecaps, a hazy headland, sun glint) that row is where the
    /// calibrated horizon puts it or a little higher, with the clip's boats on the sea.
    #[test]
    fn the_horizon_found_in_the_image_is_the_calibrated_one() {
        for spec in evaluation_clips(3) {
            let mut r = Renderer::new(&spec.calibration, spec.head, spec.scene.clone()).unwrap();
            let horizon = calibrated_horizon(r.camera(), spec.head);
            let highest = horizon.iter().copied().fold(f32::INFINITY, f32::min);
            let expected = (highest - IMAGE_SKY_MARGIN_PX).floor();
            let (w, h) = r.size();
            let mut sky = ImageSky::default();
            for i in 0..3 {
                let (mut frame, mut labels) = (Frame16::filled(w, h, 0), Vec::new());
                let time = f64::from(i) / 25.0;
                r.render(time, &spec.truth.at(spec.truth_start_s + time), &mut frame, &mut labels);
                let found = sky.sea_top_row(&frame.view()).unwrap_or_else(|| panic!("{}: no horizon", spec.name));
                // Never below the calibrated row by more than a row or two (sea would be lost);
                // above it by less than the margin again (haze softens the horizon: 13-15 rows).
                let off = found as f32 - expected;
                assert!(
                    (-IMAGE_SKY_MARGIN_PX / 2.0..=2.0).contains(&off),
                    "{} frame {i}: sea from row {found}, calibrated {expected}",
                    spec.name
                );
            }
        }
    }

    /// A frame of sea only (the camera tilted down) has no horizon: the model reads all of it.
    #[test]
    fn a_frame_without_a_horizon_is_read_whole() {
        let mut noise = Pcg64::seed_from_u64(7);
        let frame = Frame16 {
            width: 320,
            height: 256,
            data: (0..320 * 256).map(|_| 3000 + noise.random_range(0..12u16)).collect(),
        };
        assert_eq!(ImageSky::default().sea_top_row(&frame.view()), None);
    }
}

mod bad_models {
    use super::*;

    #[test]
    fn a_missing_file_is_named() {
        let err = Onnx::try_new(OnnxConfig::new("/nonexistent/boats.onnx")).unwrap_err();
        assert!(matches!(err, OnnxError::ModelMissing { .. }));
        assert_eq!(err.to_string(), "ONNX model /nonexistent/boats.onnx not found");
    }

    #[test]
    fn a_file_that_is_not_onnx_is_refused() {
        require_runtime();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("garbage.onnx");
        std::fs::write(&path, b"this is not a protobuf").unwrap();
        let err = Onnx::try_new(OnnxConfig::new(&path)).unwrap_err();
        assert!(matches!(err, OnnxError::ModelLoad { .. }), "{err}");
        assert!(err.to_string().contains("garbage.onnx"), "{err}");
    }

    #[test]
    fn an_output_with_too_few_values_per_anchor_is_a_wrong_shape() {
        require_runtime();
        let err = Onnx::try_new(OnnxConfig::new(testdata("wrong_output.onnx"))).unwrap_err();
        let OnnxError::OutputShape { shape, .. } = &err else { panic!("{err}") };
        assert_eq!(shape, &vec![1, 4, 256]);
        assert!(err.to_string().contains("wrong_output.onnx"), "{err}");
    }

    #[test]
    fn an_input_of_rank_three_is_refused() {
        require_runtime();
        let err = Onnx::try_new(OnnxConfig::new(testdata("wrong_input_rank.onnx"))).unwrap_err();
        let OnnxError::InputShape { shape, reason, .. } = &err else { panic!("{err}") };
        assert_eq!(shape, &vec![1, 40, 32]);
        assert!(reason.contains("rank 4"), "{err}");
    }
}

/// The detector a camera starts with (`AnyDetector::build`): the measured default with the shipped
/// model, and the classical detector, still detecting, when the model is missing or malformed.
mod detector_choice {
    use seawarden::ingest::thermal::onnx::{AnyDetector, DetectorKind};

    use super::*;

    /// A frame with one boat and its label, from the evaluation camera.
    fn scene(seed: u64) -> (Frame16, TargetLabel, HotSpotConfig) {
        let cal = eval_calibration();
        let mut r = Renderer::new(&cal, HeadAngles::default(), SceneConfig { seed, ..Default::default() }).unwrap();
        let boats = [boat(&cal, 150.3, 1_400.0, 11.0, 80.0)];
        let (mut frame, mut labels) = (Frame16::filled(1, 1, 0), Vec::new());
        r.render(0.0, &boats, &mut frame, &mut labels);
        let horizon = HorizonSource::Calibrated(calibrated_horizon(r.camera(), HeadAngles::default()));
        (frame, labels.remove(0), HotSpotConfig { horizon, ..Default::default() })
    }

    #[test]
    fn the_default_combination_runs_with_the_shipped_model_and_finds_the_boat() {
        require_runtime();
        let (frame, label, hot) = scene(81);
        let (mut det, err) =
            AnyDetector::build(DetectorKind::default(), hot, OnnxConfig::new(shipped()), VerifyConfig::default());
        assert!(err.is_none(), "{err:?}");
        assert_eq!(det.kind(), DetectorKind::default());
        let mut blobs = Vec::new();
        det.detect(&frame.view(), &mut blobs);
        let best = blobs.iter().map(|b| iou(b, &label)).fold(0.0, f64::max);
        assert!(best > 0.5, "best IoU {best}: {blobs:?} vs {label:?}");
        assert_eq!(det.class_name(0), "boat");
    }

    /// Each bad model: the reason is returned (to log), and the camera keeps detecting with the
    /// classical detector.
    #[test]
    fn a_missing_or_malformed_model_degrades_to_the_classical_detector_which_still_detects() {
        require_runtime();
        let (frame, label, hot) = scene(82);
        let dir = tempfile::tempdir().unwrap();
        let garbage = dir.path().join("garbage.onnx");
        std::fs::write(&garbage, b"not a protobuf").unwrap();
        let bad = [
            (PathBuf::from("/nonexistent/boats.onnx"), "not found"),
            (garbage, "cannot load ONNX model"),
            (testdata("wrong_output.onnx"), "output [1, 4, 256]"),
            (testdata("wrong_input_rank.onnx"), "expected rank 4"),
        ];
        for kind in [DetectorKind::Onnx, DetectorKind::Verified] {
            for (path, reason) in &bad {
                let (mut det, err) =
                    AnyDetector::build(kind, hot.clone(), OnnxConfig::new(path), VerifyConfig::default());
                let err = err.unwrap_or_else(|| panic!("{kind:?} with {} built without an error", path.display()));
                let message = err.to_string();
                assert!(message.contains(reason) && message.contains(&*path.to_string_lossy()), "{message}");
                assert_eq!(det.kind(), DetectorKind::HotSpot);
                let mut blobs = Vec::new();
                det.detect(&frame.view(), &mut blobs);
                // Matched as the evaluation does (`tally`): a centre within half the boat's length.
                let (lx, ly) =
                    (f64::from(label.x) + f64::from(label.w) / 2.0, f64::from(label.y) + f64::from(label.h) / 2.0);
                let near = blobs.iter().any(|b| {
                    let (bx, by) = b.centre();
                    (bx - lx).hypot(by - ly) <= 0.5 * f64::from(label.w.max(label.h))
                });
                assert!(near, "the degraded detector lost the boat: {blobs:?} vs {label:?}");
            }
        }
    }
}

/// Random scenes for training: varied lens, mast, heading, horizon row, sea state, haze, land,
/// coast lights, glint and traffic. Seeds from 1 000 000 up, far from the evaluation clips'
/// (11–14, traffic 100–103), so the evaluation stays held out.
fn training_scene(i: u64) -> (SiteCalibration, SceneConfig, seawarden::sim::thermal::TruthTimeline) {
    let mut rng = Pcg64::seed_from_u64(1_000_000 + i);
    let hfov: f64 = (3.0f64.ln() + rng.random::<f64>() * (20.0f64 / 3.0).ln()).exp();
    let mast: f64 = rng.random_range(12.0..60.0);
    let heading: f64 = rng.random_range(0.0..360.0);
    let vfov = hfov * 512.0 / 640.0;
    let dip = 0.0293 * mast.sqrt();
    let horizon_frac: f64 = rng.random_range(0.08..0.45);
    let tilt = (horizon_frac - 0.5) * vfov - dip;
    let (lat, lon) = (22.19 + rng.random_range(-0.05..0.05), 113.56 + rng.random_range(-0.05..0.05));
    let cal = SiteCalibration {
        pose: SitePose {
            lat,
            lon,
            mast_height_m: mast,
            heading_offset_deg: heading,
            tilt_offset_deg: tilt,
            roll_deg: rng.random_range(-0.5..0.5),
        },
        camera: CameraSpec {
            width_px: 640,
            height_px: 512,
            hfov_deg: Some(hfov),
            focal_px: None,
            k1: if rng.random_bool(0.5) { -0.02 } else { 0.0 },
            k2: 0.0,
            cx_px: None,
            cy_px: None,
        },
    };
    let scene = SceneConfig {
        seed: 5_000_000 + i,
        sea_counts: rng.random_range(26_000.0..34_000.0),
        sky_drop_counts: rng.random_range(600.0..2_500.0),
        noise_counts: rng.random_range(2.0..8.0),
        fpn_counts: rng.random_range(0.5..4.0),
        column_fpn_counts: rng.random_range(0.5..4.0),
        clutter_counts: rng.random_range(4.0..35.0),
        whitecaps_per_s: if rng.random_bool(0.3) { rng.random_range(10.0..40.0) } else { rng.random_range(0.0..8.0) },
        whitecap_counts: rng.random_range(40.0..200.0),
        visibility_m: (3_000.0f64.ln() + rng.random::<f64>() * (30_000.0f64 / 3_000.0).ln()).exp(),
        shore: rng.random_bool(0.7),
        headland: rng.random_bool(0.35),
        lights: rng.random_range(0..50),
        glint: rng.random_bool(0.3).then(|| Glint {
            bearing_deg: heading + rng.random_range(-0.4..0.4) * hfov,
            spread_deg: rng.random_range(0.3..2.0),
            specks_per_frame: rng.random_range(10..120),
            counts: rng.random_range(300.0..3_000.0),
        }),
        ..SceneConfig::default()
    };
    // Ranges: from the bottom of the image to well short of the sea horizon.
    let bottom_depression = (-(tilt - vfov / 2.0)).max(0.2);
    let min_range = (mast / bottom_depression.to_radians().tan()).clamp(150.0, 3_000.0);
    let max_range = (3_570.0 * mast.sqrt()).min(20_000.0);
    let count = rng.random_range(3..16);
    let truth = random_traffic(
        (lat, lon),
        heading,
        0.5 * hfov,
        min_range,
        max_range.max(min_range * 2.0),
        count,
        45.0,
        2_000_000 + i,
    );
    (cal, scene, truth)
}

/// Writes the training set (`tools/train_detector/make_dataset.sh` runs it, in shards):
/// scenes `SEAWARDEN_TRAIN_FIRST ..` `SEAWARDEN_TRAIN_SCENES` (default 0..100), four labelled frames
/// each, as one raw little-endian `u16` file per frame plus `SEAWARDEN_TRAIN_DIR/index-FIRST.jsonl`
/// (one line per frame, flushed per scene, so an interrupted shard keeps what it wrote).
#[test]
#[ignore = "writes ~260 MB of training frames; run by tools/train_detector/make_dataset.sh"]
fn write_training_set() {
    let dir = PathBuf::from(std::env::var("SEAWARDEN_TRAIN_DIR").expect("set SEAWARDEN_TRAIN_DIR"));
    let env = |k: &str, d: u64| std::env::var(k).ok().and_then(|s| s.parse().ok()).unwrap_or(d);
    let (first, scenes) = (env("SEAWARDEN_TRAIN_FIRST", 0), env("SEAWARDEN_TRAIN_SCENES", 100));
    let per_scene = 4;
    std::fs::create_dir_all(&dir).unwrap();
    let mut index =
        std::io::BufWriter::new(std::fs::File::create(dir.join(format!("index-{first:04}.jsonl"))).unwrap());
    let (mut frame, mut labels) = (Frame16::filled(1, 1, 0), Vec::new());
    let mut bytes = Vec::new();
    let mut total = 0usize;
    for i in first..scenes {
        let (cal, scene, truth) = training_scene(i);
        let mut rng = Pcg64::seed_from_u64(3_000_000 + i);
        let mut r = Renderer::new(&cal, HeadAngles::default(), scene).unwrap();
        for k in 0..per_scene {
            // A second of run-up at 10 Hz so whitecaps are at every age, then the labelled frame.
            let t = 2.0 + 10.0 * k as f64 + rng.random_range(0.0..5.0);
            for j in (1..=10).rev() {
                labels.clear();
                let tj = t - 0.1 * f64::from(j);
                r.render(tj, &truth.at(tj), &mut frame, &mut labels);
            }
            labels.clear();
            r.render(t, &truth.at(t), &mut frame, &mut labels);
            let name = format!("s{i:04}_{k}.u16");
            bytes.clear();
            frame.data.iter().for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
            std::fs::write(dir.join(&name), &bytes).unwrap();
            let line = serde_json::json!({"file": name, "width": frame.width, "height": frame.height, "scene": i, "targets": labels});
            writeln!(index, "{line}").unwrap();
            total += labels.len();
        }
        index.flush().unwrap();
    }
    eprintln!("{} frames, {total} labels in {}", scenes.saturating_sub(first) * per_scene, dir.display());
}

/// Size class of a box by its longest side, as `tools/thermal/score.py`: < 4, 4–10, > 10 px.
fn size_class(w: u32, h: u32) -> usize {
    match w.max(h) {
        0..=3 => 0,
        4..=10 => 1,
        _ => 2,
    }
}

/// Counts for one detector at one threshold.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    /// Per size class: labels, labels found, detections, detections that matched.
    labels: [u32; 3],
    found: [u32; 3],
    dets: [u32; 3],
    true_dets: [u32; 3],
    /// Labels visible above the noise (contrast ≥ 12 counts), and of those found.
    visible: u32,
    visible_found: u32,
    false_alarms: u32,
    frames: u32,
}

/// Matches as `tools/thermal/score.py`: per label, greedy, the nearest unused detection whose
/// centre lies within max(3 px, half the label's longest side) of the label's centre.
fn tally(t: &mut Tally, labels: &[TargetLabel], blobs: &[Blob]) {
    t.frames += 1;
    let mut used = vec![false; blobs.len()];
    for l in labels {
        let c = size_class(l.w, l.h);
        t.labels[c] += 1;
        let visible = l.contrast >= 12.0;
        t.visible += u32::from(visible);
        let (lx, ly) = (f64::from(l.x) + f64::from(l.w) / 2.0, f64::from(l.y) + f64::from(l.h) / 2.0);
        let gate = (0.5 * f64::from(l.w.max(l.h))).max(3.0);
        let best = blobs
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .map(|(i, b)| {
                let (bx, by) = b.centre();
                (i, (bx - lx).hypot(by - ly))
            })
            .filter(|(_, d)| *d <= gate)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, _)) = best {
            used[i] = true;
            t.found[c] += 1;
            t.dets[c] += 1;
            t.true_dets[c] += 1;
            t.visible_found += u32::from(visible);
        }
    }
    for (b, u) in blobs.iter().zip(&used) {
        if !u {
            t.dets[size_class(b.w, b.h)] += 1;
            t.false_alarms += 1;
        }
    }
}

fn ratio(a: u32, b: u32) -> String {
    if b == 0 { "   -  ".into() } else { format!("{:5.3}", f64::from(a) / f64::from(b)) }
}

fn report(name: &str, t: &Tally, ms: f64) {
    let all = |x: [u32; 3]| x.iter().sum::<u32>();
    println!(
        "{name:<34} P {} R {} | <4 P {} R {} | 4-10 P {} R {} | >10 P {} R {} | vis R {} | FA/frame {:6.3} | {ms:6.2} ms/frame",
        ratio(all(t.true_dets), all(t.dets)),
        ratio(all(t.found), all(t.labels)),
        ratio(t.true_dets[0], t.dets[0]),
        ratio(t.found[0], t.labels[0]),
        ratio(t.true_dets[1], t.dets[1]),
        ratio(t.found[1], t.labels[1]),
        ratio(t.true_dets[2], t.dets[2]),
        ratio(t.found[2], t.labels[2]),
        ratio(t.visible_found, t.visible),
        f64::from(t.false_alarms) / f64::from(t.frames.max(1)),
    );
}

/// Classical alone, classical proposals verified by the model, and the model alone, on the
/// standard evaluation clips (`evaluation_clips`, rendered in process), at several thresholds.
/// `tools/train_detector/measure.sh` runs it; `SEAWARDEN_ONNX_MODEL` picks another model and
/// `SEAWARDEN_EVAL_FRAMES` the frames per clip (default 150); `SEAWARDEN_EVAL_MODEL_ONLY=1` runs the model
/// alone only (a quick check of a candidate model: the classical and cascade rows then read empty);
/// `SEAWARDEN_EVAL_SPANS=32/16,28/32` adds one range-adaptive row per minimum span / overlap (px).
#[test]
#[ignore = "renders 4 × 150 frames and runs three detectors; run by tools/train_detector/measure.sh"]
fn measure_detectors() {
    use std::time::Instant;
    require_runtime();
    let model = std::env::var("SEAWARDEN_ONNX_MODEL").map(PathBuf::from).unwrap_or_else(|_| shipped());
    let model_only = std::env::var_os("SEAWARDEN_EVAL_MODEL_ONLY").is_some();
    let frames: u32 = std::env::var("SEAWARDEN_EVAL_FRAMES").ok().and_then(|s| s.parse().ok()).unwrap_or(150);
    let model_conf = [0.2f32, 0.3, 0.35, 0.4, 0.5, 0.6];
    let verify_conf = [0.1f32, 0.2, 0.25, 0.3, 0.4];
    let proposer_sigma = [5.0f32, 4.0, 3.5];
    let low = OnnxConfig { confidence: 0.2, max_detections: 256, ..OnnxConfig::new(&model) };
    let mut classical_t = Tally::default();
    let mut model_t = vec![Tally::default(); model_conf.len()];
    // The model on the calibrated sea only (what a calibrated camera runs, `sea_top_row`).
    let (mut sea_t, mut sea_s, mut sea_rows) = (vec![Tally::default(); model_conf.len()], 0.0, 0usize);
    // Range-adaptive resolution (`bands`): near rows at half resolution, one row per setting in
    // `SEAWARDEN_EVAL_SPANS` (comma-separated `SPAN` or `SPAN/OVERLAP`, px: the smallest boat's
    // minimum span and the bands' overlap; default the shipped settings).
    let ra0 = RangeAdaptive::default();
    let spans: Vec<(f64, usize)> = std::env::var("SEAWARDEN_EVAL_SPANS")
        .ok()
        .map(|s| {
            s.split(',')
                .filter_map(|v| {
                    let (span, overlap) = v.trim().split_once('/').unwrap_or((v.trim(), ""));
                    Some((span.parse().ok()?, overlap.parse().unwrap_or(ra0.overlap_px)))
                })
                .collect()
        })
        .unwrap_or_else(|| vec![(ra0.min_span_px, ra0.overlap_px)]);
    let mut banded: Vec<(Tally, f64, usize, Option<usize>)> = vec![(Tally::default(), 0.0, 0, None); spans.len()];
    let mut verified_t = vec![vec![Tally::default(); verify_conf.len()]; proposer_sigma.len()];
    let (mut classical_s, mut model_s) = (0.0, 0.0);
    let mut verified_s = vec![0.0; proposer_sigma.len()];
    let mut per_clip = Vec::new();
    let mut blobs = Vec::new();
    for spec in evaluation_clips(frames) {
        let mut r = Renderer::new(&spec.calibration, spec.head, spec.scene.clone()).unwrap();
        let horizon = HorizonSource::Calibrated(calibrated_horizon(r.camera(), spec.head));
        let hot = |sigma: f32| {
            HotSpot::new(HotSpotConfig { horizon: horizon.clone(), threshold_sigma: sigma, ..Default::default() })
        };
        let mut classical = hot(5.0);
        let mut alone = Onnx::try_new(low.clone()).unwrap();
        let sea_cfg = match &horizon {
            HorizonSource::Calibrated(rows) => OnnxConfig { sea_top_row: sea_top_row(rows), ..low.clone() },
            _ => low.clone(),
        };
        let mut banded_det: Vec<Onnx> = spans
            .iter()
            .map(|&(min_span_px, overlap_px)| {
                let ra = RangeAdaptive { min_span_px, overlap_px, ..RangeAdaptive::default() };
                let near_top_row = split_row(r.camera(), spec.head, &ra);
                Onnx::try_new(OnnxConfig { range_adaptive: Some(ra), near_top_row, ..sea_cfg.clone() }).unwrap()
            })
            .collect();
        let mut sea = Onnx::try_new(sea_cfg).unwrap();
        let mut cascades: Vec<_> = proposer_sigma
            .iter()
            .map(|&s| {
                Verified::new(
                    hot(s),
                    Onnx::try_new(low.clone()).unwrap(),
                    VerifyConfig { confidence: 0.1, ..Default::default() },
                )
            })
            .collect();
        let (mut clip_c, mut clip_m, mut clip_v) = (Tally::default(), Tally::default(), Tally::default());
        let (mut frame, mut labels) = (Frame16::filled(1, 1, 0), Vec::new());
        for i in 0..spec.frames {
            let time = f64::from(i) / f64::from(spec.fps);
            labels.clear();
            r.render(time, &spec.truth.at(spec.truth_start_s + time), &mut frame, &mut labels);
            let view = frame.view();

            // `SEAWARDEN_EVAL_MODEL_ONLY` (candidate models): frames are still counted, detectors skipped.
            blobs.clear();
            let t0 = Instant::now();
            if !model_only {
                classical.detect(&view, &mut blobs);
            }
            classical_s += t0.elapsed().as_secs_f64();
            tally(&mut classical_t, &labels, &blobs);
            tally(&mut clip_c, &labels, &blobs);

            blobs.clear();
            let t0 = Instant::now();
            alone.detect(&view, &mut blobs);
            model_s += t0.elapsed().as_secs_f64();
            for (t, &c) in model_t.iter_mut().zip(&model_conf) {
                let kept: Vec<Blob> = blobs.iter().copied().filter(|b| b.score >= c).collect();
                tally(t, &labels, &kept);
                if c == 0.5 {
                    tally(&mut clip_m, &labels, &kept);
                }
            }

            blobs.clear();
            let t0 = Instant::now();
            sea.detect(&view, &mut blobs);
            sea_s += t0.elapsed().as_secs_f64();
            sea_rows += sea.sea_region(&view).h;
            for (t, &c) in sea_t.iter_mut().zip(&model_conf) {
                let kept: Vec<Blob> = blobs.iter().copied().filter(|b| b.score >= c).collect();
                tally(t, &labels, &kept);
            }

            for (det, (t, s, px, split)) in banded_det.iter_mut().zip(banded.iter_mut()) {
                blobs.clear();
                let t0 = Instant::now();
                det.detect(&view, &mut blobs);
                *s += t0.elapsed().as_secs_f64();
                let b = det.bands(&view);
                *px += b.map_or_else(|| 640 * det.sea_region(&view).h, |b| b.input_pixels(32));
                *split = b.map(|b| b.split);
                let kept: Vec<Blob> = blobs.iter().copied().filter(|b| b.score >= 0.5).collect();
                tally(t, &labels, &kept);
            }

            for (k, cascade) in cascades.iter_mut().enumerate().filter(|_| !model_only) {
                blobs.clear();
                let t0 = Instant::now();
                cascade.detect(&view, &mut blobs);
                verified_s[k] += t0.elapsed().as_secs_f64();
                for (t, &c) in verified_t[k].iter_mut().zip(&verify_conf) {
                    let kept: Vec<Blob> = blobs.iter().copied().filter(|b| b.score >= c).collect();
                    tally(t, &labels, &kept);
                    if k == 1 && c == 0.25 {
                        tally(&mut clip_v, &labels, &kept);
                    }
                }
            }
        }
        per_clip.push((spec.name.clone(), clip_c, clip_m, clip_v));
    }
    let n = f64::from(classical_t.frames.max(1));
    println!("\n== {} frames from the 4 standard evaluation clips, model {}", classical_t.frames, model.display());
    report("(a) classical HotSpot σ=5", &classical_t, 1e3 * classical_s / n);
    for (k, s) in proposer_sigma.iter().enumerate() {
        for (t, c) in verified_t[k].iter().zip(&verify_conf) {
            report(&format!("(b) HotSpot σ={s} + model ≥ {c}"), t, 1e3 * verified_s[k] / n);
        }
    }
    for (t, c) in model_t.iter().zip(&model_conf) {
        report(&format!("(c) model alone ≥ {c}"), t, 1e3 * model_s / n);
    }
    println!("   (c') below: the model on the calibrated sea only, {:.0} rows a frame on average", sea_rows as f64 / n);
    for (t, c) in sea_t.iter().zip(&model_conf) {
        report(&format!("(c') model on the sea ≥ {c}"), t, 1e3 * sea_s / n);
    }
    println!("   (c'') below: range-adaptive resolution, 5 m boat, near rows at half resolution");
    for ((t, s, px, split), (span, overlap)) in banded.iter().zip(&spans) {
        println!(
            "   min span {span} px, overlap {overlap}: split row {split:?}, {:.0} input pixels a frame ({:.2} of the sea's)",
            *px as f64 / n,
            *px as f64 / (sea_rows as f64 * 640.0)
        );
        report(&format!("(c'') banded {span}/{overlap} px ≥ 0.5"), t, 1e3 * s / n);
    }
    println!("\n== per clip: (a) classical σ=5, (b) σ=4 + model ≥ 0.25, (c) model ≥ 0.5 (the default)");
    for (name, c, m, v) in &per_clip {
        report(&format!("{name} (a)"), c, f64::NAN);
        report(&format!("{name} (b)"), v, f64::NAN);
        report(&format!("{name} (c)"), m, f64::NAN);
    }
}
