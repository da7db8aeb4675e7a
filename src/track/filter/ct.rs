//! Coordinated turn with unknown turn rate, linearised (EKF) at the current estimate.
//!
//! # References
//! - X. R. Li, V. P. Jilkov, "Survey of maneuvering target tracking. Part I: dynamic models",
//!   IEEE TAES 39(4), 2003, §V.B (CT with unknown turn rate).
use super::{Cov, Motion, State, wna_noise};

/// Coordinated turn: the velocity vector rotates at ω rad/s (counter-clockwise positive in the
/// east/north plane), ω itself a random walk.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoordinatedTurn {
    /// Acceleration noise spectral density, m²/s³.
    pub q_m2ps3: f64,
    /// Turn-rate random-walk spectral density, rad²/s³.
    pub q_turn_rad2ps3: f64,
}

impl Default for CoordinatedTurn {
    fn default() -> Self {
        CoordinatedTurn { q_m2ps3: 0.05, q_turn_rad2ps3: 1e-4 }
    }
}

impl Motion for CoordinatedTurn {
    fn transition(&self, x: &State, dt_s: f64) -> (State, Cov) {
        let (ve, vn, w) = (x[2], x[3], x[4]);
        let t = dt_s;
        let wt = w * t;
        let (s, c) = wt.sin_cos();
        // a = sin(ωT)/ω, b = (1 − cos(ωT))/ω and their ω-derivatives; series near ω = 0.
        let (a, b, da, db) = if wt.abs() < 1e-4 {
            (t, w * t * t / 2.0, -w * t * t * t / 3.0, t * t / 2.0)
        } else {
            (s / w, (1.0 - c) / w, (t * c * w - s) / (w * w), (t * s * w - (1.0 - c)) / (w * w))
        };
        let ve2 = ve * c - vn * s;
        let vn2 = ve * s + vn * c;
        let y = State::new(x[0] + ve * a - vn * b, x[1] + ve * b + vn * a, ve2, vn2, w);
        let mut f = Cov::identity();
        f[(0, 2)] = a;
        f[(0, 3)] = -b;
        f[(0, 4)] = ve * da - vn * db;
        f[(1, 2)] = b;
        f[(1, 3)] = a;
        f[(1, 4)] = ve * db + vn * da;
        f[(2, 2)] = c;
        f[(2, 3)] = -s;
        f[(2, 4)] = -t * vn2;
        f[(3, 2)] = s;
        f[(3, 3)] = c;
        f[(3, 4)] = t * ve2;
        (y, f)
    }

    #[inline]
    fn noise(&self, dt_s: f64) -> Cov {
        let mut q = wna_noise(self.q_m2ps3, dt_s);
        q[(4, 4)] = self.q_turn_rad2ps3 * dt_s.abs();
        q
    }
}
