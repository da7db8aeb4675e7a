//! The IR pipeline end to end: GStreamer capture, the hot-spot detector on synthetic frames with
//! known boxes, and the `seawarden detect` contract.

use std::path::Path;
use std::process::Command;

use calibration::{HeadAngles, SiteCalibration};
use seawarden::geodesy;
use seawarden::ingest::thermal::{
    Blob, Capture, CaptureOptions, Detector, Frame16, FrameView, HorizonSource, HotSpot, HotSpotConfig, ThermalError,
    calibrated_horizon,
};
use seawarden::sim::thermal::{
    ClipSpec, Ffv1Writer, Renderer, SceneConfig, TargetLabel, TruthRecord, TruthTimeline, evaluation_clips, write_clip,
};

use crate::util::seawarden_bin;

fn read_all(uri: &str) -> Result<Vec<(u64, f64, &'static str, usize, usize, Vec<u16>)>, ThermalError> {
    let mut cap = Capture::open(uri, CaptureOptions::default())?;
    let mut out = Vec::new();
    while let Some(f) = cap.next_frame()? {
        let v = f.view().expect("a mapped frame has a view");
        let mut px = Vec::with_capacity(v.width() * v.height());
        let mut row = vec![0u16; v.width()];
        for y in 0..v.height() {
            v.row_u16(y, &mut row);
            px.extend_from_slice(&row);
        }
        out.push((f.index(), f.time_s(), f.format_name(), v.width(), v.height(), px));
    }
    Ok(out)
}

/// A small calibration: 320×256, 6° lens, horizon near row 70.
fn small_calibration() -> SiteCalibration {
    SiteCalibration::from_toml_str(
        "[pose]\nlat = 22.197907\nlon = 113.558966\nmast_height_m = 25.0\nheading_offset_deg = 150.0\n\
         tilt_offset_deg = -1.04\n[camera]\nwidth_px = 320\nheight_px = 256\nhfov_deg = 6.0\n",
    )
    .unwrap()
}

fn boat(id: &str, cal: &SiteCalibration, bearing: f64, range: f64, length_m: f64) -> TruthRecord {
    let (lat, lon) = geodesy::destination(cal.pose.lat, cal.pose.lon, bearing, range);
    TruthRecord {
        time: 0.0,
        id: id.into(),
        lat,
        lon,
        sog_kn: 0.0,
        cog_deg: 70.0,
        class: "speedboat".into(),
        length_m: Some(length_m),
    }
}

/// Greedy matching by centre distance: (labels matched, detections unmatched).
fn score(labels: &[TargetLabel], blobs: &[Blob]) -> (usize, usize) {
    let mut used = vec![false; blobs.len()];
    let mut hits = 0;
    for l in labels {
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
            .filter(|&(_, d)| d <= gate)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, _)) = best {
            used[i] = true;
            hits += 1;
        }
    }
    (hits, used.iter().filter(|u| !**u).count())
}

mod capture {
    use super::*;

    #[test]
    fn videotestsrc_delivers_every_gray16_frame_with_timestamps() {
        let frames =
            read_all("videotestsrc://?pattern=ball&num-buffers=10&width=64&height=48&format=GRAY16_LE&framerate=25")
                .unwrap();
        assert_eq!(frames.len(), 10);
        for (i, f) in frames.iter().enumerate() {
            assert_eq!(f.0, i as u64);
            assert!((f.1 - i as f64 / 25.0).abs() < 1e-6, "{}", f.1);
            assert_eq!((f.2, f.3, f.4), ("GRAY16_LE", 64, 48));
        }
    }

    #[test]
    fn videotestsrc_delivers_gray8() {
        let frames = read_all("videotestsrc://?pattern=snow&num-buffers=3&width=66&height=20&format=GRAY8").unwrap();
        assert_eq!(frames.len(), 3);
        assert_eq!((frames[0].2, frames[0].3), ("GRAY8", 66));
    }

    #[test]
    fn an_ffv1_file_round_trips_every_count_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ramp.mkv");
        let mut w = Ffv1Writer::create(&path, 96, 64, 30).unwrap();
        let make = |i: usize| Frame16 {
            width: 96,
            height: 64,
            data: (0..96 * 64).map(|p| (i * 1000 + p * 7 % 60_000) as u16).collect(),
        };
        for i in 0..12 {
            w.write(&make(i)).unwrap();
        }
        assert_eq!(w.finish().unwrap(), 12);
        let frames = read_all(path.to_str().unwrap()).unwrap();
        assert_eq!(frames.len(), 12);
        for (i, f) in frames.iter().enumerate() {
            assert_eq!((f.0, f.2), (i as u64, "GRAY16_LE"));
            assert!((f.1 - i as f64 / 30.0).abs() < 1e-6);
            assert!(f.5 == make(i).data, "frame {i} differs");
        }
    }

    #[test]
    fn an_odd_width_ffv1_file_round_trips_every_count() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("odd.mkv");
        let (w, h) = (7, 5);
        let make = |i: usize| Frame16 { width: w, height: h, data: (0..w * h).map(|p| (i * 100 + p) as u16).collect() };
        let mut writer = Ffv1Writer::create(&path, w, h, 25).unwrap();
        for i in 0..3 {
            writer.write(&make(i)).unwrap();
        }
        writer.finish().unwrap();
        let frames = read_all(path.to_str().unwrap()).unwrap();
        assert_eq!(frames.len(), 3);
        for (i, f) in frames.iter().enumerate() {
            assert_eq!((f.3, f.4), (w, h));
            assert!(f.5 == make(i).data, "frame {i} differs");
        }
    }

    #[test]
    fn a_damaged_frame_spoils_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("damaged.mkv");
        let (w, h) = (96, 64);
        let make = |i: usize| Frame16 {
            width: w,
            height: h,
            data: (0..w * h).map(|p| (2000 + i * 50 + (p.wrapping_mul(2_654_435_761) >> 7) % 40) as u16).collect(),
        };
        let mut writer = Ffv1Writer::create(&path, w, h, 25).unwrap();
        for i in 0..10 {
            writer.write(&make(i)).unwrap();
        }
        writer.finish().unwrap();
        // The writer opens a Matroska cluster per frame: scramble 64 bytes inside the fifth.
        let mut bytes = std::fs::read(&path).unwrap();
        const CLUSTER_ID: [u8; 4] = [0x1F, 0x43, 0xB6, 0x75];
        let clusters: Vec<usize> = (0..bytes.len() - 3).filter(|&i| bytes[i..i + 4] == CLUSTER_ID).collect();
        assert_eq!(clusters.len(), 10);
        let middle = (clusters[4] + clusters[5]) / 2;
        for b in &mut bytes[middle..middle + 64] {
            *b ^= 0x5A;
        }
        std::fs::write(&path, &bytes).unwrap();

        let frames = read_all(path.to_str().unwrap()).unwrap();
        let at = |i: usize| frames.iter().find(|f| (f.1 - i as f64 / 25.0).abs() < 1e-6);
        for i in (0..4).chain(5..10) {
            let f = at(i).unwrap_or_else(|| panic!("frame {i} lost"));
            assert!(f.5 == make(i).data, "frame {i} differs");
        }
        assert!(at(4).is_none_or(|f| f.5 != make(4).data), "the damage went unseen");
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let err = Capture::open("/nonexistent/clip.mkv", CaptureOptions::default()).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/clip.mkv"), "{err}");
    }

    #[test]
    fn a_garbage_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("noise.mkv");
        std::fs::write(&path, (0..50_000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect::<Vec<_>>())
            .unwrap();
        assert!(read_all(path.to_str().unwrap()).is_err());
    }

    #[test]
    fn a_truncated_file_ends_early_or_errors_but_never_panics() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.mkv");
        let mut w = Ffv1Writer::create(&path, 64, 48, 25).unwrap();
        for i in 0..20 {
            w.write(&Frame16::filled(64, 48, 1000 + i)).unwrap();
        }
        w.finish().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        match read_all(path.to_str().unwrap()) {
            Ok(frames) => assert!(frames.len() < 20, "{}", frames.len()),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn an_unknown_scheme_is_refused() {
        assert!(matches!(
            Capture::open("gopher://camera", CaptureOptions::default()),
            Err(ThermalError::UnsupportedUri { .. })
        ));
    }
}

mod detector {
    use super::*;

    /// Renders `n` frames with the given boats; returns frames and labels.
    fn render(
        cal: &SiteCalibration,
        scene: SceneConfig,
        boats: &[TruthRecord],
        n: usize,
    ) -> Vec<(Frame16, Vec<TargetLabel>)> {
        let mut r = Renderer::new(cal, HeadAngles::default(), scene).unwrap();
        (0..n)
            .map(|i| {
                let (mut f, mut l) = (Frame16::filled(1, 1, 0), Vec::new());
                r.render(i as f64 / 25.0, boats, &mut f, &mut l);
                (f, l)
            })
            .collect()
    }

    fn clear_boats(cal: &SiteCalibration) -> Vec<TruthRecord> {
        [
            (148.8, 900.0, 8.0),
            (149.6, 1_400.0, 12.0),
            (150.4, 2_000.0, 6.0),
            (151.2, 1_100.0, 5.0),
            (150.0, 3_000.0, 20.0),
        ]
        .iter()
        .enumerate()
        .map(|(i, &(b, r, l))| boat(&format!("b{i}"), cal, b, r, l))
        .collect()
    }

    fn detector(cal: &SiteCalibration) -> HotSpot {
        let camera = cal.mounted_camera().unwrap();
        HotSpot::new(HotSpotConfig {
            horizon: HorizonSource::Calibrated(calibrated_horizon(&camera, HeadAngles::default())),
            ..Default::default()
        })
    }

    #[test]
    fn finds_clear_targets_in_16_bit_frames() {
        let cal = small_calibration();
        let frames = render(&cal, SceneConfig { seed: 5, ..Default::default() }, &clear_boats(&cal), 10);
        let mut d = detector(&cal);
        let (mut labels, mut hits, mut blobs) = (0, 0, Vec::new());
        for (f, l) in &frames {
            blobs.clear();
            d.detect(&f.view(), &mut blobs);
            labels += l.len();
            hits += score(l, &blobs).0;
        }
        assert!(labels >= 40, "{labels}");
        let recall = hits as f64 / labels as f64;
        assert!(recall >= 0.9, "recall {recall}");
    }

    #[test]
    fn finds_clear_targets_in_8_bit_agc_frames() {
        let cal = small_calibration();
        let frames = render(&cal, SceneConfig { seed: 6, ..Default::default() }, &clear_boats(&cal), 10);
        let mut d = HotSpot::new(HotSpotConfig::default()); // horizon from the image
        let (mut labels, mut hits, mut blobs) = (0, 0, Vec::new());
        for (f, l) in &frames {
            let g8 = f.to_gray8(29_000, 30_600);
            blobs.clear();
            d.detect(&FrameView::gray8(f.width, f.height, &g8).unwrap(), &mut blobs);
            labels += l.len();
            hits += score(l, &blobs).0;
        }
        let recall = hits as f64 / labels as f64;
        assert!(recall >= 0.8, "recall {recall}");
    }

    #[test]
    fn false_alarms_on_pure_clutter_stay_below_the_configured_rate() {
        // Clutter, whitecaps, coast lights, no boats: every detection is a false alarm.
        let cal = small_calibration();
        let scene = SceneConfig { seed: 7, whitecaps_per_s: 4.0, clutter_counts: 15.0, ..Default::default() };
        let frames = render(&cal, scene, &[], 30);
        let mut d = detector(&cal);
        let mut blobs = Vec::new();
        let mut false_alarms = 0;
        for (f, _) in &frames {
            blobs.clear();
            d.detect(&f.view(), &mut blobs);
            false_alarms += blobs.len();
        }
        let per_frame = false_alarms as f64 / frames.len() as f64;
        // The configured operating point: at most one false alarm in five frames.
        assert!(per_frame <= 0.2, "{per_frame} false alarms per frame");
    }
}

mod detect_cli {
    use super::*;

    fn clip(dir: &Path) -> seawarden::sim::thermal::ClipSummary {
        let cal = small_calibration();
        let boats: Vec<TruthRecord> = [(149.5, 1_200.0), (150.7, 2_200.0)]
            .iter()
            .enumerate()
            .map(|(i, &(b, r))| boat(&format!("c{i}"), &cal, b, r, 9.0))
            .collect();
        let spec = ClipSpec {
            name: "contract".into(),
            calibration: cal,
            head: HeadAngles::default(),
            scene: SceneConfig { seed: 21, ..Default::default() },
            frames: 15,
            fps: 25,
            truth: TruthTimeline::from_records(boats),
            truth_start_s: 0.0,
        };
        write_clip(&spec, dir).unwrap()
    }

    fn lines(path: &Path) -> Vec<serde_json::Map<String, serde_json::Value>> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap().as_object().unwrap().clone())
            .collect()
    }

    /// `seawarden detect` on `c` with `extra` flags; its detections.
    fn detect(
        c: &seawarden::sim::thermal::ClipSummary,
        dir: &Path,
        extra: &[&str],
    ) -> Vec<serde_json::Map<String, serde_json::Value>> {
        let out = dir.join("dets.jsonl");
        let o = Command::new(seawarden_bin())
            .args(["detect", "--input", c.video.to_str().unwrap(), "--output", out.to_str().unwrap()])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        lines(&out)
    }

    /// The contract, for each detector: the default (the model alone) and the classical one.
    #[test]
    fn writes_the_contract_fields_with_zero_based_frames() {
        let dir = tempfile::tempdir().unwrap();
        let c = clip(dir.path());
        for extra in [&["--detector", "classical"][..], &[]] {
            contract(&detect(&c, dir.path(), extra), extra);
        }
    }

    fn contract(dets: &[serde_json::Map<String, serde_json::Value>], extra: &[&str]) {
        assert!(!dets.is_empty());
        let mut keys: Vec<&str> = dets[0].keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["class", "frame", "h", "score", "time", "w", "x", "y"]);
        let frames: Vec<u64> = dets.iter().map(|d| d["frame"].as_u64().unwrap()).collect();
        assert!(frames.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(frames[0], 0, "the first frame is frame 0");
        assert!(frames.iter().all(|&f| f < 15));
        for d in dets {
            let t = d["time"].as_f64().unwrap();
            assert!((t - d["frame"].as_f64().unwrap() / 25.0).abs() < 1e-6, "{d:?}");
            assert!(d["w"].as_u64().unwrap() >= 1 && d["x"].as_u64().unwrap() + d["w"].as_u64().unwrap() <= 320);
        }
        // Two boats in all 15 frames.
        let per_frame = dets.len() as f64 / 15.0;
        assert!((1.5..=3.0).contains(&per_frame), "{extra:?}: {per_frame}");
    }

    /// The default detector is the model: its class names come from the model, not `hotspot`.
    #[test]
    fn the_default_detector_is_the_model_and_a_missing_model_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let c = clip(dir.path());
        let dets = detect(&c, dir.path(), &[]);
        assert!(dets.iter().all(|d| d["class"] == "boat"), "{:?}", dets.first());
        let classical = detect(&c, dir.path(), &["--detector", "classical"]);
        assert!(classical.iter().all(|d| d["class"] != "boat"), "{:?}", classical.first());
        for kind in ["model", "cascade"] {
            let o = Command::new(seawarden_bin())
                .args(["detect", "--input", c.video.to_str().unwrap(), "--detector", kind])
                .args(["--model", "/nonexistent/boats.onnx", "--output"])
                .arg(dir.path().join("x.jsonl"))
                .output()
                .unwrap();
            assert!(!o.status.success());
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("/nonexistent/boats.onnx") && err.contains("not found"), "{err}");
        }
    }

    #[test]
    fn adds_bearing_range_and_position_when_calibrated() {
        let dir = tempfile::tempdir().unwrap();
        let c = clip(dir.path());
        let dets = detect(&c, dir.path(), &["--calibration", c.calibration.to_str().unwrap()]);
        let near = dets
            .iter()
            .filter(|d| d.contains_key("range_m"))
            .map(|d| (d["bearing_deg"].as_f64().unwrap(), d["range_m"].as_f64().unwrap(), d["lat"].as_f64().unwrap()))
            .find(|&(b, _, _)| (b - 149.5).abs() < 0.1);
        let (_, range, lat) = near.expect("the 1.2 km boat is geolocated");
        assert!((range - 1_200.0).abs() < 150.0, "{range}");
        assert!((lat - 22.19).abs() < 0.05);
    }

    #[test]
    fn a_missing_input_fails_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(seawarden_bin())
            .args(["detect", "--input", "/nonexistent/x.mkv", "--output"])
            .arg(dir.path().join("d.jsonl"))
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/x.mkv"));
    }
}

mod calibrate_cli {
    use super::*;
    use calibration::Pixel;

    /// The Outer Harbour file as shipped (offsets zero), and the pose it really has.
    fn site() -> (std::path::PathBuf, SiteCalibration) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/calibration/outer-harbour.toml");
        let mut truth = SiteCalibration::from_path(&path).unwrap();
        truth.pose.heading_offset_deg = 141.3;
        truth.pose.tilt_offset_deg = -0.6;
        truth.pose.roll_deg = 0.4;
        (path, truth)
    }

    /// Pairs as a field alignment would log them: vessels across the image at three pans, some
    /// placed by bearing and range, some by lat/lon; lines 4 and 9 are wrong AIS matches.
    fn pairs_file(dir: &Path, truth: &SiteCalibration) -> std::path::PathBuf {
        let seen = truth.mounted_camera().unwrap();
        let mut text = String::from("# x, y, AIS position, head angles\n");
        let mut n = 0;
        for pan in [-8.0, 0.0, 9.0] {
            for (x, y) in [(40.0, 330.0), (600.0, 300.0), (320.0, 420.0), (150.0, 480.0)] {
                let head = HeadAngles { pan_deg: pan, tilt_deg: -1.0 };
                let pixel = Pixel::new(x, y);
                let d = seen.pixel_to_direction(pixel, head).unwrap();
                let mut range = seen.pixel_to_range_m(pixel, head).unwrap();
                let mut bearing = d.bearing_deg;
                n += 1;
                if n == 3 || n == 8 {
                    bearing += 4.0; // another vessel's AIS
                    range *= 1.7;
                }
                if n % 2 == 0 {
                    let (lat, lon) = geodesy::destination(truth.pose.lat, truth.pose.lon, bearing, range);
                    text += &format!(
                        "{{\"pixel_x\": {x}, \"pixel_y\": {y}, \"lat\": {lat}, \"lon\": {lon}, \"pan_deg\": {pan}, \"tilt_deg\": -1.0}}\n"
                    );
                } else {
                    text += &format!(
                        "{{\"pixel_x\": {x}, \"pixel_y\": {y}, \"bearing_deg\": {bearing}, \"range_m\": {range}, \"pan_deg\": {pan}, \"tilt_deg\": -1.0}}\n"
                    );
                }
            }
        }
        let path = dir.join("pairs.jsonl");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn fits_the_offsets_writes_the_file_and_names_the_outliers() {
        let dir = tempfile::tempdir().unwrap();
        let (nominal, truth) = site();
        let pairs = pairs_file(dir.path(), &truth);
        let fitted = dir.path().join("fitted.toml");
        let out = Command::new(seawarden_bin())
            .args(["calibrate", "--calibration"])
            .arg(&nominal)
            .arg("--correspondences")
            .arg(&pairs)
            .arg("--output")
            .arg(&fitted)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        // Pairs 2 and 7 (0-based) sit on file lines 4 and 9, after the comment line.
        assert!(stdout.contains("outliers: pairs [2, 7] (lines [4, 9])"), "{stdout}");
        let got = SiteCalibration::from_path(&fitted).unwrap();
        assert!((got.pose.heading_offset_deg - 141.3).abs() < 1e-3, "{:?}", got.pose);
        assert!((got.pose.tilt_offset_deg + 0.6).abs() < 1e-3, "{:?}", got.pose);
        assert!((got.pose.roll_deg - 0.4).abs() < 1e-2, "{:?}", got.pose);
        // Everything but the offsets is kept.
        assert_eq!(
            (got.pose.lat, got.pose.lon, got.pose.mast_height_m),
            (truth.pose.lat, truth.pose.lon, truth.pose.mast_height_m)
        );
        assert_eq!(got.camera, truth.camera);
    }

    #[test]
    fn a_bad_line_fails_naming_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let (nominal, _) = site();
        let pairs = dir.path().join("bad.jsonl");
        std::fs::write(
            &pairs,
            "{\"pixel_x\": 1, \"pixel_y\": 2, \"bearing_deg\": 3, \"range_m\": 900}\n{\"pixel_x\": 1}\n",
        )
        .unwrap();
        let out = Command::new(seawarden_bin())
            .args(["calibrate", "--calibration"])
            .arg(&nominal)
            .arg("--correspondences")
            .arg(&pairs)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("bad.jsonl:2"), "{stderr}");
    }

    #[test]
    fn too_few_pairs_is_an_error_not_a_guess() {
        let dir = tempfile::tempdir().unwrap();
        let (nominal, _) = site();
        let pairs = dir.path().join("two.jsonl");
        std::fs::write(
            &pairs,
            "{\"pixel_x\": 100, \"pixel_y\": 300, \"bearing_deg\": 3, \"range_m\": 900}\n\
             {\"pixel_x\": 500, \"pixel_y\": 300, \"bearing_deg\": 8, \"range_m\": 1900}\n",
        )
        .unwrap();
        let out = Command::new(seawarden_bin())
            .args(["calibrate", "--calibration"])
            .arg(&nominal)
            .arg("--correspondences")
            .arg(&pairs)
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("too few correspondences"));
    }
}

/// Writes the standard evaluation clips (`tools/thermal/eval.sh` runs this in release mode with
/// `SEAWARDEN_THERMAL_EVAL_DIR` set).
#[test]
#[ignore = "writes ~4 × 300 frames of 640×512 video; run by tools/thermal/eval.sh"]
fn generate_evaluation_clips() {
    let dir = std::env::var("SEAWARDEN_THERMAL_EVAL_DIR").unwrap_or_else(|_| "target/thermal-eval".into());
    let frames = std::env::var("SEAWARDEN_THERMAL_EVAL_FRAMES").ok().and_then(|f| f.parse().ok()).unwrap_or(300);
    for spec in evaluation_clips(frames) {
        let s = write_clip(&spec, Path::new(&dir)).unwrap();
        eprintln!("{}: {} frames, {} labels", s.video.display(), s.frames, s.targets);
    }
}
