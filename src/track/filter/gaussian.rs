//! The Gaussian estimate and the multi-mode filter state a track carries.
use nalgebra::{SMatrix, SVector};

/// `[e_m, n_m, ve_mps, vn_mps, omega_radps]`.
pub type State = SVector<f64, 5>;
/// Covariance of [`State`].
pub type Cov = SMatrix<f64, 5, 5>;
/// Number of motion modes a [`FilterState`] carries (CV, CT).
pub const MODES: usize = 2;

/// A mean and covariance in the local east/north frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gaussian {
    /// Mean.
    pub x: State,
    /// Covariance.
    pub p: Cov,
}

impl Gaussian {
    /// Position covariance, m².
    #[inline]
    pub fn pos_cov(&self) -> nalgebra::Matrix2<f64> {
        self.p.fixed_view::<2, 2>(0, 0).into_owned()
    }
    /// Position, metres east/north.
    #[inline]
    pub fn pos(&self) -> nalgebra::Vector2<f64> {
        self.x.fixed_rows::<2>(0).into_owned()
    }
    /// Velocity, m/s east/north.
    #[inline]
    pub fn vel(&self) -> nalgebra::Vector2<f64> {
        self.x.fixed_rows::<2>(2).into_owned()
    }
}

/// What a track's filter carries: one Gaussian per motion mode and the mode probabilities.
/// A single-model filter uses mode 0 with probability 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FilterState {
    /// Mode-conditioned estimates (0 = CV, 1 = CT).
    pub modes: [Gaussian; MODES],
    /// Mode probabilities, summing to 1.
    pub mu: [f64; MODES],
}

impl FilterState {
    /// A state that starts in every mode from the same Gaussian, with mode probabilities `mu`.
    pub fn new(g: Gaussian, mu: [f64; MODES]) -> Self {
        FilterState { modes: [g; MODES], mu }
    }

    /// The moment-matched single Gaussian (what gating and output use).
    #[inline]
    pub fn combined(&self) -> Gaussian {
        if self.mu[1] <= 0.0 {
            return self.modes[0];
        }
        if self.mu[0] <= 0.0 {
            return self.modes[1];
        }
        let mut x = State::zeros();
        for j in 0..MODES {
            x += self.modes[j].x * self.mu[j];
        }
        let mut p = Cov::zeros();
        for j in 0..MODES {
            let d = self.modes[j].x - x;
            p += (self.modes[j].p + d * d.transpose()) * self.mu[j];
        }
        Gaussian { x, p }
    }
}
