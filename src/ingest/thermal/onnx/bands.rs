//! Range-adaptive resolution: on a calibrated camera, the rows near the camera go to the model at
//! half resolution.
//!
//! A boat of length `L` at ground range `R` spans `L / (R · rad_per_px)` pixels; over a flat sea
//! that is about `L · d / h` for a row `d` pixels below the horizontal and a mast `h` metres high,
//! whatever the lens. Far below the horizon every boat is large, and the model finds it as well
//! from a 2×2-averaged image, at a quarter of the inference time. [`split_row`] finds, from the
//! calibration, the first row where the smallest vessel of interest spans
//! [`RangeAdaptive::min_span_px`]; [`layout`] cuts the frame into a far band (the sea top down to
//! a little below that row, full resolution) and a near band (a little above it to the bottom,
//! half resolution), each a multiple of the model's stride so nothing is padded, and falls back to
//! one full-resolution pass when the split would not save enough. [`owned`] drops the boxes a
//! band cut at its edge (the other band sees those boats whole), and one NMS over both bands
//! reports a boat seen by both once.

use calibration::{CameraModel, HeadAngles, MountedCamera, Pixel};

use super::letterbox::Region;
use super::nms::Candidate;

/// Settings of range-adaptive resolution ([`super::OnnxConfig::range_adaptive`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RangeAdaptive {
    /// Hull length of the vessel [`RangeAdaptive::min_span_px`] is measured on, metres: 5 m, the
    /// simulator's smallest speedboat (`random_traffic`: speedboats 5–10 m, "small" craft 3–6 m).
    pub min_vessel_m: f64,
    /// Width, full-resolution pixels, a [`RangeAdaptive::min_vessel_m`] vessel seen broadside
    /// must span for its row to run at half resolution. Chosen on the evaluation clips
    /// (`assets/models/MODEL.md`, range-adaptive resolution): at 32 px (16 px at half
    /// resolution; a 3 m craft or a 5 m one bow-on still ≈ 10 px) recall stays within 0.01 of
    /// one full-resolution pass; at 24–28 px the boxes of 10–20 px, halved, lost 0.05 of the
    /// recall over 10 px.
    pub min_span_px: f64,
    /// Rows each band reaches past the split: the far band's extra rows hold the hulls of boats
    /// whose waterline lies just below it, the near band's the superstructure of boats just
    /// under it, so a boat on the split is seen whole by at least one band. 16 px measured as
    /// good as 32 (a 5 m boat at the split is about 32 × 8 px), and each band grows to the
    /// model's stride anyway.
    pub overlap_px: usize,
    /// The two bands run only when they save at least this fraction of the one-pass input
    /// pixels (onnxruntime's time is about linear in pixels, plus a fixed cost per run).
    pub min_saving: f32,
}

impl Default for RangeAdaptive {
    fn default() -> Self {
        RangeAdaptive { min_vessel_m: 5.0, min_span_px: 32.0, overlap_px: 16, min_saving: 0.2 }
    }
}

/// How many pixels a vessel of `length_m` seen broadside spans with its waterline at `pixel`:
/// `length / (range · rad_per_px)`. `None` at or above the horizon (no sea there).
pub fn vessel_span_px<C: CameraModel>(
    camera: &MountedCamera<C>,
    head: HeadAngles,
    pixel: Pixel,
    length_m: f64,
) -> Option<f64> {
    let range = camera.pixel_to_range_m(pixel, head).ok()?;
    let span = length_m / (range * camera.camera().radians_per_px());
    (span.is_finite() && span > 0.0).then_some(span)
}

/// The first row from which, down to the bottom of the image, a vessel of
/// [`RangeAdaptive::min_vessel_m`] spans at least [`RangeAdaptive::min_span_px`] in every column
/// (checked at both edges and the centre, so a rolled camera gets the worst side). `None` when no
/// row qualifies (a long lens on a low mast, or the horizon below the image).
pub fn split_row<C: CameraModel>(camera: &MountedCamera<C>, head: HeadAngles, cfg: &RangeAdaptive) -> Option<usize> {
    let (w, h) = camera.camera().size_px();
    let columns = [0.5, f64::from(w) / 2.0, f64::from(w) - 0.5];
    let large_enough = |row: u32| {
        columns.iter().all(|&x| {
            vessel_span_px(camera, head, Pixel::new(x, f64::from(row) + 0.5), cfg.min_vessel_m)
                .is_some_and(|s| s >= cfg.min_span_px)
        })
    };
    // The span grows downwards: walk up from the bottom while it is large enough.
    let mut row = h;
    while row > 0 && large_enough(row - 1) {
        row -= 1;
    }
    (row < h).then_some(row as usize)
}

/// The two bands of one frame: where each lies in the frame and the input each is fed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bands {
    /// The far band, fed at full resolution: from the sea top to a little below `split`.
    pub far: Region,
    /// The near band, fed at half resolution: from a little above `split` to the bottom.
    pub near: Region,
    /// The near band's model input `(width, height)`: half the region, rounded up to the stride.
    pub near_input: (usize, usize),
    /// The first row whose boats are all large enough for half resolution.
    pub split: usize,
}

impl Bands {
    /// Model input pixels of both bands together (the far band's width rounded up to `stride`).
    pub fn input_pixels(&self, stride: usize) -> usize {
        round_up(self.far.w, stride) * self.far.h + self.near_input.0 * self.near_input.1
    }
}

fn round_up(v: usize, stride: usize) -> usize {
    v.div_ceil(stride.max(1)).max(1) * stride.max(1)
}

/// Cuts a `width × height` frame whose sea starts at row `sea_top` (0 without a calibrated sky)
/// at `split` ([`split_row`]). Each band's height is a multiple of `stride` (the far band
/// grows downwards, the near band upwards), so no row is padded. `None` when the split leaves a
/// band empty or the two bands would not save [`RangeAdaptive::min_saving`] of the one-pass
/// input pixels: the caller then runs one full-resolution pass.
pub fn layout(
    width: usize,
    height: usize,
    sea_top: usize,
    split: usize,
    cfg: &RangeAdaptive,
    stride: usize,
) -> Option<Bands> {
    if width < 2 || split <= sea_top || split >= height {
        return None;
    }
    let far_h = round_up(split + cfg.overlap_px - sea_top, stride);
    let near_input_h = round_up((height - split.saturating_sub(cfg.overlap_px)).div_ceil(2), stride);
    if sea_top + far_h >= height || 2 * near_input_h > height {
        return None;
    }
    let bands = Bands {
        far: Region { x: 0, y: sea_top, w: width, h: far_h },
        near: Region { x: 0, y: height - 2 * near_input_h, w: width, h: 2 * near_input_h },
        near_input: (round_up(width.div_ceil(2), stride), near_input_h),
        split,
    };
    // One pass feeds the sea rows, rounded up to the stride, at full resolution.
    let one_pass = round_up(width, stride) * round_up(height - sea_top, stride).min(height);
    (bands.input_pixels(stride) as f32 <= (1.0 - cfg.min_saving) * one_pass as f32).then_some(bands)
}

/// Whether a candidate from `region` (a band of `bands`, with its box clipped to the band) is
/// that band's to report: a box cut by the far band's bottom edge belongs to a boat whose
/// waterline lies below it, which the near band sees whole; a box cut by the near band's top
/// edge whose bottom lies above the split belongs to a far boat, which the far band sees whole.
/// (A tall near boat cut at the near band's top stays: the far band sees only its upper part.)
pub fn owned(bands: &Bands, near: bool, c: &Candidate) -> bool {
    const EDGE_PX: f32 = 1.0;
    if near {
        c.y0 > bands.near.y as f32 + EDGE_PX || c.y1 >= bands.split as f32
    } else {
        c.y1 < (bands.far.y + bands.far.h) as f32 - EDGE_PX
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(y0: f32, y1: f32) -> Candidate {
        Candidate { x0: 10.0, y0, x1: 40.0, y1, score: 0.9, class_id: 0 }
    }

    mod split_row {
        use super::*;
        use calibration::SiteCalibration;

        /// The evaluation clips' camera (`sim::thermal::evaluation_clips`): 6° lens, 25 m mast.
        fn camera(roll_deg: f64) -> MountedCamera<calibration::Pinhole> {
            SiteCalibration::from_toml_str(&format!(
                "[pose]\nlat = 22.2\nlon = 113.56\nmast_height_m = 25.0\nheading_offset_deg = 150.0\n\
                 tilt_offset_deg = -1.34\nroll_deg = {roll_deg}\n[camera]\nwidth_px = 640\nheight_px = 512\n\
                 hfov_deg = 6.0\nk1 = -0.02\n"
            ))
            .unwrap()
            .mounted_camera()
            .unwrap()
        }

        #[test]
        fn is_the_first_row_where_the_smallest_boat_spans_the_minimum() {
            let cam = camera(0.0);
            let head = HeadAngles::default();
            let cfg = RangeAdaptive::default();
            let row = split_row(&cam, head, &cfg).unwrap();
            let span = |y: usize, x: f64| vessel_span_px(&cam, head, Pixel::new(x, y as f64 + 0.5), 5.0).unwrap();
            for x in [0.5, 320.0, 639.5] {
                assert!(span(row, x) >= cfg.min_span_px, "row {row} column {x}: {}", span(row, x));
            }
            assert!([0.5, 320.0, 639.5].iter().any(|&x| span(row - 1, x) < cfg.min_span_px));
            // Flat sea, small angles: span ≈ L · d / h, d = rows below the horizontal.
            let d = -cam.pixel_to_direction(Pixel::new(320.0, row as f64 + 0.5), head).unwrap().elevation_deg
                / cam.camera().radians_per_px().to_degrees();
            let flat = 5.0 * d / 25.0;
            assert!((span(row, 320.0) / flat - 1.0).abs() < 0.03, "{} vs {flat}", span(row, 320.0));
            // 32 px ≈ 160 rows below the horizontal, which is ≈ 113 rows from the top (6° over
            // 640 px, the camera tilted down 1.34°).
            assert!((255..295).contains(&row), "{row}");
        }

        #[test]
        fn a_rolled_camera_takes_the_worse_side_and_a_larger_minimum_moves_it_down() {
            let head = HeadAngles::default();
            let cfg = RangeAdaptive::default();
            let level = split_row(&camera(0.0), head, &cfg).unwrap();
            let rolled = split_row(&camera(2.0), head, &cfg).unwrap();
            // 2° of roll lifts one side of the image by 320 px · tan 2° ≈ 11 px.
            assert!(rolled > level + 5, "{rolled} vs {level}");
            let larger =
                split_row(&camera(0.0), head, &RangeAdaptive { min_span_px: 1.5 * cfg.min_span_px, ..cfg }).unwrap();
            assert!(larger > level + 50, "{larger} vs {level}");
            let none = split_row(&camera(0.0), head, &RangeAdaptive { min_span_px: 500.0, ..cfg });
            assert_eq!(none, None);
        }
    }

    mod layout {
        use super::*;

        #[test]
        fn cuts_a_640x512_frame_into_stride_multiples_around_the_split() {
            let cfg = RangeAdaptive::default();
            let b = layout(640, 512, 64, 220, &cfg, 32).unwrap();
            // Far: 64 .. 220 + 16 = 236, rounded up to 192 rows (64 .. 256).
            assert_eq!(b.far, Region { x: 0, y: 64, w: 640, h: 192 });
            // Near: 204 .. 512 = 308 rows, 154 at half resolution, rounded up to 160 (rows 192 .. 512).
            assert_eq!(b.near, Region { x: 0, y: 192, w: 640, h: 320 });
            assert_eq!(b.near_input, (320, 160));
            assert_eq!(b.input_pixels(32), 640 * 192 + 320 * 160);
        }

        #[test]
        fn a_split_that_saves_too_little_runs_one_pass() {
            let cfg = RangeAdaptive::default();
            // Split near the bottom: the far band is almost the whole sea.
            assert_eq!(layout(640, 512, 64, 460, &cfg, 32), None);
            assert_eq!(layout(640, 512, 64, 512, &cfg, 32), None);
            assert_eq!(layout(640, 512, 64, 64, &cfg, 32), None);
            // Split at 340: 320 far rows + 96 half rows save 18 % of the pixels, not the 20 % asked
            // for by default.
            assert_eq!(layout(640, 512, 64, 340, &cfg, 32), None);
            assert!(layout(640, 512, 64, 340, &RangeAdaptive { min_saving: 0.1, ..cfg }, 32).is_some());
        }
    }

    #[test]
    fn boxes_cut_by_a_band_edge_belong_to_the_other_band() {
        let b = layout(640, 512, 64, 220, &RangeAdaptive::default(), 32).unwrap();
        let far_end = (b.far.y + b.far.h) as f32; // 256
        assert!(owned(&b, false, &cand(230.0, 250.0)));
        assert!(!owned(&b, false, &cand(240.0, far_end)), "cut at the far band's bottom");
        let near_top = b.near.y as f32; // 192
        assert!(owned(&b, true, &cand(200.0, 230.0)));
        assert!(!owned(&b, true, &cand(near_top, 210.0)), "a far boat cut at the near band's top");
        assert!(owned(&b, true, &cand(near_top, 300.0)), "a tall near boat cut at the top stays");
    }
}
