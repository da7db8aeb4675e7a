//! Cheap "within r metres" tests that give exactly the answer of the geodesic
//! [`distance_m`] without paying for it on every pair: a local ellipsoidal flat-earth
//! distance decides when it is clearly inside or outside, and only the few pairs within a
//! thin band around the radius get the full geodesic (the engine's per-update hot path runs
//! thousands of these: loitering windows, rendezvous pairing).
use crate::geodesy::{LatLon, WGS84_A_M, WGS84_E2, distance_m};

/// Relative error the flat approximation is trusted to within (its real error at these
/// distances is below 1e-5; the band is wide so the answer never differs from the geodesic's).
const BAND: f64 = 0.01;
/// Radii beyond this always use the geodesic, metres.
const MAX_FAST_R_M: f64 = 5_000.0;

/// Local flat distance (meridian and prime-vertical radii at the mid-latitude), metres, or
/// `None` where it is not trusted (near the poles, non-finite input).
pub fn approx_m(a: LatLon, b: LatLon) -> Option<f64> {
    let phi = (0.5 * (a.lat_deg + b.lat_deg)).to_radians();
    approx_m_trig(a, b, phi.sin(), phi.cos())
}

/// [`approx_m`] given the sine and cosine of the mid-latitude (callers that measure many pairs
/// take them from per-position values, [`crate::anomaly::scene::Sample::flat_m`]).
#[inline]
fn approx_m_trig(a: LatLon, b: LatLon, sin_phi: f64, cos_phi: f64) -> Option<f64> {
    if !(a.lat_deg.abs() < 80.0 && b.lat_deg.abs() < 80.0 && a.lon_deg.is_finite() && b.lon_deg.is_finite()) {
        return None;
    }
    let s = sin_phi;
    let w2 = 1.0 - WGS84_E2 * s * s;
    let n = WGS84_A_M / w2.sqrt();
    let m = n * (1.0 - WGS84_E2) / w2;
    let dphi = (b.lat_deg - a.lat_deg).to_radians();
    // Wrapped across the antimeridian only when needed (`rem_euclid` is a libm `fmod` call).
    let mut dlon = b.lon_deg - a.lon_deg;
    if dlon.abs() > 180.0 {
        dlon = (dlon + 540.0).rem_euclid(360.0) - 180.0;
    }
    let dlam = dlon.to_radians();
    // Plain square root, not `hypot` (several times slower in libm): no overflow or underflow
    // is possible at these magnitudes.
    let (y, x) = (m * dphi, n * cos_phi * dlam);
    Some((y * y + x * x).sqrt())
}

/// Sine and cosine of half a latitude (degrees): kept per position by callers that measure
/// many pairs, so that [`approx_m_halves`] needs no libm call.
pub fn half_lat(lat_deg: f64) -> (f64, f64) {
    (0.5 * lat_deg.to_radians()).sin_cos()
}

/// [`approx_m`] from the two positions' [`half_lat`]s: the mid-latitude's sine and cosine by the
/// angle-sum formulas, equal to rounding.
#[inline]
pub fn approx_m_halves(a: LatLon, (sa, ca): (f64, f64), b: LatLon, (sb, cb): (f64, f64)) -> Option<f64> {
    approx_m_trig(a, b, sa * cb + ca * sb, ca * cb - sa * sb)
}

/// Whether `distance_m(a, b) <= r_m`, with the same answer, mostly without the geodesic.
pub fn within_m(a: LatLon, b: LatLon, r_m: f64) -> bool {
    within_flat(a, b, r_m, || approx_m(a, b))
}

/// [`within_m`] with the flat distance from `flat` (asked only for radii it is trusted at).
#[inline]
pub fn within_flat(a: LatLon, b: LatLon, r_m: f64, flat: impl FnOnce() -> Option<f64>) -> bool {
    if r_m <= MAX_FAST_R_M
        && let Some(d) = flat()
    {
        if d < r_m * (1.0 - BAND) {
            return true;
        }
        if d > r_m * (1.0 + BAND) {
            return false;
        }
    }
    distance_m(a, b) <= r_m
}

/// Lower and upper bounds on `distance_m(a, b)` from a flat distance already taken
/// ([`approx_m`] or [`approx_m_halves`]; `None`: not trusted, then only the geodesic will do).
#[inline]
pub fn bounds_flat(flat_m: Option<f64>) -> Option<(f64, f64)> {
    let d = flat_m?;
    (d <= MAX_FAST_R_M).then_some((d * (1.0 - BAND), d * (1.0 + BAND)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_geodesic_around_macau_and_far_away() {
        let o = LatLon::new(22.15, 113.6);
        for k in 0..400 {
            let (dlat, dlon) = ((k as f64 * 0.37).sin() * 0.02, (k as f64 * 0.73).cos() * 0.02);
            let p = LatLon::new(o.lat_deg + dlat, o.lon_deg + dlon);
            let (exact, flat) = (distance_m(o, p), approx_m(o, p).unwrap());
            assert!((exact - flat).abs() <= 1e-4 * exact.max(1.0), "{exact} vs {flat}");
            for r in [100.0, 400.0, 500.0, 1_000.0, exact, 10_000.0] {
                assert_eq!(within_m(o, p, r), exact <= r, "r {r} exact {exact}");
            }
        }
        // Across the antimeridian and near a pole.
        let (a, b) = (LatLon::new(10.0, 179.999), LatLon::new(10.0, -179.999));
        assert_eq!(within_m(a, b, 500.0), distance_m(a, b) <= 500.0);
        let (a, b) = (LatLon::new(89.0, 0.0), LatLon::new(89.0, 0.01));
        assert_eq!(within_m(a, b, 500.0), distance_m(a, b) <= 500.0);
    }
}
