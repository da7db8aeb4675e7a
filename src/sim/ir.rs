//! The thermal (IR) camera model: one per site, a frame a second, sharp bearing and poor range,
//! detections only inside the site's facing sector and in line of sight.
//!
//! Range from a single uncooled or cooled thermal camera comes from the target's position below
//! the horizon, so its error grows with range; we model it as a fraction of the range.

use rand::Rng;
use rand_pcg::Pcg64;

use super::record::Measurement;
use super::sensor::{Mast, Target, gauss, logistic_pd, poisson};
use crate::coast::{Coast, Sector};

/// IR camera parameters (defaults: a long-range cooled MWIR PTZ on a 15–35 m mast).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IrParams {
    /// Frame interval of the detection output, seconds.
    pub frame_period_s: f64,
    /// Bearing error 1-σ, degrees.
    pub sigma_bearing_deg: f64,
    /// Range error 1-σ as a fraction of range.
    pub sigma_range_frac: f64,
    /// Range at which an 8 m small craft is detected on half the frames, metres; bigger hulls
    /// scale with √(length/8).
    pub r50_small_m: f64,
    /// Longest range reported, metres.
    pub max_range_m: f64,
    /// Best single-frame detection probability.
    pub pd_max: f64,
    /// Mean false detections (waves, birds, warm debris) per frame.
    pub false_per_frame: f64,
}

impl Default for IrParams {
    fn default() -> Self {
        IrParams {
            frame_period_s: 1.0,
            sigma_bearing_deg: 0.05,
            sigma_range_frac: 0.15,
            r50_small_m: 6_000.0,
            max_range_m: 15_000.0,
            pd_max: 0.9,
            false_per_frame: 0.02,
        }
    }
}

/// One camera.
#[derive(Debug)]
pub struct Ir {
    /// Sensor index (`ir-<site>`).
    pub sensor: usize,
    /// The mast.
    pub mast: Mast,
    /// Facing sector.
    pub sector: Sector,
    /// Parameters.
    pub params: IrParams,
    rng: Pcg64,
    next_frame: u64,
}

impl Ir {
    /// A camera on `mast` facing `sector`.
    pub fn new(sensor: usize, mast: Mast, sector: Sector, params: IrParams, rng: Pcg64) -> Self {
        Ir { sensor, mast, sector, params, rng, next_frame: 0 }
    }

    /// Run the frames that fall in `[t_s, t_s + dt_s)`.
    pub(crate) fn step(&mut self, targets: &[Target], t_s: f64, dt_s: f64, coast: &Coast, meas: &mut Vec<Measurement>) {
        loop {
            let tf = self.next_frame as f64 * self.params.frame_period_s;
            if tf >= t_s + dt_s {
                break;
            }
            self.next_frame += 1;
            if tf >= t_s {
                self.frame(targets, tf, tf - t_s, coast, meas);
            }
        }
    }

    fn frame(&mut self, targets: &[Target], tf: f64, dt: f64, coast: &Coast, meas: &mut Vec<Measurement>) {
        let p = self.params;
        let plane = coast.plane();
        let before = meas.len();
        for tg in targets {
            let xy = tg.at(dt);
            if self.mast.rough_range_m(xy) > p.max_range_m * 1.01 {
                continue;
            }
            let (range_m, bearing_deg) = self.mast.polar(xy, plane);
            if range_m > p.max_range_m || !self.sector.contains(bearing_deg) {
                continue;
            }
            let r50 = p.r50_small_m * (tg.length_m / 8.0).max(0.5).sqrt();
            if self.rng.random::<f64>() >= logistic_pd(range_m, r50, p.pd_max) {
                continue;
            }
            if self.mast.blocked(coast, xy) {
                continue;
            }
            self.emit(tf, range_m, bearing_deg, Some((tg.vessel, plane.to_latlon(xy))), meas);
        }
        for _ in 0..poisson(&mut self.rng, p.false_per_frame) {
            let r = 300.0 + self.rng.random::<f64>() * (p.r50_small_m - 300.0);
            let b = (self.sector.from_deg + self.rng.random::<f64>() * self.sector.width_deg()).rem_euclid(360.0);
            let xy = [self.mast.xy[0] + r * b.to_radians().sin(), self.mast.xy[1] + r * b.to_radians().cos()];
            if !self.mast.blocked(coast, xy) {
                self.emit(tf, r, b, None, meas);
            }
        }
        if meas.len() == before {
            meas.push(Measurement { t_s: tf, sensor: self.sensor, scan_only: true, lat: 0.0, lon: 0.0, sigma_m: 0.0, polar: None, ais: None, source: None, truth: None });
        }
    }

    fn emit(&mut self, tf: f64, range_m: f64, bearing_deg: f64, source: Option<(usize, crate::geodesy::LatLon)>, meas: &mut Vec<Measurement>) {
        let p = self.params;
        let sigma_r = p.sigma_range_frac * range_m;
        let r = (range_m + sigma_r * gauss(&mut self.rng)).max(50.0);
        let b = (bearing_deg + p.sigma_bearing_deg * gauss(&mut self.rng)).rem_euclid(360.0);
        let b = (b * 1000.0).round() / 1000.0 % 360.0;
        // The tracker only knows the measured range, so the stated σ scales with it.
        meas.push(self.mast.measurement(tf, self.sensor, r.round(), b, (p.sigma_range_frac * r).round(), p.sigma_bearing_deg, source));
    }
}
