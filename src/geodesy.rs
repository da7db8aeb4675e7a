//! WGS-84 geodesy: positions, local tangent-plane (ENU) frames, distances and bearings.
//!
//! Every node filters in a flat east/north/up frame centred on its own mast, where a Kalman
//! filter's linear algebra is honest; everything that crosses a node boundary (detections,
//! tracks, alerts) is WGS-84 latitude/longitude. This module is the only place that converts.
//!
//! - [`Enu`]: a tangent plane at a site; exact ECEF-based conversion both ways.
//! - [`distance_m`], [`bearing_deg`], [`destination`]: geodesics on the ellipsoid (Karney 2013,
//!   through `geo`), for ranges and bearings that must hold over a whole harbour approach.
//!
//! # References
//! - NIMA TR8350.2, *Department of Defense World Geodetic System 1984* (WGS-84 constants).
//! - C. F. F. Karney, *Algorithms for geodesics*, J. Geodesy 87 (2013).

use geo::{Bearing, Destination, Distance, Geodesic, Point};
use nalgebra::{Matrix3, Vector2, Vector3};

/// WGS-84 semi-major axis, metres (NIMA TR8350.2 table 3.1).
pub const WGS84_A_M: f64 = 6_378_137.0;
/// WGS-84 flattening (NIMA TR8350.2 table 3.1).
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// WGS-84 first eccentricity squared, derived from the flattening.
pub const WGS84_E2: f64 = WGS84_F * (2.0 - WGS84_F);
/// Metres in one international nautical mile.
pub const METRES_PER_NMI: f64 = 1852.0;
/// Metres per second in one knot.
pub const MPS_PER_KNOT: f64 = METRES_PER_NMI / 3600.0;

/// A WGS-84 position: what every message between nodes carries.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LatLon {
    /// Latitude, degrees north.
    pub lat_deg: f64,
    /// Longitude, degrees east.
    pub lon_deg: f64,
}

impl LatLon {
    /// A position from degrees.
    pub const fn new(lat_deg: f64, lon_deg: f64) -> Self {
        Self { lat_deg, lon_deg }
    }

    fn point(self) -> Point<f64> {
        Point::new(self.lon_deg, self.lat_deg)
    }
}

/// Geodesic distance on the WGS-84 ellipsoid.
///
/// # Units
/// Degrees in, metres out.
///
/// # Examples
/// ```
/// use seawarden::geodesy::{distance_m, LatLon};
/// // One minute of latitude near Macau is about one nautical mile.
/// let d = distance_m(LatLon::new(22.15, 113.55), LatLon::new(22.15 + 1.0 / 60.0, 113.55));
/// assert!((d - 1845.6).abs() < 1.0);
/// ```
pub fn distance_m(a: LatLon, b: LatLon) -> f64 {
    Geodesic.distance(a.point(), b.point())
}

/// Initial true bearing of the geodesic from `from` to `to`.
///
/// # Units
/// Degrees in; degrees clockwise from true north in `[0, 360)` out.
pub fn bearing_deg(from: LatLon, to: LatLon) -> f64 {
    Geodesic.bearing(from.point(), to.point())
}

/// The position `distance_m` along the geodesic leaving `(lat_deg, lon_deg)` at `bearing_deg`
/// (the direct problem): where a radar target at a given range and bearing from the mast is.
///
/// # Units
/// Degrees and metres in, `(lat_deg, lon_deg)` out.
pub fn destination(lat_deg: f64, lon_deg: f64, bearing_deg: f64, distance_m: f64) -> (f64, f64) {
    let p = Geodesic.destination(Point::new(lon_deg, lat_deg), bearing_deg, distance_m);
    (p.y(), p.x())
}

/// Signed smallest difference `a − b` between two angles, so 359° vs 1° is −2°, not 358°.
///
/// # Units
/// Degrees in; degrees in `(−180, 180]` out.
pub fn angle_diff_deg(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    if d > 180.0 { d - 360.0 } else { d }
}

/// Earth-centred, earth-fixed coordinates of a geodetic position.
///
/// # Units
/// Degrees and metres (height above the ellipsoid) in, metres out.
pub fn geodetic_to_ecef(lat_deg: f64, lon_deg: f64, h_m: f64) -> Vector3<f64> {
    let (sin_lat, cos_lat) = lat_deg.to_radians().sin_cos();
    let (sin_lon, cos_lon) = lon_deg.to_radians().sin_cos();
    let n = WGS84_A_M / (1.0 - WGS84_E2 * sin_lat * sin_lat).sqrt();
    Vector3::new(
        (n + h_m) * cos_lat * cos_lon,
        (n + h_m) * cos_lat * sin_lon,
        (n * (1.0 - WGS84_E2) + h_m) * sin_lat,
    )
}

/// Geodetic latitude, longitude and height of an ECEF point (Bowring's method, refined by
/// iteration; millimetre-exact anywhere near the surface).
///
/// # Units
/// Metres in; `(lat_deg, lon_deg, h_m)` out.
pub fn ecef_to_geodetic(p: Vector3<f64>) -> (f64, f64, f64) {
    let lon = p.y.atan2(p.x);
    let r = p.x.hypot(p.y);
    let b = WGS84_A_M * (1.0 - WGS84_F);
    let ep2 = (WGS84_A_M * WGS84_A_M - b * b) / (b * b);
    // Bowring's initial parametric latitude.
    let beta = (WGS84_A_M * p.z).atan2(b * r);
    let (sb, cb) = beta.sin_cos();
    let mut lat = (p.z + ep2 * b * sb.powi(3)).atan2(r - WGS84_E2 * WGS84_A_M * cb.powi(3));
    let mut h = 0.0;
    for _ in 0..3 {
        let sin_lat = lat.sin();
        let n = WGS84_A_M / (1.0 - WGS84_E2 * sin_lat * sin_lat).sqrt();
        h = if lat.cos().abs() > 1e-10 { r / lat.cos() - n } else { p.z.abs() - b };
        lat = p.z.atan2(r * (1.0 - WGS84_E2 * n / (n + h)));
    }
    (lat.to_degrees(), lon.to_degrees(), h)
}

/// A local east/north/up tangent plane at an origin (a site's mast foot), in which the tracker
/// filters with plain linear algebra.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Enu {
    origin: LatLon,
    origin_h_m: f64,
    origin_ecef: Vector3<f64>,
    /// Rows are the east, north and up unit vectors in ECEF.
    ecef_to_enu: Matrix3<f64>,
}

impl Enu {
    /// A tangent plane touching the ellipsoid at `origin` (height 0, sea level for our purposes).
    pub fn at(origin: LatLon) -> Self {
        Self::at_height(origin, 0.0)
    }

    /// A tangent plane at `origin` raised to `h_m` above the ellipsoid.
    pub fn at_height(origin: LatLon, h_m: f64) -> Self {
        let (sl, cl) = origin.lat_deg.to_radians().sin_cos();
        let (so, co) = origin.lon_deg.to_radians().sin_cos();
        #[rustfmt::skip]
        let ecef_to_enu = Matrix3::new(
            -so,       co,      0.0,
            -sl * co, -sl * so, cl,
             cl * co,  cl * so, sl,
        );
        Enu {
            origin,
            origin_h_m: h_m,
            origin_ecef: geodetic_to_ecef(origin.lat_deg, origin.lon_deg, h_m),
            ecef_to_enu,
        }
    }

    /// The frame's origin.
    pub fn origin(&self) -> LatLon {
        self.origin
    }

    /// East/north/up of a geodetic point.
    ///
    /// # Units
    /// Degrees and metres in, metres out.
    pub fn to_enu(&self, p: LatLon, h_m: f64) -> Vector3<f64> {
        self.ecef_to_enu * (geodetic_to_ecef(p.lat_deg, p.lon_deg, h_m) - self.origin_ecef)
    }

    /// Geodetic position and height of an east/north/up point.
    ///
    /// # Units
    /// Metres in; `(LatLon, h_m)` out.
    pub fn from_enu(&self, enu: Vector3<f64>) -> (LatLon, f64) {
        let ecef = self.origin_ecef + self.ecef_to_enu.transpose() * enu;
        let (lat, lon, h) = ecef_to_geodetic(ecef);
        (LatLon::new(lat, lon), h)
    }

    /// East/north of a point on the sea surface (height 0): the plane the tracker works in.
    ///
    /// # Units
    /// Degrees in, metres out.
    pub fn to_en(&self, p: LatLon) -> Vector2<f64> {
        self.to_enu(p, 0.0).xy()
    }

    /// The sea-surface point whose east/north in this frame is `en`: the inverse of
    /// [`Enu::to_en`], dropping the point from the tangent plane back onto the ellipsoid.
    ///
    /// # Units
    /// Metres in, degrees out.
    pub fn from_en(&self, en: Vector2<f64>) -> LatLon {
        // The tangent plane lies above the sea surface away from the origin; find the up offset
        // that lands exactly on height 0 (two fixed-point steps reach sub-millimetre at 50 km).
        let mut up = -self.origin_h_m;
        let mut p = self.origin;
        for _ in 0..3 {
            let (q, h) = self.from_enu(Vector3::new(en.x, en.y, up));
            p = q;
            up -= h;
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MACAU_FERRY: LatLon = LatLon::new(22.197907, 113.558966);

    mod distance_m {
        use super::*;

        #[test]
        fn flinders_peak_to_buninyong_matches_vincenty_1975() {
            // Vincenty's worked example (Survey Review 1975), re-solved by Karney on WGS-84:
            // 54 972.271 m, initial azimuth 306°52'05.37".
            let flinders = LatLon::new(-(37.0 + 57.0 / 60.0 + 3.72030 / 3600.0), 144.0 + 25.0 / 60.0 + 29.52440 / 3600.0);
            let buninyong = LatLon::new(-(37.0 + 39.0 / 60.0 + 10.15610 / 3600.0), 143.0 + 55.0 / 60.0 + 35.38390 / 3600.0);
            assert!((distance_m(flinders, buninyong) - 54_972.271).abs() < 0.01);
            let az = 306.0 + 52.0 / 60.0 + 5.37 / 3600.0;
            assert!((bearing_deg(flinders, buninyong) - az).abs() < 1e-4);
        }

        #[test]
        fn one_degree_of_longitude_on_the_equator() {
            // a·π/180 on the equator, which is a geodesic.
            let d = distance_m(LatLon::new(0.0, 0.0), LatLon::new(0.0, 1.0));
            assert!((d - WGS84_A_M.to_radians()).abs() < 1e-6);
        }
    }

    mod bearing_deg {
        use super::*;

        #[test]
        fn north() {
            let b = bearing_deg(MACAU_FERRY, LatLon::new(22.3, 113.558966));
            assert!(b.abs() < 1e-9 || (b - 360.0).abs() < 1e-9);
        }

        #[test]
        fn west() {
            let b = bearing_deg(MACAU_FERRY, LatLon::new(22.197907, 113.45));
            assert!((b - 270.0).abs() < 0.03, "{b}");
        }
    }

    mod angle_diff_deg {
        use super::*;

        #[test]
        fn wraps_through_north() {
            assert_eq!(angle_diff_deg(359.0, 1.0), -2.0);
            assert_eq!(angle_diff_deg(1.0, 359.0), 2.0);
            assert_eq!(angle_diff_deg(180.0, 0.0), 180.0);
            assert_eq!(angle_diff_deg(-90.0, 90.0), 180.0);
        }
    }

    mod destination {
        use super::*;

        #[test]
        fn inverts_distance_and_bearing() {
            let (lat, lon) = destination(MACAU_FERRY.lat_deg, MACAU_FERRY.lon_deg, 135.0, 6_000.0);
            let to = LatLon::new(lat, lon);
            assert!((distance_m(MACAU_FERRY, to) - 6_000.0).abs() < 1e-6);
            assert!((bearing_deg(MACAU_FERRY, to) - 135.0).abs() < 1e-9);
        }
    }

    mod ecef {
        use super::*;

        #[test]
        fn equator_prime_meridian_is_the_semi_major_axis() {
            let p = geodetic_to_ecef(0.0, 0.0, 0.0);
            assert!((p - Vector3::new(WGS84_A_M, 0.0, 0.0)).norm() < 1e-9);
        }

        #[test]
        fn north_pole_is_the_semi_minor_axis() {
            // b = 6 356 752.314 245 m (NIMA TR8350.2 table 3.1).
            let p = geodetic_to_ecef(90.0, 0.0, 0.0);
            assert!((p.z - 6_356_752.314_245).abs() < 1e-6);
        }

        #[test]
        fn round_trips_to_the_millimetre() {
            for &(lat, lon, h) in &[(22.2, 113.55, 35.0), (-45.0, -170.0, 9000.0), (89.9, 10.0, -50.0)] {
                let (la, lo, hh) = ecef_to_geodetic(geodetic_to_ecef(lat, lon, h));
                assert!((la - lat).abs() < 1e-9 && (lo - lon).abs() < 1e-9 && (hh - h).abs() < 1e-3);
            }
        }
    }

    mod enu {
        use super::*;

        #[test]
        fn origin_is_zero() {
            let f = Enu::at(MACAU_FERRY);
            assert!(f.to_enu(MACAU_FERRY, 0.0).norm() < 1e-6);
        }

        #[test]
        fn a_point_due_north_is_on_the_north_axis_and_below_the_plane() {
            let f = Enu::at(MACAU_FERRY);
            let (lat, lon) = destination(MACAU_FERRY.lat_deg, MACAU_FERRY.lon_deg, 0.0, 10_000.0);
            let v = f.to_enu(LatLon::new(lat, lon), 0.0);
            assert!(v.x.abs() < 1e-6);
            assert!((v.y - 10_000.0).abs() < 1.0, "{v}");
            // Curvature drop d²/2R ≈ 7.85 m at 10 km.
            assert!((v.z + 7.85).abs() < 0.05, "{v}");
        }

        #[test]
        fn east_north_agrees_with_geodesic_range_and_bearing_within_a_harbour() {
            let f = Enu::at(MACAU_FERRY);
            for bearing in [0.0, 37.0, 90.0, 200.0, 315.0] {
                let (lat, lon) = destination(MACAU_FERRY.lat_deg, MACAU_FERRY.lon_deg, bearing, 8_000.0);
                let en = f.to_en(LatLon::new(lat, lon));
                assert!((en.norm() - 8_000.0).abs() < 1.0, "bearing {bearing}: {en}");
                let b = en.x.atan2(en.y).to_degrees();
                assert!(angle_diff_deg(b, bearing).abs() < 1e-3, "bearing {bearing}: got {b}");
            }
        }

        #[test]
        fn from_en_inverts_to_en_on_the_sea_surface() {
            let f = Enu::at_height(MACAU_FERRY, 25.0);
            for en in [Vector2::new(0.0, 0.0), Vector2::new(12_000.0, -7_000.0), Vector2::new(-30_000.0, 41_000.0)] {
                let p = f.from_en(en);
                let back = f.to_enu(p, 0.0).xy();
                assert!((back - en).norm() < 1e-3, "{en} -> {p:?} -> {back}");
            }
        }

        proptest::proptest! {
            #[test]
            fn to_enu_and_from_enu_are_inverse(e in -50_000.0..50_000.0f64, n in -50_000.0..50_000.0f64, u in -100.0..500.0f64) {
                let f = Enu::at(MACAU_FERRY);
                let (p, h) = f.from_enu(Vector3::new(e, n, u));
                let back = f.to_enu(p, h);
                proptest::prop_assert!((back - Vector3::new(e, n, u)).norm() < 1e-3);
            }
        }
    }
}
