//! Nearly-constant velocity: the discretised continuous white-noise acceleration model.
//!
//! # References
//! - Y. Bar-Shalom, X. R. Li, T. Kirubarajan, *Estimation with Applications to Tracking and
//!   Navigation*, Wiley 2001, §6.2.2.
use super::{Cov, FilterState, Gaussian, Motion, Predictor, State, wna_noise};

/// Nearly-constant velocity with white acceleration noise of spectral density `q_m2ps3`.
/// The turn rate is not part of this model: it predicts ω as zero with variance
/// `turn_rate_var_rad2ps2`, which is what an IMM hands the CT mode when the boat starts turning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConstantVelocity {
    /// Acceleration noise spectral density, m²/s³ (a fishing boat ~0.05, a speedboat ~1).
    pub q_m2ps3: f64,
    /// Prior variance of the turn rate when leaving CV, rad²/s².
    pub turn_rate_var_rad2ps2: f64,
}

impl Default for ConstantVelocity {
    fn default() -> Self {
        ConstantVelocity { q_m2ps3: 0.1, turn_rate_var_rad2ps2: 0.03f64.powi(2) }
    }
}

impl Motion for ConstantVelocity {
    #[inline]
    fn transition(&self, x: &State, dt_s: f64) -> (State, Cov) {
        let mut f = Cov::identity();
        f[(0, 2)] = dt_s;
        f[(1, 3)] = dt_s;
        f[(4, 4)] = 0.0;
        let y = State::new(x[0] + dt_s * x[2], x[1] + dt_s * x[3], x[2], x[3], 0.0);
        (y, f)
    }

    #[inline]
    fn noise(&self, dt_s: f64) -> Cov {
        let mut q = wna_noise(self.q_m2ps3, dt_s);
        q[(4, 4)] = self.turn_rate_var_rad2ps2;
        q
    }

    #[inline]
    fn predict_gaussian(&self, g: &Gaussian, dt_s: f64) -> Gaussian {
        // F is sparse: do F P Fᵀ by hand (four row/column updates) instead of two 5×5 products.
        let mut p = g.p;
        for c in 0..5 {
            p[(0, c)] += dt_s * p[(2, c)];
            p[(1, c)] += dt_s * p[(3, c)];
        }
        for r in 0..5 {
            p[(r, 0)] += dt_s * p[(r, 2)];
            p[(r, 1)] += dt_s * p[(r, 3)];
        }
        for k in 0..5 {
            p[(4, k)] = 0.0;
            p[(k, 4)] = 0.0;
        }
        p += self.noise(dt_s);
        let (x, _) = self.transition(&g.x, dt_s);
        Gaussian { x, p }
    }
}

impl Predictor for ConstantVelocity {
    #[inline]
    fn predict(&self, prior: &FilterState, dt_s: f64) -> FilterState {
        if dt_s == 0.0 {
            return *prior;
        }
        let g = self.predict_gaussian(&prior.modes[0], dt_s);
        FilterState { modes: [g, g], mu: [1.0, 0.0] }
    }
}
