//! The shore radar model: one per site with `radar = true`, a scan every 2.5 s, Gaussian range
//! and bearing errors, detection probability by range and hull size, sea clutter, land masking
//! and shadowing; writes `$RATTM` sentences as well as measurement lines.
//!
//! # References
//! M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed. (2001), ch. 2 (range ∝ σ^¼) and
//! ch. 7 (sea clutter falls with range); IEC 61162-1 §8.3.91 (TTM).

use rand::Rng;
use rand_pcg::Pcg64;

use super::record::Measurement;
use super::sensor::{Mast, Target, gauss, logistic_pd, poisson};
use crate::coast::Coast;
use crate::geodesy::METRES_PER_NMI;

/// Radar parameters (defaults: a coastal X-band surveillance radar).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RadarParams {
    /// Antenna revolution, seconds.
    pub scan_period_s: f64,
    /// Range error 1-σ, metres.
    pub sigma_range_m: f64,
    /// Bearing error 1-σ, degrees.
    pub sigma_bearing_deg: f64,
    /// Instrumented range, metres.
    pub max_range_m: f64,
    /// Blind range near the antenna, metres.
    pub min_range_m: f64,
    /// Range at which an 8 m small craft is seen on half the scans, metres; bigger hulls scale
    /// with √(length/8) (σ ∝ L², range ∝ σ^¼).
    pub r50_small_m: f64,
    /// Best single-scan detection probability.
    pub pd_max: f64,
    /// Mean number of sea-clutter false alarms per scan.
    pub clutter_per_scan: f64,
    /// Mean range of clutter (exponential from the antenna, so it is densest close in), metres.
    pub clutter_mean_range_m: f64,
}

impl Default for RadarParams {
    fn default() -> Self {
        RadarParams {
            scan_period_s: 2.5,
            sigma_range_m: 15.0,
            sigma_bearing_deg: 0.5,
            max_range_m: 12_000.0,
            min_range_m: 50.0,
            r50_small_m: 5_000.0,
            pd_max: 0.95,
            clutter_per_scan: 3.0,
            clutter_mean_range_m: 1_500.0,
        }
    }
}

impl RadarParams {
    /// Single-scan detection probability of a hull `length_m` long at `range_m`.
    pub fn pd(&self, range_m: f64, length_m: f64) -> f64 {
        logistic_pd(range_m, self.r50_small_m * (length_m / 8.0).max(0.5).sqrt(), self.pd_max)
    }
}

/// One radar: a mast, its parameters, its own random stream and its scan phase.
#[derive(Debug)]
pub struct Radar {
    /// Sensor index (`radar-<site>`).
    pub sensor: usize,
    /// Site id.
    pub site_id: String,
    /// The mast.
    pub mast: Mast,
    /// Parameters.
    pub params: RadarParams,
    /// First scan time, seconds (radars are staggered within a revolution).
    pub phase_s: f64,
    rng: Pcg64,
    next_scan: u64,
}

/// A target that survived range, masking and the detection draw in one scan.
struct Candidate {
    vessel: usize,
    at: crate::geodesy::LatLon,
    range_m: f64,
    bearing_deg: f64,
    length_m: f64,
}

impl Radar {
    /// A radar on `mast`.
    pub fn new(sensor: usize, site_id: String, mast: Mast, params: RadarParams, phase_s: f64, rng: Pcg64) -> Self {
        Radar { sensor, site_id, mast, params, phase_s, rng, next_scan: 0 }
    }

    /// Run the scans that fall in `[t_s, t_s + dt_s)`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn step(&mut self, targets: &[Target], t_s: f64, dt_s: f64, coast: &Coast, start_epoch_s: f64, meas: &mut Vec<Measurement>, nmea: &mut Vec<(f64, String)>) {
        loop {
            let ts = self.phase_s + self.next_scan as f64 * self.params.scan_period_s;
            if ts >= t_s + dt_s {
                break;
            }
            self.next_scan += 1;
            if ts < t_s {
                continue;
            }
            self.scan(targets, ts, ts - t_s, coast, start_epoch_s, meas, nmea);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn scan(&mut self, targets: &[Target], ts: f64, dt: f64, coast: &Coast, start_epoch_s: f64, meas: &mut Vec<Measurement>, nmea: &mut Vec<(f64, String)>) {
        let p = self.params;
        let plane = coast.plane();
        let mut cands: Vec<Candidate> = Vec::new();
        for tg in targets {
            let xy = tg.at(dt);
            if self.mast.rough_range_m(xy) > p.max_range_m * 1.01 {
                continue;
            }
            let (range_m, bearing_deg) = self.mast.polar(xy, plane);
            if !(p.min_range_m..=p.max_range_m).contains(&range_m) {
                continue;
            }
            // Draw first: most far small targets fail here, and skipping their sight line keeps a
            // 2 000-vessel scan cheap. The order of draws is fixed, so results stay deterministic.
            if self.rng.random::<f64>() >= p.pd(range_m, tg.length_m) {
                continue;
            }
            if self.mast.blocked(coast, xy) {
                continue;
            }
            cands.push(Candidate { vessel: tg.vessel, at: plane.to_latlon(xy), range_m, bearing_deg, length_m: tg.length_m });
        }
        // Shadowing: a hull directly behind a much bigger one (≥ 3× longer, nearer, within the
        // bigger one's angular half-width or half a beamwidth) is hidden.
        let big: Vec<&Candidate> = cands.iter().filter(|c| c.length_m >= 30.0).collect();
        let hidden: Vec<bool> = cands
            .iter()
            .map(|c| {
                big.iter().any(|b| {
                    b.length_m >= 3.0 * c.length_m
                        && b.range_m < c.range_m
                        && crate::geodesy::angle_diff_deg(b.bearing_deg, c.bearing_deg).abs()
                            < (b.length_m / 2.0 / b.range_m).atan().to_degrees().max(0.6)
                })
            })
            .collect();
        let mut n = 0usize;
        let hms = hhmmss(start_epoch_s + ts);
        let unix = (start_epoch_s + ts).floor() as u64;
        let emit = |this: &mut Self, range: f64, bearing: f64, source: Option<(usize, crate::geodesy::LatLon)>, n: &mut usize, meas: &mut Vec<Measurement>, nmea: &mut Vec<(f64, String)>| {
            let r = range + p.sigma_range_m * gauss(&mut this.rng);
            let b = (bearing + p.sigma_bearing_deg * gauss(&mut this.rng)).rem_euclid(360.0);
            // Quantise as the TTM carries them, so the NMEA and the JSONL agree.
            let nmi = (r.max(0.0) / METRES_PER_NMI * 1000.0).round() / 1000.0;
            let b = ((b * 10.0).round() / 10.0) % 360.0;
            *n += 1;
            let body = format!("RATTM,{:02},{nmi:.3},{b:.1},T,,,,,,N,,T,,{hms},A", (*n - 1) % 99 + 1);
            let tag = format!("s:radar-{},c:{unix}", this.site_id);
            nmea.push((ts, format!("\\{tag}*{:02X}\\${body}*{:02X}", cks(&tag), cks(&body))));
            meas.push(this.mast.measurement(ts, this.sensor, nmi * METRES_PER_NMI, b, p.sigma_range_m, p.sigma_bearing_deg, source));
        };
        for (c, h) in cands.iter().zip(&hidden) {
            if !h {
                emit(self, c.range_m, c.bearing_deg, Some((c.vessel, c.at)), &mut n, meas, nmea);
            }
        }
        // Sea clutter: Poisson count, exponential in range (densest near the antenna), only
        // where the antenna sees open water.
        let k = poisson(&mut self.rng, p.clutter_per_scan);
        for _ in 0..k {
            let r = p.min_range_m - p.clutter_mean_range_m * (1.0 - self.rng.random::<f64>()).ln();
            let b: f64 = self.rng.random::<f64>() * 360.0;
            if r > p.max_range_m {
                continue;
            }
            let xy = [self.mast.xy[0] + r * b.to_radians().sin(), self.mast.xy[1] + r * b.to_radians().cos()];
            if self.mast.blocked(coast, xy) {
                continue;
            }
            emit(self, r, b, None, &mut n, meas, nmea);
        }
        if n == 0 {
            meas.push(Measurement { t_s: ts, sensor: self.sensor, scan_only: true, lat: 0.0, lon: 0.0, sigma_m: 0.0, polar: None, ais: None, source: None, truth: None });
        }
    }
}

/// NMEA checksum of a sentence body.
pub(crate) fn cks(body: &str) -> u8 {
    body.bytes().fold(0, |a, b| a ^ b)
}

/// `hhmmss.ss` UTC of an epoch time.
pub(crate) fn hhmmss(epoch_s: f64) -> String {
    let day = epoch_s.rem_euclid(86_400.0);
    let h = (day / 3600.0).floor();
    let m = ((day - h * 3600.0) / 60.0).floor();
    let s = day - h * 3600.0 - m * 60.0;
    format!("{:02}{:02}{:05.2}", h as u32, m as u32, (s * 100.0).floor() / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    mod pd {
        use super::*;

        #[test]
        fn small_craft_fade_with_range_and_ships_do_not() {
            let p = RadarParams::default();
            assert!(p.pd(1_000.0, 8.0) > 0.9);
            assert!((p.pd(5_000.0, 8.0) - 0.475).abs() < 0.01);
            assert!(p.pd(10_000.0, 8.0) < 0.05);
            assert!(p.pd(12_000.0, 150.0) > 0.9);
        }
    }

    mod hhmmss {
        use super::*;

        #[test]
        fn formats_utc_time_of_day() {
            // 2026-03-10T02:00:02.5Z
            assert_eq!(hhmmss(1_773_108_002.5), "020002.50");
        }
    }
}
