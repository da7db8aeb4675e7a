//! A scan: what one sensor reported at one time, converted to [`Measurement`]s in the local frame.
//!
//! [`measurement_from_detection`] is the single place a [`Detection`] becomes a measurement: it
//! picks the measurement model by sensor kind and position frame and rejects values a sensor
//! could not have produced (non-finite numbers, absurd errors).
use nalgebra::{Matrix2, Vector2};

use super::config::SensorConfig;
use super::masts;
use super::measurement::{Measurement, Model, ais, bearing::BearingRange, cartesian, polar};
use crate::detection::{Detection, Position, SensorKind};
use crate::geodesy::{Enu, LatLon};

/// Index of a sensor in the tracker's sensor table.
pub type SensorId = u16;

/// One sensor's detections at one time (possibly none: a scan that saw nothing still tells
/// the tracker that the tracks it covers were missed).
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// Scan time, seconds since the Unix epoch.
    pub time_s: f64,
    /// Which sensor (see [`Tracker::sensor_id`](super::Tracker::sensor_id)).
    pub sensor: SensorId,
    /// Sensor kind; AIS scans never count as misses for tracks they do not update.
    pub kind: SensorKind,
    /// The measurements.
    pub measurements: Vec<Measurement>,
}

/// Why a detection was not turned into a measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Reject {
    /// A coordinate or error was NaN or infinite.
    #[error("non-finite value")]
    NonFinite,
    /// Latitude/longitude out of range.
    #[error("position out of range")]
    OutOfRange,
    /// An error (σ) was ≤ 0 or larger than `sensors.max_sigma_m`.
    #[error("absurd sigma")]
    AbsurdSigma,
    /// A polar detection whose sensor position is unknown.
    #[error("polar detection without sensor position")]
    NoSensorPosition,
}

/// An IR detection at `en` seen from `mast` with position error `r` as a bearing and range (the
/// error's major axis is the range error; its minor axis the cross-range error, unless the error
/// is circular — a JSONL line's `sigma_m` — when the camera's configured bearing error applies).
/// `None` for a point on the mast.
fn ir_wedge(mast: Vector2<f64>, en: Vector2<f64>, r: &Matrix2<f64>, cfg: &SensorConfig) -> Option<BearingRange> {
    let d = en - mast;
    let range = d.norm();
    if !(range > 1.0) {
        return None;
    }
    let (lo, hi) = eigenvalues(r);
    let sigma_range = hi.sqrt();
    let configured = cfg.ir_sigma_bearing_deg.to_radians();
    let sigma_bearing = if lo < 0.25 * hi { (lo.sqrt() / range).max(1e-5) } else { configured };
    Some(BearingRange {
        sensor_en: mast,
        bearing_rad: d.x.atan2(d.y),
        sigma_bearing_rad: sigma_bearing,
        range: Some((range, sigma_range)),
        range_prior_m: (cfg.ir_range_prior_m, cfg.ir_range_prior_sigma_m),
    })
}

/// Eigenvalues (smaller, larger) of a symmetric 2×2 matrix.
fn eigenvalues(m: &Matrix2<f64>) -> (f64, f64) {
    let (a, b, c) = (m[(0, 0)], 0.5 * (m[(0, 1)] + m[(1, 0)]), m[(1, 1)]);
    let mid = 0.5 * (a + c);
    let rad = (0.25 * (a - c).powi(2) + b * b).sqrt();
    ((mid - rad).max(0.0), mid + rad)
}

/// Convert one detection.
///
/// # Units
/// `sensor_en`: the sensor's east/north in `frame`, metres (needed for polar detections).
///
/// # Errors
/// A [`Reject`] saying what was wrong.
pub fn measurement_from_detection(
    d: &Detection,
    frame: &Enu,
    sensor_en: Option<Vector2<f64>>,
    cfg: &SensorConfig,
) -> Result<Measurement, Reject> {
    let mut m = measurement_position(d, frame, sensor_en, cfg)?;
    // A size is a hint, not a position: a nonsense one is dropped rather than the detection. An
    // AIS length is what the ship declares, not what a sensor saw: it never feeds the estimate.
    m.length_m = d.length_m.filter(|l| d.kind != SensorKind::Ais && l.is_finite() && *l > 0.0 && *l < MAX_LENGTH_M);
    Ok(m)
}

/// Longest hull a detection's size may claim, metres (the largest ships are ~400 m).
const MAX_LENGTH_M: f64 = 600.0;

/// The measurement model of `d`'s position, without its size (see [`measurement_from_detection`]).
fn measurement_position(
    d: &Detection,
    frame: &Enu,
    sensor_en: Option<Vector2<f64>>,
    cfg: &SensorConfig,
) -> Result<Measurement, Reject> {
    let mmsi = d.identity.mmsi;
    let max_var = cfg.max_sigma_m * cfg.max_sigma_m;
    let model = match d.position {
        Position::Geodetic { lat_deg, lon_deg, cov_en_m2 } => {
            if !(lat_deg.is_finite() && lon_deg.is_finite()) {
                return Err(Reject::NonFinite);
            }
            if lat_deg.abs() > 90.0 || lon_deg.abs() > 180.0 {
                return Err(Reject::OutOfRange);
            }
            let r = Matrix2::new(cov_en_m2[0][0], cov_en_m2[0][1], cov_en_m2[1][0], cov_en_m2[1][1]);
            if !r.iter().all(|v| v.is_finite()) {
                return Err(Reject::NonFinite);
            }
            if r[(0, 0)] <= 0.0 || r[(1, 1)] <= 0.0 || r[(0, 0)] > max_var || r[(1, 1)] > max_var {
                return Err(Reject::AbsurdSigma);
            }
            let en = frame.to_en(LatLon::new(lat_deg, lon_deg));
            let mast = match d.kind {
                SensorKind::Ir if cfg.ir_masts_from_sites => sensor_en.or_else(|| masts::mast_en(&d.sensor, frame)),
                _ => None,
            };
            if let Some(b) = mast.and_then(|mast| ir_wedge(mast, en, &r, cfg)) {
                return Ok(Measurement::from_model(Model::Polar(b), d.kind, mmsi));
            }
            match (d.kind, d.velocity) {
                (SensorKind::Ais, Some(v))
                    if v.sog_kn.is_finite() && v.cog_deg.is_finite() && v.sog_kn >= 0.0 && v.sog_kn < 102.2 =>
                {
                    ais::position_velocity(en, r, v.sog_kn, v.cog_deg, cfg.ais_sigma_sog_kn, cfg.ais_sigma_cog_deg)
                }
                _ => cartesian::cartesian(en, r).ok_or(Reject::AbsurdSigma)?,
            }
        }
        Position::Polar { bearing_deg, range_m, sigma_bearing_deg, sigma_range_m } => {
            let sensor_en = sensor_en
                .or_else(|| {
                    (d.kind == SensorKind::Ir && cfg.ir_masts_from_sites)
                        .then(|| masts::mast_en(&d.sensor, frame))
                        .flatten()
                })
                .ok_or(Reject::NoSensorPosition)?;
            if !(bearing_deg.is_finite()
                && range_m.is_finite()
                && sigma_bearing_deg.is_finite()
                && sigma_range_m.is_finite())
            {
                return Err(Reject::NonFinite);
            }
            if !(sigma_bearing_deg > 0.0 && sigma_bearing_deg < 45.0) || range_m < 0.0 {
                return Err(Reject::AbsurdSigma);
            }
            match d.kind {
                SensorKind::Ir => {
                    let range = (range_m > 0.0 && sigma_range_m > 0.0).then_some((range_m, sigma_range_m));
                    Model::Polar(BearingRange {
                        sensor_en,
                        bearing_rad: bearing_deg.to_radians(),
                        sigma_bearing_rad: sigma_bearing_deg.to_radians(),
                        range,
                        range_prior_m: (cfg.ir_range_prior_m, cfg.ir_range_prior_sigma_m),
                    })
                }
                _ => {
                    if !(sigma_range_m > 0.0 && sigma_range_m <= cfg.max_sigma_m) {
                        return Err(Reject::AbsurdSigma);
                    }
                    let (z, r) =
                        polar::unbiased_converted(sensor_en, range_m, bearing_deg, sigma_range_m, sigma_bearing_deg);
                    if super::measurement::max_eigenvalue(&r) > max_var {
                        return Err(Reject::AbsurdSigma);
                    }
                    cartesian::cartesian(z, r).ok_or(Reject::AbsurdSigma)?
                }
            }
        }
    };
    Ok(Measurement::from_model(model, d.kind, mmsi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coast::Sites;

    /// A JSONL-style IR line (lat/lon and a circular σ that is really the range error) from a
    /// camera named after a site becomes a bearing/range measurement from that site's mast, with
    /// the configured bearing error — not a circle kilometres wide.
    #[test]
    fn a_circular_ir_fix_from_a_known_camera_is_a_wedge_from_its_mast() {
        let sites = Sites::macau();
        let site = &sites.as_slice()[0];
        let frame = Enu::at(site.position());
        let target = frame.from_en(Vector2::new(3000.0, 4000.0));
        let d = Detection {
            time_s: 0.0,
            sensor: format!("ir-{}", site.id),
            kind: SensorKind::Ir,
            position: Position::circular(target.lat_deg, target.lon_deg, 800.0),
            velocity: None,
            identity: Default::default(),
            length_m: None,
        };
        let cfg = SensorConfig::default();
        let m = measurement_from_detection(&d, &frame, None, &cfg).unwrap();
        let Model::Polar(b) = m.model else { panic!("{:?}", m.model) };
        let (r, sr) = b.range.unwrap();
        assert!((r - 5000.0).abs() < 1.0 && (sr - 800.0).abs() < 1e-6, "{r} {sr}");
        assert!((b.bearing_rad - 3f64.atan2(4.0)).abs() < 1e-6);
        assert!((b.sigma_bearing_rad - cfg.ir_sigma_bearing_deg.to_radians()).abs() < 1e-12);
        // Switched off, or from an unknown camera: the circle as given.
        let off = SensorConfig { ir_masts_from_sites: false, ..SensorConfig::default() };
        assert!(matches!(measurement_from_detection(&d, &frame, None, &off).unwrap().model, Model::Position { .. }));
        let other = Detection { sensor: "ir-elsewhere".into(), ..d };
        assert!(matches!(
            measurement_from_detection(&other, &frame, None, &cfg).unwrap().model,
            Model::Position { .. }
        ));
    }

    /// A detection at `en` metres from the frame's origin, σ 15 m, with a size.
    fn sized(frame: &Enu, kind: SensorKind, time_s: f64, en: (f64, f64), length_m: Option<f64>) -> Detection {
        let p = frame.from_en(Vector2::new(en.0, en.1));
        Detection {
            time_s,
            sensor: if kind == SensorKind::Ais { "ais-test".into() } else { "ir-test".into() },
            kind,
            position: Position::circular(p.lat_deg, p.lon_deg, 15.0),
            velocity: None,
            identity: crate::detection::Identity {
                mmsi: (kind == SensorKind::Ais).then_some(453_000_001),
                ..Default::default()
            },
            length_m,
        }
    }

    /// IR detections with an apparent length give their track a length: the median of the
    /// recent ones, so one box merged with the wake does not drag it; IR scans without a size
    /// leave the estimate as it was.
    #[test]
    fn ir_sizes_give_the_track_a_median_length() {
        use crate::track::{DefaultTracker, TrackerConfig};
        let frame = Enu::at(crate::geodesy::LatLon::new(22.1, 113.55));
        let mut t = DefaultTracker::from_config(&TrackerConfig::default(), frame);
        let cfg = SensorConfig::default();
        let sensor = t.sensor_id("ir-test");
        let sizes = [Some(9.0), Some(11.0), None, Some(40.0), Some(10.0), None, Some(12.0), Some(10.5), None];
        for (k, l) in sizes.iter().enumerate() {
            let time_s = k as f64;
            let d = sized(&frame, SensorKind::Ir, time_s, (2000.0, 1000.0), *l);
            let m = measurement_from_detection(&d, &frame, None, &cfg).unwrap();
            assert_eq!(m.length_m, *l);
            t.step(&Scan { time_s, sensor, kind: SensorKind::Ir, measurements: vec![m] });
        }
        let tracks: Vec<_> = t.confirmed_tracks().collect();
        assert_eq!(tracks.len(), 1, "{tracks:?}");
        // Sizes 9, 11, 40, 10, 12, 10.5: median of six is (10.5 + 11) / 2.
        assert_eq!(tracks[0].length_m, Some(10.75));
    }

    /// An AIS-declared length is not a measurement: it never reaches the sensor estimate, and a
    /// nonsense IR size is dropped, not the detection.
    #[test]
    fn declared_and_absurd_sizes_do_not_feed_the_estimate() {
        let frame = Enu::at(crate::geodesy::LatLon::new(22.1, 113.55));
        let cfg = SensorConfig::default();
        let ais = sized(&frame, SensorKind::Ais, 0.0, (0.0, 0.0), Some(180.0));
        assert_eq!(measurement_from_detection(&ais, &frame, None, &cfg).unwrap().length_m, None);
        for bad in [f64::NAN, -3.0, 0.0, 5_000.0] {
            let ir = sized(&frame, SensorKind::Ir, 0.0, (0.0, 0.0), Some(bad));
            assert_eq!(measurement_from_detection(&ir, &frame, None, &cfg).unwrap().length_m, None, "{bad}");
        }
    }
}
