//! Radar range/bearing → Cartesian, with the unbiased converted measurement (UCM).
//!
//! Converting `(r, θ)` to `(r sinθ, r cosθ)` naively is biased (E[cos ε] = e^{-σθ²/2} < 1)
//! and the Jacobian-projected covariance is inconsistent at long range with coarse bearing.
//! The UCM divides out the bias factor and uses the exact second moments.
//!
//! # References
//! - M. Longbin, S. Xiaoquan, Z. Yiyu, S. Z. Kang, Y. Bar-Shalom, "Unbiased converted
//!   measurements for tracking", IEEE TAES 34(3), 1998 (eqs. 7–9, evaluated at the measured
//!   values).
use nalgebra::{Matrix2, Vector2};

/// Unbiased converted position and covariance of a range/bearing measurement.
///
/// # Units
/// `sensor_en` metres; `range_m`, `sigma_range_m` metres; bearings degrees clockwise from north.
/// Returns east/north metres and m².
///
/// # Examples
/// ```
/// use nalgebra::Vector2;
/// use seawarden::track::measurement::polar::unbiased_converted;
/// let (z, r) = unbiased_converted(Vector2::zeros(), 5000.0, 90.0, 10.0, 0.5);
/// assert!((z.x - 5000.0).abs() < 1.0 && z.y.abs() < 1e-6);
/// // Cross-range σ ≈ r σθ = 43.6 m; along-range σ ≈ 10 m.
/// assert!((r[(1, 1)].sqrt() - 43.6).abs() < 0.5 && (r[(0, 0)].sqrt() - 10.0).abs() < 0.5);
/// ```
pub fn unbiased_converted(
    sensor_en: Vector2<f64>,
    range_m: f64,
    bearing_deg: f64,
    sigma_range_m: f64,
    sigma_bearing_deg: f64,
) -> (Vector2<f64>, Matrix2<f64>) {
    let sb = sigma_bearing_deg.to_radians();
    let (s, c) = bearing_deg.to_radians().sin_cos();
    let lam = (-0.5 * sb * sb).exp(); // E[cos ε]
    let lam4 = lam.powi(4); // e^{-2σ²}
    let z = sensor_en + Vector2::new(range_m * s, range_m * c) / lam;
    let r2 = range_m * range_m;
    let k = (1.0 / (lam * lam) - 2.0) * r2;
    let m = 0.5 * (r2 + sigma_range_m * sigma_range_m);
    let cos2 = c * c - s * s;
    let sin2 = 2.0 * s * c;
    let ree = k * s * s + m * (1.0 - lam4 * cos2);
    let rnn = k * c * c + m * (1.0 + lam4 * cos2);
    let ren = k * s * c + m * lam4 * sin2;
    (z, Matrix2::new(ree, ren, ren, rnn))
}

#[cfg(test)]
mod tests {
    use super::*;

    mod unbiased_converted {
        use super::*;

        #[test]
        fn small_errors_match_the_jacobian_covariance() {
            let (r, b) = (8000.0_f64, 30.0_f64);
            let (sr, sb) = (15.0, 0.3_f64);
            let (_, cov) = unbiased_converted(Vector2::zeros(), r, b, sr, sb);
            let (s, c) = b.to_radians().sin_cos();
            let j = Matrix2::new(s, r * c, c, -r * s);
            let jr = j * Matrix2::new(sr * sr, 0.0, 0.0, sb.to_radians().powi(2)) * j.transpose();
            for (a, e) in cov.iter().zip(jr.iter()) {
                assert!((a - e).abs() < 0.02 * jr.norm(), "{cov} vs {jr}");
            }
        }

        #[test]
        fn removes_the_bias_of_naive_conversion_by_monte_carlo() {
            use rand::SeedableRng;
            use rand_distr::{Distribution, Normal};
            let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
            let (r, b, sr, sb) = (10_000.0, 0.0, 10.0, 3.0);
            let nr = Normal::new(0.0, sr).unwrap();
            let nb = Normal::new(0.0, sb).unwrap();
            let (mut mean_ucm, mut mean_naive) = (Vector2::zeros(), Vector2::zeros());
            let n = 20_000;
            for _ in 0..n {
                let (rm, bm) = (r + nr.sample(&mut rng), b + nb.sample(&mut rng));
                mean_ucm += unbiased_converted(Vector2::zeros(), rm, bm, sr, sb).0 / n as f64;
                let t: f64 = f64::to_radians(bm);
                mean_naive += Vector2::new(rm * t.sin(), rm * t.cos()) / n as f64;
            }
            // Naive conversion falls short in range by r(1 − e^{-σ²/2}) ≈ 13.7 m.
            assert!((mean_naive.y - r).abs() > 10.0);
            assert!((mean_ucm.y - r).abs() < 4.0, "{mean_ucm}");
        }
    }
}
