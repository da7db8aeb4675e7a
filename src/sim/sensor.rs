//! What the radar and IR models share: the per-step view of the targets, a site's own frame,
//! and turning a noisy polar measurement into a measurement line.

use rand::Rng;
use rand_distr::StandardNormal;
use rand_pcg::Pcg64;

use super::record::{Measurement, Polar};
use crate::coast::{Coast, Plane};
use crate::geodesy::{Enu, LatLon};
use nalgebra::Vector2;

/// A vessel as the sensors see it during one step: where it is at the step start and how it
/// moves, so a sensor can place it at its own scan time within the step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Truth index.
    pub vessel: usize,
    /// Plane position at the step start, metres.
    pub xy: [f64; 2],
    /// Velocity, m/s east/north.
    pub vel: [f64; 2],
    /// Hull length, metres (signature).
    pub length_m: f64,
}

impl Target {
    /// Plane position at `dt_s` after the step start.
    #[inline]
    pub fn at(&self, dt_s: f64) -> [f64; 2] {
        [self.xy[0] + self.vel[0] * dt_s, self.xy[1] + self.vel[1] * dt_s]
    }
}

/// Land closer than this to a mast never blocks its sight: masts stand ~20 m inland, and the
/// coverage model of `assets/GEODATA-SOURCES.md` uses the same 150 m.
pub const MAST_CLEARANCE_M: f64 = 150.0;

/// A sensor's mast: its exact tangent frame (true range and bearing) and its plane position
/// (cheap pre-filtering and line of sight).
#[derive(Debug, Clone, Copy)]
pub struct Mast {
    /// Tangent plane at the mast foot.
    pub enu: Enu,
    /// Mast position in the coast's plane.
    pub xy: [f64; 2],
}

impl Mast {
    /// The mast at `p`.
    pub fn new(p: LatLon, plane: &Plane) -> Self {
        Mast { enu: Enu::at(p), xy: plane.to_xy(p) }
    }

    /// Rough range from plane coordinates (for pre-filtering; within 0.1 %).
    #[inline]
    pub fn rough_range_m(&self, xy: [f64; 2]) -> f64 {
        (xy[0] - self.xy[0]).hypot(xy[1] - self.xy[1])
    }

    /// True range (metres) and bearing (degrees) of a plane point.
    pub fn polar(&self, xy: [f64; 2], plane: &Plane) -> (f64, f64) {
        let en = self.enu.to_en(plane.to_latlon(xy));
        (en.norm(), en.x.atan2(en.y).to_degrees().rem_euclid(360.0))
    }

    /// Whether land farther than [`MAST_CLEARANCE_M`] blocks the sight line to `xy`.
    #[inline]
    pub fn blocked(&self, coast: &Coast, xy: [f64; 2]) -> bool {
        coast.sight_blocked_xy(self.xy, xy, MAST_CLEARANCE_M)
    }

    /// A measurement line from a measured range and bearing (already noisy and quantised):
    /// the polar point on the sea surface, with a conservative circular σ = max(σr, r·σθ).
    #[allow(clippy::too_many_arguments)]
    pub fn measurement(&self, t_s: f64, sensor: usize, range_m: f64, bearing_deg: f64, sigma_range_m: f64, sigma_bearing_deg: f64, source: Option<(usize, LatLon)>) -> Measurement {
        let b = bearing_deg.to_radians();
        let p = self.enu.from_en(Vector2::new(range_m * b.sin(), range_m * b.cos()));
        Measurement {
            t_s,
            sensor,
            scan_only: false,
            lat: p.lat_deg,
            lon: p.lon_deg,
            sigma_m: sigma_range_m.max(range_m * sigma_bearing_deg.to_radians()),
            polar: Some(Polar { range_m, bearing_deg, sigma_range_m, sigma_bearing_deg }),
            ais: None,
            source: source.map(|s| s.0),
            truth: source.map(|s| s.1),
        }
    }
}

/// A standard normal draw.
#[inline]
pub(crate) fn gauss(rng: &mut Pcg64) -> f64 {
    rng.sample::<f64, _>(StandardNormal)
}

/// A Poisson draw by inversion (λ is small: clutter counts per scan).
pub(crate) fn poisson(rng: &mut Pcg64, lambda: f64) -> usize {
    let l = (-lambda).exp();
    let mut k = 0;
    let mut p = rng.random::<f64>();
    while p > l && k < 10_000 {
        k += 1;
        p *= rng.random::<f64>();
    }
    k
}

/// Logistic detection probability: `pd_max / (1 + exp((r − r50) / (0.12 r50)))`, a smooth
/// stand-in for the fall-off a radar equation and fluctuation model give, calibrated by the
/// range at which half the looks see the target.
#[inline]
pub fn logistic_pd(range_m: f64, r50_m: f64, pd_max: f64) -> f64 {
    pd_max / (1.0 + ((range_m - r50_m) / (0.12 * r50_m)).exp())
}
