//! The updater role: Kalman (linear models) and extended Kalman (polar models) measurement
//! updates, applied per IMM mode with the mode probabilities re-weighted by each mode's
//! measurement likelihood.
//!
//! # References
//! - Bar-Shalom, Li, Kirubarajan (2001), §5.2 (KF, Joseph form), §11.6.6 (IMM mode update).
use nalgebra::{SMatrix, SVector};

use super::filter::{Cov, FilterState, Gaussian, MODES};
use super::measurement::{Measurement, Model};

/// How well a measurement fits a predicted state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Innovation {
    /// Squared Mahalanobis distance of the innovation.
    pub d2: f64,
    /// Negative log-likelihood of the measurement, `½d² + ½ln|2πS|`.
    pub nll: f64,
}

/// The updater role (Stone Soup `Updater`).
pub trait Updater {
    /// Innovation statistics of `m` against one predicted Gaussian (for gating and costs).
    fn innovation(&self, predicted: &Gaussian, m: &Measurement) -> Option<Innovation>;
    /// The posterior state after `m`; `None` if the update is numerically impossible.
    fn update(&self, predicted: &FilterState, m: &Measurement) -> Option<FilterState>;
}

/// Kalman / extended Kalman updater for every [`Model`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Kalman;

/// The pieces of a linearised update: innovation ν, its covariance S and `P Hᵀ`.
struct Linearised<const M: usize> {
    nu: SVector<f64, M>,
    s: SMatrix<f64, M, M>,
    h: SMatrix<f64, M, 5>,
    r: SMatrix<f64, M, M>,
}

#[inline]
fn wrap_pi(a: f64) -> f64 {
    let mut a = a % std::f64::consts::TAU;
    if a > std::f64::consts::PI {
        a -= std::f64::consts::TAU;
    } else if a < -std::f64::consts::PI {
        a += std::f64::consts::TAU;
    }
    a
}

#[inline]
fn linearise<const M: usize>(
    g: &Gaussian,
    h: SMatrix<f64, M, 5>,
    zpred: SVector<f64, M>,
    z: SVector<f64, M>,
    r: SMatrix<f64, M, M>,
    angle0: bool,
) -> Linearised<M> {
    let mut nu = z - zpred;
    if angle0 {
        nu[0] = wrap_pi(nu[0]);
    }
    let s = h * g.p * h.transpose() + r;
    Linearised { nu, s, h, r }
}

/// Determinant and inverse of the small innovation covariances (1×1, 2×2, 4×4).
trait SmallInverse: Sized {
    fn det_inv(&self) -> Option<(f64, Self)>;
}

macro_rules! small_inverse {
    ($($m:literal),*) => {$(
        impl SmallInverse for SMatrix<f64, $m, $m> {
            #[inline]
            fn det_inv(&self) -> Option<(f64, Self)> {
                let det = self.determinant();
                if !(det > 0.0 && det.is_finite()) {
                    return None;
                }
                Some((det, self.try_inverse()?))
            }
        }
    )*};
}
small_inverse!(1, 2, 4);

#[inline]
fn stats<const M: usize>(l: &Linearised<M>) -> Option<(Innovation, SMatrix<f64, M, M>)>
where
    SMatrix<f64, M, M>: SmallInverse,
{
    let (det, sinv) = l.s.det_inv()?;
    let d2 = (l.nu.transpose() * sinv * l.nu)[(0, 0)];
    let nll = 0.5 * d2 + 0.5 * (M as f64 * (std::f64::consts::TAU).ln() + det.ln());
    Some((Innovation { d2, nll }, sinv))
}

#[inline]
fn apply<const M: usize>(g: &Gaussian, l: &Linearised<M>, sinv: &SMatrix<f64, M, M>) -> Gaussian {
    let k = g.p * l.h.transpose() * sinv;
    let ikh = Cov::identity() - k * l.h;
    // Joseph form: stays positive semi-definite under round-off.
    let p = ikh * g.p * ikh.transpose() + k * l.r * k.transpose();
    Gaussian { x: g.x + k * l.nu, p: super::filter::symmetrise(&p) }
}

/// Dispatch on the model, calling `f` with the linearisation of the right dimension.
macro_rules! with_linearised {
    ($g:expr, $m:expr, |$l:ident| $body:expr) => {{
        let g: &Gaussian = $g;
        match &$m.model {
            Model::Position { z, r } => {
                let mut h = SMatrix::<f64, 2, 5>::zeros();
                h[(0, 0)] = 1.0;
                h[(1, 1)] = 1.0;
                let $l = linearise(g, h, g.x.fixed_rows::<2>(0).into_owned(), *z, *r, false);
                $body
            }
            Model::PositionVelocity { z, r } => {
                let mut h = SMatrix::<f64, 4, 5>::zeros();
                for i in 0..4 {
                    h[(i, i)] = 1.0;
                }
                let $l = linearise(g, h, g.x.fixed_rows::<4>(0).into_owned(), *z, *r, false);
                $body
            }
            Model::Polar(b) => {
                let (zp, j) = b.h(&g.pos());
                match b.range {
                    Some((rng, sr)) => {
                        let mut h = SMatrix::<f64, 2, 5>::zeros();
                        h.fixed_view_mut::<2, 2>(0, 0).copy_from(&j);
                        let r = SMatrix::<f64, 2, 2>::new(b.sigma_bearing_rad.powi(2), 0.0, 0.0, sr * sr);
                        let $l = linearise(g, h, zp, SVector::<f64, 2>::new(b.bearing_rad, rng), r, true);
                        $body
                    }
                    None => {
                        let mut h = SMatrix::<f64, 1, 5>::zeros();
                        h[(0, 0)] = j[(0, 0)];
                        h[(0, 1)] = j[(0, 1)];
                        let r = SMatrix::<f64, 1, 1>::new(b.sigma_bearing_rad.powi(2));
                        let $l = linearise(
                            g,
                            h,
                            SVector::<f64, 1>::new(zp[0]),
                            SVector::<f64, 1>::new(b.bearing_rad),
                            r,
                            true,
                        );
                        $body
                    }
                }
            }
        }
    }};
}

impl Kalman {
    /// Update one Gaussian; also returns the measurement's negative log-likelihood.
    pub fn update_gaussian(&self, g: &Gaussian, m: &Measurement) -> Option<(Gaussian, Innovation)> {
        with_linearised!(g, m, |l| {
            let (inn, sinv) = stats(&l)?;
            Some((apply(g, &l, &sinv), inn))
        })
    }
}

impl Updater for Kalman {
    #[inline]
    fn innovation(&self, predicted: &Gaussian, m: &Measurement) -> Option<Innovation> {
        with_linearised!(predicted, m, |l| stats(&l).map(|s| s.0))
    }

    fn update(&self, predicted: &FilterState, m: &Measurement) -> Option<FilterState> {
        let mut out = *predicted;
        if predicted.mu[1] <= 0.0 {
            let (g, _) = self.update_gaussian(&predicted.modes[0], m)?;
            out.modes = [g, g];
            return Some(out);
        }
        let mut ll = [f64::NEG_INFINITY; MODES];
        for j in 0..MODES {
            if let Some((g, inn)) = self.update_gaussian(&predicted.modes[j], m) {
                out.modes[j] = g;
                ll[j] = -inn.nll + predicted.mu[j].max(1e-300).ln();
            }
        }
        let best = ll.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        if !best.is_finite() {
            return None;
        }
        let w: [f64; MODES] = std::array::from_fn(|j| (ll[j] - best).exp());
        let s: f64 = w.iter().sum();
        for j in 0..MODES {
            out.mu[j] = (w[j] / s).max(1e-6);
        }
        let s: f64 = out.mu.iter().sum();
        out.mu.iter_mut().for_each(|m| *m /= s);
        Some(out)
    }
}

impl Kalman {
    /// Out-of-sequence update: apply a measurement taken at an earlier time `t_d` to the current
    /// estimate at `t_k`, given the estimate retrodicted to `t_d` and the backward transition
    /// `f_back` (from `t_k` to `t_d`).
    ///
    /// The cross-covariance of the current state and the late measurement is taken as
    /// `P_k F_backᵀ Hᵀ`, neglecting the correlation with the process noise in between (Bar-Shalom's
    /// one-lag algorithm with `P_xv = 0`). The retrodicted covariance includes that process noise,
    /// so the gain is conservative and the posterior stays positive semi-definite.
    ///
    /// # References
    /// - Y. Bar-Shalom, "Update with out-of-sequence measurements in tracking: exact solution",
    ///   IEEE TAES 38(3), 2002.
    pub fn update_retrodicted(
        &self,
        current: &Gaussian,
        f_back: &Cov,
        retro: &Gaussian,
        m: &Measurement,
    ) -> Option<Gaussian> {
        with_linearised!(retro, m, |l| {
            let (_, sinv) = stats(&l)?;
            let pxz = current.p * f_back.transpose() * l.h.transpose();
            let k = pxz * sinv;
            let p = current.p - k * l.s * k.transpose();
            Some(Gaussian { x: current.x + k * l.nu, p: super::filter::symmetrise(&p) })
        })
    }
}
