//! A scan: what one sensor reported at one time, converted to [`Measurement`]s in the local frame.
//!
//! [`measurement_from_detection`] is the single place a [`Detection`] becomes a measurement: it
//! picks the measurement model by sensor kind and position frame and rejects values a sensor
//! could not have produced (non-finite numbers, absurd errors).
use nalgebra::{Matrix2, Vector2};

use super::config::SensorConfig;
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
            let sensor_en = sensor_en.ok_or(Reject::NoSensorPosition)?;
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
