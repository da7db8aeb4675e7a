//! Interacting multiple model (IMM) over nearly-constant velocity and coordinated turn.
//!
//! # References
//! - H. A. P. Blom, Y. Bar-Shalom, "The interacting multiple model algorithm for systems with
//!   Markovian switching coefficients", IEEE TAC 33(8), 1988.
use super::{ConstantVelocity, CoordinatedTurn, FilterState, Gaussian, MODES, Motion, Predictor};

/// IMM of [`ConstantVelocity`] (mode 0) and [`CoordinatedTurn`] (mode 1). Mode switching is a
/// continuous-time Markov chain: a mode is left at rate `1 / sojourn_s`, so the transition matrix
/// adapts to irregular multi-sensor scan intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Imm {
    /// Straight-running mode.
    pub cv: ConstantVelocity,
    /// Turning mode.
    pub ct: CoordinatedTurn,
    /// Mean time spent in CV before a turn starts, seconds.
    pub cv_sojourn_s: f64,
    /// Mean duration of a turn, seconds.
    pub ct_sojourn_s: f64,
}

impl Default for Imm {
    fn default() -> Self {
        Imm { cv: ConstantVelocity::default(), ct: CoordinatedTurn::default(), cv_sojourn_s: 60.0, ct_sojourn_s: 20.0 }
    }
}

impl Imm {
    /// Mode transition probabilities over `dt_s`: `pi[i][j]` = P(mode j at end | mode i at start).
    #[inline]
    pub fn transition_matrix(&self, dt_s: f64) -> [[f64; MODES]; MODES] {
        // Two-state chain with rates a = 1/τ_cv, b = 1/τ_ct: exact matrix exponential.
        let (a, b) = (1.0 / self.cv_sojourn_s, 1.0 / self.ct_sojourn_s);
        let e = (-(a + b) * dt_s.abs()).exp();
        let p01 = a / (a + b) * (1.0 - e);
        let p10 = b / (a + b) * (1.0 - e);
        [[1.0 - p01, p01], [p10, 1.0 - p10]]
    }
}

impl Predictor for Imm {
    fn predict(&self, prior: &FilterState, dt_s: f64) -> FilterState {
        if dt_s == 0.0 {
            return *prior;
        }
        let pi = self.transition_matrix(dt_s);
        // Predicted mode probabilities c̄_j and mixing weights μ_{i|j}.
        let mut cbar = [0.0; MODES];
        for j in 0..MODES {
            for i in 0..MODES {
                cbar[j] += pi[i][j] * prior.mu[i];
            }
        }
        let mut out = *prior;
        for j in 0..MODES {
            let mut x = super::State::zeros();
            let mut w = [0.0; MODES];
            for i in 0..MODES {
                w[i] = if cbar[j] > 0.0 { pi[i][j] * prior.mu[i] / cbar[j] } else { 0.0 };
                x += prior.modes[i].x * w[i];
            }
            let mut p = super::Cov::zeros();
            for i in 0..MODES {
                let d = prior.modes[i].x - x;
                p += (prior.modes[i].p + d * d.transpose()) * w[i];
            }
            let mixed = Gaussian { x, p };
            out.modes[j] = match j {
                0 => self.cv.predict_gaussian(&mixed, dt_s),
                _ => self.ct.predict_gaussian(&mixed, dt_s),
            };
        }
        // Keep both modes alive: a mode at exactly 0 could never win back.
        let floor = 1e-6;
        let s: f64 = cbar.iter().map(|c| c.max(floor)).sum();
        for j in 0..MODES {
            out.mu[j] = cbar[j].max(floor) / s;
        }
        out
    }
}
