//! Blobs to bearings, ranges and positions through a site's calibration.
//!
//! The last step of the IR pipeline before the main tracker: a box's waterline pixel (bottom
//! centre) gives a true bearing, its depression below the horizon a range over the sea, and
//! the two with the mast's position a latitude and longitude, each with a 1-σ error.

use calibration::{CalibrationError, HeadAngles, MountedCamera, Pinhole, Pixel, SiteCalibration};

use super::detector::Blob;
use crate::detection::{Detection, Identity, Position, SensorKind};
use crate::geodesy;

/// Where a blob is, seen from the camera's site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geolocation {
    /// True bearing of the box's bottom centre, degrees clockwise from north.
    pub bearing_deg: f64,
    /// Elevation of the same pixel, degrees (negative below the horizontal).
    pub elevation_deg: f64,
    /// 1-σ bearing error, degrees.
    pub sigma_bearing_deg: f64,
    /// Range over the sea and its 1-σ error, metres; `None` when the waterline is at or above
    /// the horizon (bearing only).
    pub range_m: Option<(f64, f64)>,
    /// Latitude and longitude, degrees, when the range is known.
    pub lat_lon: Option<(f64, f64)>,
}

/// Turns blobs into [`Geolocation`]s and [`Detection`]s for one calibrated camera.
#[derive(Debug, Clone)]
pub struct Geolocator {
    camera: MountedCamera<Pinhole>,
    head: HeadAngles,
    sensor: String,
    /// Pixel error assumed for a waterline: the detector's jitter plus the calibration's residual.
    sigma_px: f64,
}

impl Geolocator {
    /// A geolocator for a site's calibration with the head at `head` (a fixed camera: zero).
    ///
    /// # Errors
    /// As [`SiteCalibration::mounted_camera`].
    pub fn new(
        calibration: &SiteCalibration,
        head: HeadAngles,
        sensor: impl Into<String>,
    ) -> Result<Geolocator, CalibrationError> {
        Ok(Geolocator { camera: calibration.mounted_camera()?, head, sensor: sensor.into(), sigma_px: 1.0 })
    }

    /// The mounted camera, for horizon masks and projections.
    pub fn camera(&self) -> &MountedCamera<Pinhole> {
        &self.camera
    }

    /// The head angles frames are taken with.
    pub fn head(&self) -> HeadAngles {
        self.head
    }

    /// Bearing (and range and position, below the horizon) of `blob`'s waterline.
    ///
    /// # Errors
    /// As [`MountedCamera::pixel_to_direction`] (a pixel outside the distortion model).
    pub fn locate(&self, blob: &Blob) -> Result<Geolocation, CalibrationError> {
        let (x, y) = blob.waterline();
        let pixel = Pixel::new(x, y);
        let d = self.camera.pixel_to_direction(pixel, self.head)?;
        let rad_per_px = calibration::CameraModel::radians_per_px(self.camera.camera());
        let sigma_bearing_deg = (self.sigma_px * rad_per_px).to_degrees();
        let range_m = match self.camera.sea().range_m(-d.elevation_deg) {
            Ok(r) => {
                let sigma = self.camera.range_error_m(r, self.sigma_px).unwrap_or(r);
                Some((r, sigma))
            }
            Err(_) => None,
        };
        let pose = self.camera.pose();
        let lat_lon = range_m.map(|(r, _)| geodesy::destination(pose.lat, pose.lon, d.bearing_deg, r));
        Ok(Geolocation {
            bearing_deg: d.bearing_deg,
            elevation_deg: d.elevation_deg,
            sigma_bearing_deg,
            range_m,
            lat_lon,
        })
    }

    /// `blob` at `time_s` as a [`Detection`] for the main tracker: geodetic with an error
    /// ellipse when it has a range, otherwise polar with the horizon as a range prior and an
    /// error as large (bearing only).
    ///
    /// # Errors
    /// As [`Geolocator::locate`].
    pub fn detection(&self, time_s: f64, blob: &Blob) -> Result<Detection, CalibrationError> {
        let g = self.locate(blob)?;
        let length_m = g.range_m.and_then(|(r, _)| self.apparent_length_m(blob, r));
        let position = match (g.range_m, g.lat_lon) {
            (Some((r, sigma_r)), Some((lat, lon))) => {
                let b = g.bearing_deg.to_radians();
                let (u, v) = ((b.sin(), b.cos()), (b.cos(), -b.sin()));
                let sigma_c = r * g.sigma_bearing_deg.to_radians();
                let (a, c) = (sigma_r * sigma_r, sigma_c * sigma_c);
                let cov = [
                    [a * u.0 * u.0 + c * v.0 * v.0, a * u.0 * u.1 + c * v.0 * v.1],
                    [a * u.0 * u.1 + c * v.0 * v.1, a * u.1 * u.1 + c * v.1 * v.1],
                ];
                Position::Geodetic { lat_deg: lat, lon_deg: lon, cov_en_m2: cov }
            }
            _ => {
                let horizon = self.camera.sea().horizon_range_m();
                Position::Polar {
                    bearing_deg: g.bearing_deg,
                    range_m: horizon,
                    sigma_bearing_deg: g.sigma_bearing_deg,
                    sigma_range_m: horizon,
                }
            }
        };
        Ok(Detection {
            time_s,
            sensor: self.sensor.clone(),
            kind: SensorKind::Ir,
            position,
            velocity: None,
            identity: Identity::default(),
            length_m,
        })
    }

    /// Apparent length of `blob` at `range_m`, metres: box width in pixels × range / focal
    /// length in pixels (small-angle pinhole). Why: a boat seen broadside spans about its hull
    /// length across the image, which lets the tracker question an AIS-declared length. Seen
    /// bow-on it reads short (the beam), so it is an estimate only. `None` for a non-finite or
    /// non-positive result.
    pub fn apparent_length_m(&self, blob: &Blob, range_m: f64) -> Option<f64> {
        let rad_per_px = calibration::CameraModel::radians_per_px(self.camera.camera());
        let l = f64::from(blob.w) * rad_per_px * range_m;
        (l.is_finite() && l > 0.0).then_some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calibration() -> SiteCalibration {
        SiteCalibration::from_toml_str(
            "[pose]\nlat = 22.1\nlon = 113.55\nmast_height_m = 30.0\nheading_offset_deg = 90.0\n\
             tilt_offset_deg = -1.0\n[camera]\nwidth_px = 640\nheight_px = 512\nhfov_deg = 6.0\n",
        )
        .unwrap()
    }

    fn blob_at(x: u32, bottom: u32) -> Blob {
        Blob { x: x - 2, y: bottom - 3, w: 4, h: 3, score: 1.0, class_id: 0, contrast: 1.0, snr: 9.0 }
    }

    #[test]
    fn a_sea_point_projects_and_locates_back() {
        let g = Geolocator::new(&calibration(), HeadAngles::default(), "ir-test").unwrap();
        let p = g.camera().sea_point_to_pixel(91.0, 2_000.0, HeadAngles::default()).unwrap();
        let blob = blob_at(p.x.round() as u32, p.y.round() as u32);
        let loc = g.locate(&blob).unwrap();
        assert!((loc.bearing_deg - 91.0).abs() < 0.02, "{loc:?}");
        let (r, sigma) = loc.range_m.unwrap();
        assert!((r - 2_000.0).abs() < 3.0 * sigma, "{r} ± {sigma}");
        let (lat, lon) = loc.lat_lon.unwrap();
        let d = geodesy::distance_m(geodesy::LatLon::new(22.1, 113.55), geodesy::LatLon::new(lat, lon));
        assert!((d - r).abs() < 1.0);
    }

    #[test]
    fn above_the_horizon_is_bearing_only() {
        let g = Geolocator::new(&calibration(), HeadAngles::default(), "ir-test").unwrap();
        let det = g.detection(5.0, &blob_at(320, 20)).unwrap();
        assert!(matches!(det.position, Position::Polar { .. }), "{det:?}");
        assert_eq!(det.kind, SensorKind::Ir);
        assert_eq!(det.length_m, None, "no range, no size");
    }

    /// A box 20 px wide at 2 km through a 6° / 640 px lens spans 2000 × 20 × (6° / 640) ≈ 6.5 m.
    #[test]
    fn a_ranged_box_carries_its_apparent_length() {
        let g = Geolocator::new(&calibration(), HeadAngles::default(), "ir-test").unwrap();
        let p = g.camera().sea_point_to_pixel(91.0, 2_000.0, HeadAngles::default()).unwrap();
        let (x, bottom) = (p.x.round() as u32, p.y.round() as u32);
        let blob = Blob { x: x - 10, y: bottom - 5, w: 20, h: 5, score: 1.0, class_id: 0, contrast: 1.0, snr: 9.0 };
        let det = g.detection(5.0, &blob).unwrap();
        let (r, _) = g.locate(&blob).unwrap().range_m.unwrap();
        let want = r * 20.0 * 6f64.to_radians() / 640.0;
        let l = det.length_m.expect("a ranged IR box has a length");
        assert!((l - want).abs() < 0.05 * want, "{l} vs {want}");
        assert!((l - 6.5).abs() < 1.0, "{l}");
    }
}
