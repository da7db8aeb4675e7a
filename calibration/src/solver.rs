//! The pose solver: heading, tilt and roll offsets of a mounted camera from vessels it saw.
//!
//! A field alignment pairs AIS-identified vessels (true bearing and range from the mast) with
//! the pixels where the IR picture shows their waterlines, each with the head's pan and tilt
//! when the frame was taken. [`solve_pose`] fits the three mounting offsets of the
//! [`SitePose`](crate::SitePose) so that the camera model maps every vessel onto its pixel, and
//! reports per-correspondence residuals and which pairs it rejected (a wrong AIS match, a
//! vessel whose AIS position lags, a detection on the wrong boat).
//!
//! # Method
//! 1. A robust start: the circular median of (true bearing − bearing seen with zero offsets)
//!    for heading, the median elevation difference for tilt, zero roll. Medians ignore up to
//!    half the pairs being gross outliers.
//! 2. Iteratively reweighted Gauss–Newton (with Levenberg–Marquardt damping) on the pixel
//!    reprojection error under a Huber loss, with a numeric Jacobian.
//! 3. Pairs whose residual exceeds `max(outlier_min_px, 3.5 σ)` (σ the MAD-scaled median
//!    residual) are rejected, and the offsets are refined by plain least squares on the rest.
//!
//! # References
//! - P. J. Huber, "Robust estimation of a location parameter", *Ann. Math. Statist.* 35 (1964).
//! - R. Hartley and A. Zisserman, *Multiple View Geometry*, 2nd ed., appendix 6 (LM, IRLS).

use crate::camera::{CameraModel, Pixel};
use crate::error::CalibrationError;
use crate::mount::{Direction, HeadAngles, MountedCamera};

/// A vessel seen in a frame, paired with where AIS says it is: one observation for the solver.
///
/// # Units
/// `pixel` in pixels (the waterline under the vessel), `head` in degrees as the head reported
/// it, `bearing_deg` true degrees from the mast, `range_m` metres over the sea from the mast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Correspondence {
    /// Where the vessel's waterline is in the image.
    pub pixel: Pixel,
    /// The head's pan and tilt when the frame was taken.
    pub head: HeadAngles,
    /// True bearing of the vessel from the mast, degrees clockwise from north.
    pub bearing_deg: f64,
    /// Range of the vessel from the foot of the mast, metres along the sea surface.
    pub range_m: f64,
}

/// Knobs of [`solve_pose`]; `SolverOptions::default()` suits a 640×512 thermal camera.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolverOptions {
    /// Fit the roll too; with `false` roll stays at the initial pose's value.
    pub solve_roll: bool,
    /// Huber loss threshold: residuals beyond it count linearly, pixels.
    pub huber_px: f64,
    /// Smallest residual that may be called an outlier, pixels (the cut is
    /// `max(outlier_min_px, 3.5 σ)`).
    pub outlier_min_px: f64,
    /// Most Gauss–Newton iterations per stage.
    pub max_iterations: usize,
}

impl Default for SolverOptions {
    /// Roll fitted, Huber at 2 px, outliers beyond at least 4 px, 50 iterations.
    fn default() -> SolverOptions {
        SolverOptions { solve_roll: true, huber_px: 2.0, outlier_min_px: 4.0, max_iterations: 50 }
    }
}

/// The solver's answer: the fitted offsets and how well each correspondence fits them.
#[derive(Debug, Clone, PartialEq)]
pub struct PoseFit {
    /// True bearing the head faces at pan zero, degrees, `[0, 360)`.
    pub heading_offset_deg: f64,
    /// Elevation of the optical axis at tilt zero, degrees.
    pub tilt_offset_deg: f64,
    /// Camera roll about its optical axis, degrees (the initial value if not solved).
    pub roll_deg: f64,
    /// Reprojection error of each correspondence, in input order, pixels (infinite where the
    /// fitted pose puts the vessel behind the camera).
    pub residuals_px: Vec<f64>,
    /// Indices of the correspondences rejected as outliers, ascending.
    pub outliers: Vec<usize>,
    /// Root-mean-square reprojection error over the inliers, pixels.
    pub rms_px: f64,
    /// Gauss–Newton iterations run, over all stages.
    pub iterations: usize,
}

impl PoseFit {
    /// Whether correspondence `index` was kept.
    pub fn is_inlier(&self, index: usize) -> bool {
        self.outliers.binary_search(&index).is_err()
    }
}

/// Fits the heading, tilt (and optionally roll) offsets of `mounted` to `correspondences`.
///
/// The mount's lens, mast height and sea model are taken as known; its offsets are only used
/// for the roll when `options.solve_roll` is false.
///
/// # Errors
/// - [`CalibrationError::TooFewCorrespondences`] for fewer than 3 pairs (2 without roll), or
///   fewer inliers than that after rejection.
/// - [`CalibrationError::Correspondence`] for a pair with a non-finite value or a range beyond
///   the sea horizon.
/// - [`CalibrationError::DegenerateCorrespondences`] when the pairs cannot fix an offset.
///
/// # Examples
/// ```
/// # use calibration::{HeadAngles, MountedCamera, Pinhole, SitePose};
/// # use calibration::solver::{solve_pose, Correspondence, SolverOptions};
/// let pose = SitePose { lat: 22.2, lon: 113.5, mast_height_m: 30.0,
///     heading_offset_deg: 0.0, tilt_offset_deg: 0.0, roll_deg: 0.0 };
/// let truth = SitePose { heading_offset_deg: 41.0, tilt_offset_deg: -0.5, ..pose };
/// let seen = MountedCamera::try_new(Pinhole::from_hfov(640, 512, 24.0)?, truth)?;
/// let head = HeadAngles { pan_deg: 10.0, tilt_deg: -1.0 };
/// let pairs: Vec<Correspondence> = [(45.0, 2_000.0), (52.0, 4_000.0), (58.0, 1_500.0)]
///     .iter()
///     .map(|&(bearing_deg, range_m)| Ok(Correspondence {
///         pixel: seen.sea_point_to_pixel(bearing_deg, range_m, head)?,
///         head, bearing_deg, range_m,
///     }))
///     .collect::<Result<_, calibration::CalibrationError>>()?;
/// let nominal = MountedCamera::try_new(Pinhole::from_hfov(640, 512, 24.0)?, pose)?;
/// let fit = solve_pose(&nominal, &pairs, &SolverOptions::default())?;
/// assert!((fit.heading_offset_deg - 41.0).abs() < 1e-6);
/// assert!((fit.tilt_offset_deg + 0.5).abs() < 1e-6);
/// # Ok::<(), calibration::CalibrationError>(())
/// ```
pub fn solve_pose<C: CameraModel + Clone>(
    mounted: &MountedCamera<C>,
    correspondences: &[Correspondence],
    options: &SolverOptions,
) -> Result<PoseFit, CalibrationError> {
    let n_params = if options.solve_roll { 3 } else { 2 };
    if correspondences.len() < n_params {
        return Err(CalibrationError::TooFewCorrespondences { got: correspondences.len(), needed: n_params });
    }
    let targets = correspondences
        .iter()
        .enumerate()
        .map(|(index, c)| target_direction(mounted, c).map_err(|e| in_pair(index, e)))
        .collect::<Result<Vec<Direction>, _>>()?;

    let mut trial = mounted.clone();
    let mut params = initial_guess(&mut trial, correspondences, &targets, mounted.pose().roll_deg);
    let all: Vec<bool> = vec![true; correspondences.len()];
    let mut iterations = 0;

    // Stage 1: robust fit of all pairs.
    iterations += gauss_newton(
        &mut trial,
        correspondences,
        &targets,
        &all,
        &mut params,
        n_params,
        Some(options.huber_px),
        options.max_iterations,
    )?;
    let residuals = residuals_px(&mut trial, correspondences, &targets, params);

    // Stage 2: reject, then refine on the inliers by plain least squares.
    let mut finite: Vec<f64> = residuals.iter().copied().filter(|r| r.is_finite()).collect();
    let sigma = 1.4826 * median(&mut finite).unwrap_or(f64::INFINITY);
    let cut = options.outlier_min_px.max(3.5 * sigma);
    let inlier: Vec<bool> = residuals.iter().map(|r| *r <= cut).collect();
    let kept = inlier.iter().filter(|k| **k).count();
    if kept < n_params {
        return Err(CalibrationError::TooFewCorrespondences { got: kept, needed: n_params });
    }
    iterations += gauss_newton(
        &mut trial,
        correspondences,
        &targets,
        &inlier,
        &mut params,
        n_params,
        None,
        options.max_iterations,
    )?;
    let residuals = residuals_px(&mut trial, correspondences, &targets, params);
    let outliers: Vec<usize> = (0..residuals.len()).filter(|&i| !inlier[i]).collect();
    let sum_sq: f64 = residuals.iter().zip(&inlier).filter(|(_, k)| **k).map(|(r, _)| r * r).sum();
    Ok(PoseFit {
        heading_offset_deg: params[0].rem_euclid(360.0) % 360.0,
        tilt_offset_deg: params[1],
        roll_deg: params[2],
        residuals_px: residuals,
        outliers,
        rms_px: (sum_sq / kept as f64).sqrt(),
        iterations,
    })
}

fn in_pair(index: usize, source: CalibrationError) -> CalibrationError {
    CalibrationError::Correspondence { index, source: Box::new(source) }
}

/// Where AIS says the vessel's waterline is, as a direction from the camera.
fn target_direction<C: CameraModel>(
    mounted: &MountedCamera<C>,
    c: &Correspondence,
) -> Result<Direction, CalibrationError> {
    for (name, v) in [
        ("x_px", c.pixel.x),
        ("y_px", c.pixel.y),
        ("pan_deg", c.head.pan_deg),
        ("tilt_deg", c.head.tilt_deg),
        ("bearing_deg", c.bearing_deg),
        ("range_m", c.range_m),
    ] {
        if !v.is_finite() {
            return Err(CalibrationError::NotFinite { name });
        }
    }
    Ok(Direction { bearing_deg: c.bearing_deg, elevation_deg: -mounted.sea().depression_deg(c.range_m)? })
}

fn wrap180(deg: f64) -> f64 {
    (deg + 180.0).rem_euclid(360.0) - 180.0
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 { values[mid] } else { 0.5 * (values[mid - 1] + values[mid]) })
}

/// Medians of the bearing and elevation differences seen with zero offsets.
fn initial_guess<C: CameraModel>(
    trial: &mut MountedCamera<C>,
    correspondences: &[Correspondence],
    targets: &[Direction],
    roll_deg: f64,
) -> [f64; 3] {
    trial.set_offsets(0.0, 0.0, roll_deg);
    let mut d_bearing = Vec::with_capacity(targets.len());
    let mut d_elevation = Vec::with_capacity(targets.len());
    for (c, t) in correspondences.iter().zip(targets) {
        // A pixel outside the lens model is a bad detection; the median simply skips it.
        if let Ok(seen) = trial.pixel_to_direction(c.pixel, c.head) {
            d_bearing.push(wrap180(t.bearing_deg - seen.bearing_deg));
            d_elevation.push(t.elevation_deg - seen.elevation_deg);
        }
    }
    // Circular median: the difference closest, round the circle, to all the others.
    let heading = d_bearing
        .iter()
        .copied()
        .min_by(|a, b| {
            let cost = |x: f64| d_bearing.iter().map(|d| wrap180(d - x).abs()).sum::<f64>();
            cost(*a).total_cmp(&cost(*b))
        })
        .unwrap_or(0.0);
    let tilt = median(&mut d_elevation).unwrap_or(0.0);
    [heading, tilt, roll_deg]
}

/// Reprojection error of each pair at `params`, pixels; infinite if it has no pixel.
fn residuals_px<C: CameraModel>(
    trial: &mut MountedCamera<C>,
    correspondences: &[Correspondence],
    targets: &[Direction],
    params: [f64; 3],
) -> Vec<f64> {
    trial.set_offsets(params[0], params[1], params[2]);
    correspondences
        .iter()
        .zip(targets)
        .map(|(c, t)| match trial.direction_to_pixel(*t, c.head) {
            Ok(p) => (p.x - c.pixel.x).hypot(p.y - c.pixel.y),
            Err(_) => f64::INFINITY,
        })
        .collect()
}

/// Runs damped Gauss–Newton (IRLS with Huber weights when `huber_px` is set) on the pairs
/// marked in `use_pair`; returns the iterations run.
// Index loops read as the normal-equation formulas they implement.
#[allow(clippy::too_many_arguments, clippy::needless_range_loop)]
fn gauss_newton<C: CameraModel>(
    trial: &mut MountedCamera<C>,
    correspondences: &[Correspondence],
    targets: &[Direction],
    use_pair: &[bool],
    params: &mut [f64; 3],
    n_params: usize,
    huber_px: Option<f64>,
    max_iterations: usize,
) -> Result<usize, CalibrationError> {
    // Step for the numeric Jacobian: 1e-4° is ~0.003 px on a 24° lens, well above rounding
    // noise and well inside the model's linear range.
    const H_DEG: f64 = 1e-4;
    let mut lambda = 1e-3;
    let cost_at = |trial: &mut MountedCamera<C>, p: [f64; 3]| -> f64 {
        trial.set_offsets(p[0], p[1], p[2]);
        correspondences
            .iter()
            .zip(targets)
            .zip(use_pair)
            .filter(|(_, u)| **u)
            .map(|((c, t), _)| match trial.direction_to_pixel(*t, c.head) {
                Ok(px) => loss((px.x - c.pixel.x).hypot(px.y - c.pixel.y), huber_px),
                Err(_) => loss(1e6, huber_px),
            })
            .sum()
    };
    for iteration in 0..max_iterations {
        let mut jtj = [[0.0f64; 3]; 3];
        let mut jtr = [0.0f64; 3];
        for ((c, t), _) in correspondences.iter().zip(targets).zip(use_pair).filter(|(_, u)| **u) {
            trial.set_offsets(params[0], params[1], params[2]);
            let Ok(p0) = trial.direction_to_pixel(*t, c.head) else {
                continue; // behind the camera at this pose: no gradient to follow
            };
            let r = [p0.x - c.pixel.x, p0.y - c.pixel.y];
            let weight = match huber_px {
                Some(d) => {
                    let norm = r[0].hypot(r[1]);
                    if norm <= d { 1.0 } else { d / norm }
                }
                None => 1.0,
            };
            let mut jac = [[0.0f64; 3]; 2];
            for k in 0..n_params {
                let mut p = *params;
                p[k] += H_DEG;
                trial.set_offsets(p[0], p[1], p[2]);
                let Ok(p1) = trial.direction_to_pixel(*t, c.head) else {
                    continue;
                };
                jac[0][k] = (p1.x - p0.x) / H_DEG;
                jac[1][k] = (p1.y - p0.y) / H_DEG;
            }
            for row in 0..2 {
                for a in 0..n_params {
                    jtr[a] += weight * jac[row][a] * r[row];
                    for b in 0..n_params {
                        jtj[a][b] += weight * jac[row][a] * jac[row][b];
                    }
                }
            }
        }
        // Each angle must move some pixel; a zero diagonal means it cannot be observed.
        const NAMES: [&str; 3] = [
            "heading offset not observable",
            "tilt offset not observable",
            "roll not observable: spread the vessels across the image",
        ];
        let scale = (0..n_params).map(|k| jtj[k][k]).fold(0.0, f64::max);
        for k in 0..n_params {
            let threshold = 1e-9 * scale.max(1e-300);
            if jtj[k][k].is_nan() || jtj[k][k] <= threshold {
                return Err(CalibrationError::DegenerateCorrespondences { what: NAMES[k] });
            }
        }
        let cost = cost_at(trial, *params);
        // LM: raise the damping until a step lowers the cost.
        let mut accepted = None;
        for _ in 0..20 {
            let mut a = jtj;
            for k in 0..n_params {
                a[k][k] *= 1.0 + lambda;
            }
            let b = jtr.map(|v| -v);
            let Some(step) = solve(a, b, n_params) else {
                return Err(CalibrationError::DegenerateCorrespondences {
                    what: "offsets are not independent: spread the vessels across the image",
                });
            };
            let mut p = *params;
            for k in 0..n_params {
                p[k] += step[k];
            }
            if cost_at(trial, p) <= cost {
                lambda = (lambda * 0.3).max(1e-9);
                accepted = Some((p, step));
                break;
            }
            lambda *= 10.0;
        }
        let Some((p, step)) = accepted else {
            return Ok(iteration + 1); // no step lowers the cost: at the minimum
        };
        *params = p;
        if step.iter().all(|s| s.abs() < 1e-9) {
            return Ok(iteration + 1);
        }
    }
    Ok(max_iterations)
}

/// Huber loss of a residual norm (plain squares without a threshold).
fn loss(r: f64, huber_px: Option<f64>) -> f64 {
    match huber_px {
        Some(d) if r > d => d * (2.0 * r - d),
        _ => r * r,
    }
}

/// Solves the leading `n`×`n` system by Gaussian elimination with partial pivoting.
#[allow(clippy::needless_range_loop)]
fn solve(mut a: [[f64; 3]; 3], mut b: [f64; 3], n: usize) -> Option<[f64; 3]> {
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            for k in col..n {
                a[row][k] -= f * a[col][k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; 3];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Pinhole, SitePose};

    /// A tiny deterministic generator (xorshift), so the tests need no extra crate.
    struct Rng(u64);
    impl Rng {
        fn next_f64(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
        fn normal(&mut self) -> f64 {
            let (u1, u2) = (self.next_f64().max(1e-12), self.next_f64());
            (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
        }
    }

    fn nominal() -> SitePose {
        SitePose {
            lat: 22.2,
            lon: 113.55,
            mast_height_m: 30.0,
            heading_offset_deg: 0.0,
            tilt_offset_deg: 0.0,
            roll_deg: 0.0,
        }
    }

    fn camera() -> Pinhole {
        Pinhole::from_hfov(640, 512, 24.0).and_then(|p| p.with_distortion(-0.05, 0.0)).unwrap()
    }

    /// Vessels spread over the image at several head pans, seen through `truth` with noise;
    /// every fifth one is a gross outlier (a wrong AIS match).
    fn synthetic(truth: SitePose, n: usize, noise_px: f64, seed: u64) -> Vec<Correspondence> {
        let seen = MountedCamera::try_new(camera(), truth).unwrap();
        let mut rng = Rng(seed);
        let mut out = Vec::new();
        while out.len() < n {
            let head = HeadAngles { pan_deg: 360.0 * rng.next_f64(), tilt_deg: -0.5 - 1.5 * rng.next_f64() };
            let pixel = Pixel::new(20.0 + 600.0 * rng.next_f64(), 300.0 + 200.0 * rng.next_f64());
            let Ok(range_m) = seen.pixel_to_range_m(pixel, head) else {
                continue;
            };
            let Ok(d) = seen.pixel_to_direction(pixel, head) else {
                continue;
            };
            let mut c = Correspondence {
                pixel: Pixel::new(pixel.x + noise_px * rng.normal(), pixel.y + noise_px * rng.normal()),
                head,
                bearing_deg: d.bearing_deg,
                range_m,
            };
            if out.len() % 5 == 4 {
                // Another vessel's AIS: several degrees and kilometres off.
                c.bearing_deg = (c.bearing_deg + 3.0 + 10.0 * rng.next_f64()) % 360.0;
                c.range_m = 500.0 + 5_000.0 * rng.next_f64();
            }
            out.push(c);
        }
        out
    }

    mod solve_pose {
        use super::*;

        #[test]
        fn recovers_offsets_from_noisy_pairs_with_a_fifth_gross_outliers() {
            let truth = SitePose { heading_offset_deg: 213.4, tilt_offset_deg: -0.8, roll_deg: 0.6, ..nominal() };
            let pairs = synthetic(truth, 40, 0.5, 7);
            let mounted = MountedCamera::try_new(camera(), nominal()).unwrap();
            let fit = solve_pose(&mounted, &pairs, &SolverOptions::default()).unwrap();
            assert!((fit.heading_offset_deg - 213.4).abs() < 0.02, "{fit:?}");
            assert!((fit.tilt_offset_deg + 0.8).abs() < 0.02, "{fit:?}");
            assert!((fit.roll_deg - 0.6).abs() < 0.1, "{fit:?}");
            let planted: Vec<usize> = (0..pairs.len()).filter(|i| i % 5 == 4).collect();
            assert_eq!(fit.outliers, planted);
            assert!(fit.rms_px < 1.5, "{fit:?}");
            assert_eq!(fit.residuals_px.len(), pairs.len());
        }

        #[test]
        fn heading_near_north_wraps_into_range() {
            let truth = SitePose { heading_offset_deg: 359.7, ..nominal() };
            let pairs = synthetic(truth, 20, 0.3, 11);
            let mounted = MountedCamera::try_new(camera(), nominal()).unwrap();
            let fit = solve_pose(&mounted, &pairs, &SolverOptions::default()).unwrap();
            assert!((wrap180(fit.heading_offset_deg - 359.7)).abs() < 0.02, "{fit:?}");
            assert!((0.0..360.0).contains(&fit.heading_offset_deg));
        }

        #[test]
        fn without_roll_keeps_the_initial_roll() {
            let truth = SitePose { heading_offset_deg: 90.0, tilt_offset_deg: 0.3, roll_deg: 0.2, ..nominal() };
            let pairs = synthetic(truth, 10, 0.0, 3);
            let start = SitePose { roll_deg: 0.2, ..nominal() };
            let mounted = MountedCamera::try_new(camera(), start).unwrap();
            let options = SolverOptions { solve_roll: false, ..SolverOptions::default() };
            let fit = solve_pose(&mounted, &pairs, &options).unwrap();
            assert_eq!(fit.roll_deg, 0.2);
            assert!((fit.heading_offset_deg - 90.0).abs() < 1e-3, "{fit:?}");
        }

        #[test]
        fn too_few_pairs_is_a_clear_error() {
            let pairs = synthetic(nominal(), 2, 0.0, 5);
            let mounted = MountedCamera::try_new(camera(), nominal()).unwrap();
            let err = solve_pose(&mounted, &pairs, &SolverOptions::default()).unwrap_err();
            assert!(matches!(err, CalibrationError::TooFewCorrespondences { got: 2, needed: 3 }));
            assert_eq!(err.to_string(), "too few correspondences: 2 usable, at least 3 needed");
        }

        #[test]
        fn a_range_beyond_the_horizon_names_the_pair() {
            let mut pairs = synthetic(nominal(), 4, 0.0, 9);
            pairs[2].range_m = 100_000.0;
            let mounted = MountedCamera::try_new(camera(), nominal()).unwrap();
            let err = solve_pose(&mounted, &pairs, &SolverOptions::default()).unwrap_err();
            assert!(matches!(err, CalibrationError::Correspondence { index: 2, .. }), "{err}");
        }

        #[test]
        fn all_pairs_at_one_pixel_leave_roll_degenerate() {
            let seen = MountedCamera::try_new(camera(), nominal()).unwrap();
            let head = HeadAngles { pan_deg: 0.0, tilt_deg: -1.0 };
            let pixel = Pixel::new(320.0, 256.0);
            let d = seen.pixel_to_direction(pixel, head).unwrap();
            let range_m = seen.pixel_to_range_m(pixel, head).unwrap();
            let c = Correspondence { pixel, head, bearing_deg: d.bearing_deg, range_m };
            let err = solve_pose(&seen, &[c; 4], &SolverOptions::default()).unwrap_err();
            assert!(matches!(err, CalibrationError::DegenerateCorrespondences { .. }), "{err}");
        }
    }
}
