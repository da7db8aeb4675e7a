//! Where the sea is in the image: the horizon, and land that comes down below it.
//!
//! A detector only looks for boats on water: sky, hills and the coast lights on them are masked.
//! With a calibration the horizon comes from geometry ([`calibrated_horizon`]); without one, and
//! for land in either case, it is found in the image itself ([`SeaTopEstimator`]) from the
//! steps in the mean brightness of vertical strips: sky, land and sea each have their own level,
//! and the sea is what lies below the lowest step.

use calibration::{CameraModel, Direction, HeadAngles, MountedCamera, Pixel};

/// Width of the vertical strips whose row means locate the horizon and land, pixels.
pub const STRIP_WIDTH_PX: usize = 32;

/// A row is land when its strip mean strays from the open sea's by this many robust standard
/// deviations of such strays (or by the estimator's `min_step`, whichever is more).
const LAND_SIGMA: f32 = 6.0;

/// Rows below the horizon within which land must begin.
const LAND_START_PX: usize = 16;

/// Sea-like rows tolerated inside land (a cold patch, a gap between buildings), rows.
const LAND_GAP_PX: usize = 3;

/// Finds, per image column, the first row of open sea from per-strip row means.
///
/// Pure bookkeeping over the row means a detector accumulates anyway, so it costs a few
/// thousand operations per frame and is tested without images.
#[derive(Debug, Clone)]
pub struct SeaTopEstimator {
    /// Half-window of the step detector, rows: a step is the difference between the means of
    /// the `step_half_px` rows below and above a row.
    pub step_half_px: usize,
    /// Land is declared only where it reaches this far below the horizon, pixels (a boat at
    /// the horizon is shorter than this; a headland is taller).
    pub land_min_px: usize,
    /// A step counts when it reaches this fraction of the strip's strongest step.
    pub step_fraction: f32,
    /// Steps smaller than this (in the frame's counts) are noise, not a horizon.
    pub min_step: f32,
    steps: Vec<f32>,
    /// Scratch: strip-mean deviations from the open sea, for the land threshold.
    deviations: Vec<f32>,
    /// Per row: the median over strips of the strip means (the open sea's level).
    row_median: Vec<f32>,
}

impl Default for SeaTopEstimator {
    fn default() -> Self {
        SeaTopEstimator {
            step_half_px: 6,
            land_min_px: 28,
            step_fraction: 0.1,
            min_step: 4.0,
            steps: Vec::new(),
            deviations: Vec::new(),
            row_median: Vec::new(),
        }
    }
}

impl SeaTopEstimator {
    /// Writes the first sea row of every column into `sea_top` (length `width`).
    ///
    /// `strip_means[s * height + y]` is the mean of row `y` over strip `s` (columns
    /// `[s * STRIP_WIDTH_PX, (s + 1) * STRIP_WIDTH_PX)`). `horizon`, when given, is the
    /// calibrated horizon row per column; otherwise the horizon is fitted as a straight line
    /// through each strip's lowest significant step with sea below it. Land below the horizon
    /// is marked where two or more adjacent strips (or one at the image edge) have rows unlike
    /// the open sea (the median over strips) from the horizon down for at least `land_min_px`
    /// rows (water lies between a boat and the horizon, so a boat is never land).
    pub fn estimate(
        &mut self,
        strip_means: &[f32],
        width: usize,
        height: usize,
        horizon: Option<&[f32]>,
        sea_top: &mut [u16],
    ) {
        let n_strips = width.div_ceil(STRIP_WIDTH_PX);
        debug_assert_eq!(strip_means.len(), n_strips * height);
        debug_assert_eq!(sea_top.len(), width);
        let k = self.step_half_px.max(1);
        if height < 4 * k {
            sea_top.fill(0);
            return;
        }
        let line = match horizon {
            Some(_) => None,
            None => self.horizon_line(strip_means, width, height),
        };
        let horizon_at = |x: usize| -> f32 {
            match horizon {
                Some(h) => h[x.min(h.len().saturating_sub(1))],
                None => line.map_or(0.0, |(a, b)| a + b * x as f32),
            }
        };
        // Land strips: below the horizon, rows unlike the open sea reaching down at least
        // `land_min_px`. Open sea is the median over strips row by row (sea in most strips), which
        // carries the sea's own vertical gradient (colder towards grazing angles); a headland's
        // edge may run diagonally through a strip, so no sharp step is needed. A boat is never
        // land: the water between it and the horizon is like the water elsewhere.
        self.row_median.clear();
        let mut across = Vec::with_capacity(n_strips);
        for y in 0..height {
            across.clear();
            across.extend((0..n_strips).map(|s| strip_means[s * height + y]));
            let mid = across.len() / 2;
            self.row_median.push(*across.select_nth_unstable_by(mid, f32::total_cmp).1);
        }
        // How much a strip's row mean strays from the median over open sea: the lower half.
        self.deviations.clear();
        for s in 0..n_strips {
            for y in height / 2..height {
                self.deviations.push((strip_means[s * height + y] - self.row_median[y]).abs());
            }
        }
        let spread = if self.deviations.is_empty() {
            0.0
        } else {
            let mid = self.deviations.len() / 2;
            1.4826 * *self.deviations.select_nth_unstable_by(mid, f32::total_cmp).1
        };
        let tau = (LAND_SIGMA * spread).max(self.min_step);
        let land: Vec<Option<f32>> = (0..n_strips)
            .map(|s| {
                let p = &strip_means[s * height..(s + 1) * height];
                let centre = (s * STRIP_WIDTH_PX + STRIP_WIDTH_PX / 2).min(width - 1);
                let top = (horizon_at(centre).max(0.0).ceil() as usize).min(height);
                // Any row within LAND_START_PX of the horizon may start or continue land (a
                // horizon found in the image may sit a few rows high, over hills that look like
                // the hills elsewhere); below that, gaps of up to LAND_GAP_PX rows.
                let mut bottom = top;
                for y in top..height {
                    if (p[y] - self.row_median[y]).abs() > tau {
                        bottom = y + 1;
                    } else if y >= bottom + LAND_GAP_PX && y >= top + LAND_START_PX {
                        break;
                    }
                }
                (bottom - top >= self.land_min_px).then_some(bottom as f32)
            })
            .collect();
        for s in 0..n_strips {
            let neighbour = (s > 0 && land[s - 1].is_some()) || (s + 1 < n_strips && land[s + 1].is_some());
            let at_edge = s == 0 || s + 1 == n_strips;
            let land_row = land[s].filter(|_| neighbour || at_edge);
            let x0 = s * STRIP_WIDTH_PX;
            let x1 = ((s + 1) * STRIP_WIDTH_PX).min(width);
            for (x, top) in sea_top.iter_mut().enumerate().take(x1).skip(x0) {
                let h = horizon_at(x).max(land_row.unwrap_or(f32::MIN));
                *top = h.round().clamp(0.0, height as f32) as u16;
            }
        }
    }
}

impl SeaTopEstimator {
    /// The horizon found in the image, as `(a, b)` of `row = a + b · column`: a robust line
    /// through each strip's lowest significant step (the top of the sea; strips where a headland
    /// or a ship made that step lower are outliers to the line). [`SeaTopEstimator::estimate`]
    /// masks land below it; the model skips the sky above it when there is no calibration.
    /// `None` when no strip shows a horizon step, or the frame is too short to look for one.
    pub fn horizon_line(&mut self, strip_means: &[f32], width: usize, height: usize) -> Option<(f32, f32)> {
        let n_strips = width.div_ceil(STRIP_WIDTH_PX);
        debug_assert_eq!(strip_means.len(), n_strips * height);
        let k = self.step_half_px.max(1);
        if height < 4 * k || width == 0 {
            return None;
        }
        // Per strip: the lowest significant step (its significance set by the strongest one).
        let mut tops = Vec::with_capacity(n_strips);
        for s in 0..n_strips {
            let p = &strip_means[s * height..(s + 1) * height];
            self.steps.clear();
            self.steps.resize(height, 0.0);
            let mut prefix = Vec::with_capacity(height + 1);
            prefix.push(0.0f64);
            for &v in p {
                prefix.push(prefix[prefix.len() - 1] + f64::from(v));
            }
            let mut best = (0.0f32, 0usize);
            for y in k..=height - k {
                let above = (prefix[y] - prefix[y - k]) / k as f64;
                let below = (prefix[y + k] - prefix[y]) / k as f64;
                let step = (below - above).abs() as f32;
                self.steps[y] = step;
                if step > best.0 {
                    best = (step, y);
                }
            }
            // The step's own noise, from the lower half of the strip (sea in any usable view):
            // a land-to-sea step may be far weaker than the sky-to-land one above it, so
            // significance is judged against the noise, not only against the strongest step.
            let mut lower: Vec<f32> = self.steps[height / 2..height - k].to_vec();
            let noise = if lower.is_empty() {
                0.0
            } else {
                let mid = lower.len() / 2;
                *lower.select_nth_unstable_by(mid, f32::total_cmp).1
            };
            let floor = (best.0 * self.step_fraction).min(8.0 * noise).max(self.min_step).max(4.0 * noise);
            // Lowest local maximum of the step above the floor that is the top of open sea: the
            // rows above it must differ from the sea below for a band as tall as a headland (or
            // up to the top of the image). A boat also makes steps, at its top and bottom, but
            // the water above it looks like the water below, so its steps are passed over.
            let mut lowest = None;
            for y in (k..=height - k).rev() {
                let v = self.steps[y];
                if v >= floor
                    && v >= self.steps[y - 1]
                    && (y + 1 >= height || v >= self.steps[y + 1])
                    && self.sea_below(p, y, v)
                {
                    lowest = Some(y);
                    break;
                }
            }
            let centre = (s * STRIP_WIDTH_PX + STRIP_WIDTH_PX / 2).min(width - 1) as f32;
            tops.push((centre, if best.0 >= self.min_step { lowest.map(|y| y as f32) } else { None }));
        }
        fit_line(&tops)
    }

    /// Whether row `y` of strip profile `p` (a step of size `step`) is the top of open sea.
    ///
    /// The sea level is the median of the `land_min_px` rows from `y` down (a boat there is
    /// shorter than that, so the median is water). The rows just below `y` must be at that
    /// level (below a boat's top edge is the boat), and at least 80 % of the `land_min_px` rows
    /// above it (fewer at the top of the image) must differ from it by more than half the step
    /// (above a boat's bottom edge is mostly water).
    fn sea_below(&self, p: &[f32], y: usize, step: f32) -> bool {
        let k = self.step_half_px.max(1);
        let tall = self.land_min_px.max(k);
        let mut below: Vec<f32> = p[y..(y + tall).min(p.len())].to_vec();
        if below.is_empty() {
            return false;
        }
        let mid = below.len() / 2;
        let sea = *below.select_nth_unstable_by(mid, f32::total_cmp).1;
        let near = &p[y..(y + k).min(p.len())];
        let near_sea = near.iter().filter(|&&v| (v - sea).abs() <= 0.5 * step).count();
        let band = &p[y.saturating_sub(tall)..y];
        let differ = band.iter().filter(|&&v| (v - sea).abs() > 0.5 * step).count();
        near_sea * 2 >= near.len() && !band.is_empty() && differ * 5 >= band.len() * 4
    }
}

/// Least-median-of-squares line `y = a + b·x` through strip horizon candidates, robust to the
/// strips where a boat, a headland or a cloud made the strongest step.
fn fit_line(points: &[(f32, Option<f32>)]) -> Option<(f32, f32)> {
    let pts: Vec<(f32, f32)> = points.iter().filter_map(|&(x, y)| y.map(|y| (x, y))).collect();
    match pts.len() {
        0 => return None,
        1 => return Some((pts[0].1, 0.0)),
        _ => {}
    }
    let mut best: Option<(f32, (f32, f32))> = None;
    let mut residuals = Vec::with_capacity(pts.len());
    for i in 0..pts.len() {
        for j in i + 1..pts.len() {
            let (x0, y0) = pts[i];
            let (x1, y1) = pts[j];
            let b = (y1 - y0) / (x1 - x0);
            // A horizon tilted more than ~15° is a mis-detection, not a roll.
            if !b.is_finite() || b.abs() > 0.27 {
                continue;
            }
            let a = y0 - b * x0;
            residuals.clear();
            residuals.extend(pts.iter().map(|&(x, y)| (y - a - b * x).abs()));
            residuals.sort_by(f32::total_cmp);
            let med = residuals[residuals.len() / 2];
            if best.is_none_or(|(m, _)| med < m) {
                best = Some((med, (a, b)));
            }
        }
    }
    let (a, b) = best.map(|(_, l)| l).unwrap_or_else(|| {
        let mut ys: Vec<f32> = pts.iter().map(|p| p.1).collect();
        ys.sort_by(f32::total_cmp);
        (ys[ys.len() / 2], 0.0)
    });
    // Refine: least squares over the inliers (within 3 px of the robust line).
    let inliers: Vec<(f32, f32)> = pts.iter().copied().filter(|&(x, y)| (y - a - b * x).abs() <= 3.0).collect();
    if inliers.len() >= 2 {
        let n = inliers.len() as f32;
        let mx = inliers.iter().map(|p| p.0).sum::<f32>() / n;
        let my = inliers.iter().map(|p| p.1).sum::<f32>() / n;
        let sxx: f32 = inliers.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
        let sxy: f32 = inliers.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        if sxx > 0.0 {
            let b = sxy / sxx;
            return Some((my - b * mx, b));
        }
    }
    Some((a, b))
}

/// The sea horizon's row in every column of a calibrated camera, for masking sky and land
/// without guessing from the image.
///
/// # Units
/// Rows, continuous pixels (the horizon may lie outside `[0, height]`; callers clamp).
/// Columns the model cannot map get the row of the nearest column that it can.
pub fn calibrated_horizon<C: CameraModel>(camera: &MountedCamera<C>, head: HeadAngles) -> Vec<f32> {
    let (width, height) = camera.camera().size_px();
    let dip = camera.sea().horizon_dip_deg();
    let cy = f64::from(height) / 2.0;
    let mut rows: Vec<Option<f32>> = (0..width)
        .map(|x| {
            let at = Pixel::new(f64::from(x) + 0.5, cy);
            let d = camera.pixel_to_direction(at, head).ok()?;
            // Walk the row along the column: two Newton steps on the elevation of that column.
            let mut y =
                camera.direction_to_pixel(Direction { bearing_deg: d.bearing_deg, elevation_deg: -dip }, head).ok()?.y;
            for _ in 0..2 {
                let here = camera.pixel_to_direction(Pixel::new(f64::from(x) + 0.5, y), head).ok()?;
                let next = camera.pixel_to_direction(Pixel::new(f64::from(x) + 0.5, y + 1.0), head).ok()?;
                let slope = next.elevation_deg - here.elevation_deg;
                if slope.abs() < 1e-12 {
                    break;
                }
                y -= (here.elevation_deg + dip) / slope;
            }
            y.is_finite().then_some(y as f32)
        })
        .collect();
    let fallback = rows.iter().flatten().next().copied().unwrap_or(0.0);
    let mut last = fallback;
    for r in &mut rows {
        match r {
            Some(v) => last = *v,
            None => *r = Some(last),
        }
    }
    rows.into_iter().map(|r| r.unwrap_or(fallback)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strip means for a `width × height` scene: `level(x, y)` per strip centre.
    fn means(width: usize, height: usize, level: impl Fn(usize, usize) -> f32) -> Vec<f32> {
        let n = width.div_ceil(STRIP_WIDTH_PX);
        let mut m = vec![0.0; n * height];
        for s in 0..n {
            for y in 0..height {
                m[s * height + y] = level(s * STRIP_WIDTH_PX + STRIP_WIDTH_PX / 2, y);
            }
        }
        m
    }

    mod estimate {
        use super::*;

        #[test]
        fn finds_a_level_horizon_between_sky_and_sea() {
            let m = means(320, 200, |_, y| if y < 60 { 1000.0 } else { 1300.0 });
            let mut top = vec![0u16; 320];
            SeaTopEstimator::default().estimate(&m, 320, 200, None, &mut top);
            assert!(top.iter().all(|&t| (59..=61).contains(&t)), "{top:?}");
        }

        #[test]
        fn follows_a_tilted_horizon() {
            let m = means(320, 200, |x, y| if (y as f32) < 50.0 + 0.1 * x as f32 { 1000.0 } else { 1300.0 });
            let mut top = vec![0u16; 320];
            SeaTopEstimator::default().estimate(&m, 320, 200, None, &mut top);
            assert!((i32::from(top[16]) - 52).abs() <= 2, "{}", top[16]);
            assert!((i32::from(top[304]) - 80).abs() <= 2, "{}", top[304]);
        }

        #[test]
        fn masks_a_headland_at_the_image_edge() {
            let m = means(320, 200, |x, y| match (x < 64, y) {
                (_, y) if y < 60 => 1000.0,
                (true, y) if y < 130 => 1600.0,
                _ => 1300.0,
            });
            let mut top = vec![0u16; 320];
            SeaTopEstimator::default().estimate(&m, 320, 200, None, &mut top);
            assert!((i32::from(top[10]) - 130).abs() <= 1, "{}", top[10]);
            assert!((i32::from(top[200]) - 60).abs() <= 1, "{}", top[200]);
        }

        #[test]
        fn ignores_one_boat_below_the_horizon() {
            // A hot ship filling one mid-image strip must not be taken for land.
            let m = means(320, 200, |x, y| match (x / 32 == 5, y) {
                (_, y) if y < 60 => 1000.0,
                (true, y) if (100..130).contains(&y) => 1900.0,
                _ => 1300.0,
            });
            let mut top = vec![0u16; 320];
            SeaTopEstimator::default().estimate(&m, 320, 200, None, &mut top);
            assert!((i32::from(top[170]) - 60).abs() <= 1, "{}", top[170]);
        }

        #[test]
        fn uses_a_calibrated_horizon_when_given() {
            let m = means(64, 100, |_, _| 1000.0);
            let mut top = vec![0u16; 64];
            let h = vec![33.4f32; 64];
            SeaTopEstimator::default().estimate(&m, 64, 100, Some(&h), &mut top);
            assert!(top.iter().all(|&t| t == 33));
        }
    }

    mod calibrated_horizon {
        use super::*;
        use calibration::{Pinhole, SitePose};

        #[test]
        fn sits_above_the_centre_by_the_tilt_less_the_dip() {
            let camera = Pinhole::from_hfov(640, 512, 6.0).unwrap();
            let pose = SitePose {
                lat: 22.1,
                lon: 113.5,
                mast_height_m: 30.0,
                heading_offset_deg: 0.0,
                tilt_offset_deg: 0.0,
                roll_deg: 0.0,
            };
            let mounted = MountedCamera::try_new(camera, pose).unwrap();
            let head = HeadAngles { pan_deg: 0.0, tilt_deg: -1.0 };
            let rows = calibrated_horizon(&mounted, head);
            let f = mounted.camera().focal_px();
            let dip = mounted.sea().horizon_dip_deg();
            let expected = 256.0 - f * (1.0 - dip).to_radians().tan();
            assert!((f64::from(rows[320]) - expected).abs() < 0.05, "{} vs {expected}", rows[320]);
        }
    }
}
