//! Motion models and the Gaussian state they move: nearly-constant velocity, coordinated turn,
//! and the IMM that mixes them.
//!
//! Every filter works in the node's local east/north plane (metres, m/s) on the 5-state
//! `[e, n, ve, vn, ω]` (ω = turn rate, rad/s, counter-clockwise positive). The CV model carries
//! ω as "zero on average, this uncertain" so both IMM modes share one state space and mixing
//! needs no padding. All matrices are fixed-size `nalgebra` values: no heap in the scan loop.

mod ct;
mod cv;
mod gaussian;
mod imm;

/// Coordinated-turn motion with an unknown, slowly varying turn rate (EKF).
pub use ct::CoordinatedTurn;
/// Nearly-constant velocity (white-noise acceleration).
pub use cv::ConstantVelocity;
/// A Gaussian state estimate and the multi-mode state the filters carry.
pub use gaussian::{Cov, FilterState, Gaussian, MODES, State};
/// Interacting multiple model over CV and CT.
pub use imm::Imm;

/// A motion model: how a state moves over `dt_s` and how uncertain that motion is.
pub trait Motion {
    /// Propagate the state and return the Jacobian of the transition at `x`.
    ///
    /// # Units
    /// `dt_s` in seconds (may be negative for retrodiction).
    fn transition(&self, x: &State, dt_s: f64) -> (State, Cov);
    /// Process noise accumulated over `|dt_s|`.
    fn noise(&self, dt_s: f64) -> Cov;

    /// EKF prediction of one Gaussian.
    fn predict_gaussian(&self, g: &Gaussian, dt_s: f64) -> Gaussian {
        let (x, f) = self.transition(&g.x, dt_s);
        let p = f * g.p * f.transpose() + self.noise(dt_s);
        Gaussian { x, p: symmetrise(&p) }
    }
}

/// The predictor role (Stone Soup `Predictor`): a prior state moved forward by `dt_s`.
pub trait Predictor {
    /// Predict `prior` by `dt_s` seconds (`dt_s == 0` returns it unchanged).
    fn predict(&self, prior: &FilterState, dt_s: f64) -> FilterState;
}

/// The predictor the configuration picks (enum dispatch, no `Box<dyn>` in the loop).
#[derive(Debug, Clone)]
pub enum AnyPredictor {
    /// Single-model nearly-constant velocity.
    Cv(ConstantVelocity),
    /// IMM of CV and CT.
    Imm(Imm),
}

impl Predictor for AnyPredictor {
    #[inline]
    fn predict(&self, prior: &FilterState, dt_s: f64) -> FilterState {
        match self {
            AnyPredictor::Cv(m) => m.predict(prior, dt_s),
            AnyPredictor::Imm(m) => m.predict(prior, dt_s),
        }
    }
}

/// Per-axis continuous white-noise acceleration block (the NCV process noise), `q` in m²/s³.
#[inline]
pub fn wna_noise(q: f64, dt_s: f64) -> Cov {
    let t = dt_s.abs();
    let (t2, t3) = (t * t, t * t * t);
    let mut m = Cov::zeros();
    m[(0, 0)] = q * t3 / 3.0;
    m[(1, 1)] = q * t3 / 3.0;
    m[(0, 2)] = q * t2 / 2.0;
    m[(2, 0)] = q * t2 / 2.0;
    m[(1, 3)] = q * t2 / 2.0;
    m[(3, 1)] = q * t2 / 2.0;
    m[(2, 2)] = q * t;
    m[(3, 3)] = q * t;
    m
}

/// `(P + Pᵀ)/2`: keeps round-off from breaking symmetry over thousands of updates.
#[inline]
pub(crate) fn symmetrise(p: &Cov) -> Cov {
    (p + p.transpose()) * 0.5
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: [f64; 5], var: f64) -> Gaussian {
        Gaussian { x: State::from_row_slice(&x), p: Cov::identity() * var }
    }

    mod constant_velocity {
        use super::*;

        #[test]
        fn prediction_covariance_is_f_p_ft_plus_q() {
            let cv = ConstantVelocity { q_m2ps3: 0.5, turn_rate_var_rad2ps2: 1e-4 };
            let g = at([100.0, -50.0, 3.0, 4.0, 0.0], 2.0);
            let dt = 2.5;
            let got = cv.predict_gaussian(&g, dt);
            // Reference: dense F P Fᵀ + Q on the position/velocity block.
            let (_, f) = cv.transition(&g.x, dt);
            let want = f * g.p * f.transpose() + cv.noise(dt);
            assert!((got.p - want).norm() < 1e-9, "{} vs {}", got.p, want);
            // Position variance: P + dt² P_v + q dt³/3.
            assert!((got.p[(0, 0)] - (2.0 + dt * dt * 2.0 + 0.5 * dt.powi(3) / 3.0)).abs() < 1e-9);
            assert!((got.x[0] - 107.5).abs() < 1e-12 && (got.x[1] + 40.0).abs() < 1e-12);
        }
    }

    mod coordinated_turn {
        use super::*;

        #[test]
        fn quarter_turn_rotates_velocity_and_lands_on_the_circle() {
            let ct = CoordinatedTurn::default();
            // 10 m/s north, turning counter-clockwise (to the west) at π/20 rad/s: 10 s = 90°.
            let w = std::f64::consts::PI / 20.0;
            let (x, _) = ct.transition(&State::new(0.0, 0.0, 0.0, 10.0, w), 10.0);
            let radius = 10.0 / w;
            assert!((x[0] + radius).abs() < 1e-9 && (x[1] - radius).abs() < 1e-9, "{x}");
            assert!((x[2] + 10.0).abs() < 1e-9 && x[3].abs() < 1e-9);
        }

        #[test]
        fn jacobian_matches_finite_differences() {
            let ct = CoordinatedTurn::default();
            let x = State::new(10.0, 20.0, 3.0, -4.0, 0.05);
            let (_, f) = ct.transition(&x, 3.0);
            for k in 0..5 {
                let mut d = State::zeros();
                d[k] = 1e-6;
                let (a, _) = ct.transition(&(x + d), 3.0);
                let (b, _) = ct.transition(&(x - d), 3.0);
                let col = (a - b) / 2e-6;
                assert!((col - f.column(k)).norm() < 1e-5, "column {k}: {col} vs {}", f.column(k));
            }
        }

        #[test]
        fn zero_turn_rate_reduces_to_straight_line() {
            let (x, _) = CoordinatedTurn::default().transition(&State::new(0.0, 0.0, 3.0, 4.0, 0.0), 10.0);
            assert!((x[0] - 30.0).abs() < 1e-9 && (x[1] - 40.0).abs() < 1e-9);
        }
    }

    mod imm {
        use super::*;
        use crate::detection::SensorKind;
        use crate::track::kalman::{Kalman, Updater};
        use crate::track::measurement::{Measurement, Model};
        use nalgebra::{Matrix2, Vector2};

        #[test]
        fn transition_rows_sum_to_one() {
            let pi = Imm::default().transition_matrix(3.0);
            for row in pi {
                assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            }
        }

        #[test]
        fn mode_probability_moves_to_turn_during_a_turn() {
            let imm = Imm::default();
            let dt = 1.0;
            let mut f = FilterState::new(at([0.0, 0.0, 0.0, 8.0, 0.0], 25.0), [0.95, 0.05]);
            let r = Matrix2::identity() * 25.0;
            // Straight north for 30 s, then a constant 6°/s turn.
            let w = 6f64.to_radians();
            let (mut p, mut v) = (Vector2::new(0.0, 0.0), Vector2::new(0.0, 8.0));
            let mut mu_straight = 0.0;
            for k in 0..60 {
                if k >= 30 {
                    let (s, c) = (w * dt).sin_cos();
                    v = Vector2::new(v.x * c - v.y * s, v.x * s + v.y * c);
                }
                p += v * dt;
                f = imm.predict(&f, dt);
                let m = Measurement::from_model(Model::Position { z: p, r }, SensorKind::Radar, None);
                f = Kalman.update(&f, &m).unwrap();
                if k == 29 {
                    mu_straight = f.mu[1];
                }
            }
            assert!(mu_straight < 0.3, "CT probability while straight: {mu_straight}");
            assert!(f.mu[1] > 0.8, "CT probability in the turn: {}", f.mu[1]);
            let est = f.combined().x[4];
            assert!((est - w).abs() < 0.3 * w, "turn rate {est} vs {w}");
        }
    }
}
