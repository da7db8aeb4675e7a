//! Sunrise and sunset for a position and date (NOAA solar calculator equations), for the
//! night-time rules.
//!
//! # References
//! NOAA Global Monitoring Laboratory, "General Solar Position Calculations" and the NOAA solar
//! calculator spreadsheet (after Meeus, *Astronomical Algorithms*). Accurate to about a minute
//! at Macau's latitude.

/// Sun-centre zenith at sunrise/sunset: 90° plus refraction and the solar semi-diameter.
const ZENITH_DEG: f64 = 90.833;

/// Sunrise and sunset of the local solar day holding `time_s`, as epoch seconds (UTC), or `None`
/// in polar day or night.
///
/// # Units
/// `time_s`: seconds since the Unix epoch; `lat_deg`, `lon_deg`: degrees (east positive).
pub fn sunrise_sunset(time_s: f64, lat_deg: f64, lon_deg: f64) -> Option<(f64, f64)> {
    // The local solar day (midnight at lon/15 h east of Greenwich), so that both events belong
    // to the same day even where they fall on different UTC dates (Macau: sunrise ~22:30 UTC).
    let day = ((time_s + lon_deg * 240.0) / 86_400.0).floor();
    let midnight_utc_s = day * 86_400.0;
    // Evaluate the sun at local solar noon.
    let jd = 2_440_587.5 + day + 0.5 - lon_deg / 360.0;
    let jc = (jd - 2_451_545.0) / 36_525.0;
    let l0 = (280.46646 + jc * (36_000.76983 + jc * 0.000_303_2)).rem_euclid(360.0);
    let m = 357.52911 + jc * (35_999.05029 - 0.000_153_7 * jc);
    let e = 0.016_708_634 - jc * (0.000_042_037 + 0.000_000_126_7 * jc);
    let mr = m.to_radians();
    let c = mr.sin() * (1.914_602 - jc * (0.004_817 + 0.000_014 * jc))
        + (2.0 * mr).sin() * (0.019_993 - 0.000_101 * jc)
        + (3.0 * mr).sin() * 0.000_289;
    let omega = (125.04 - 1_934.136 * jc).to_radians();
    let app_long = (l0 + c - 0.00569 - 0.00478 * omega.sin()).to_radians();
    let obliq0 = 23.0 + (26.0 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60.0) / 60.0;
    let obliq = (obliq0 + 0.00256 * omega.cos()).to_radians();
    let decl = (obliq.sin() * app_long.sin()).asin();
    let y = (obliq / 2.0).tan().powi(2);
    let l0r = l0.to_radians();
    let eq_time_min = 4.0
        * (y * (2.0 * l0r).sin() - 2.0 * e * mr.sin() + 4.0 * e * y * mr.sin() * (2.0 * l0r).cos()
            - 0.5 * y * y * (4.0 * l0r).sin()
            - 1.25 * e * e * (2.0 * mr).sin())
        .to_degrees();
    let lat = lat_deg.to_radians();
    let cos_ha = ZENITH_DEG.to_radians().cos() / (lat.cos() * decl.cos()) - lat.tan() * decl.tan();
    if !(-1.0..=1.0).contains(&cos_ha) {
        return None;
    }
    let ha_deg = cos_ha.acos().to_degrees();
    let noon_min = 720.0 - 4.0 * lon_deg - eq_time_min;
    Some((midnight_utc_s + (noon_min - 4.0 * ha_deg) * 60.0, midnight_utc_s + (noon_min + 4.0 * ha_deg) * 60.0))
}

/// Whether the sun is below the horizon at `time_s` at the position (polar cases: never night).
///
/// # Units
/// As [`sunrise_sunset`].
pub fn is_night(time_s: f64, lat_deg: f64, lon_deg: f64) -> bool {
    match sunrise_sunset(time_s, lat_deg, lon_deg) {
        Some((rise, set)) => time_s < rise || time_s > set,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Macau peninsula.
    const LAT: f64 = 22.19;
    const LON: f64 = 113.54;

    fn local_hm(t: f64) -> f64 {
        ((t + 8.0 * 3600.0).rem_euclid(86_400.0)) / 3600.0
    }

    mod sunrise_sunset {
        use super::*;

        #[test]
        fn macau_midsummer_matches_published_times() {
            // 2024-06-21 12:00 local. Published (Hong Kong Observatory, shifted 2.5 min for
            // Macau's longitude): sunrise ≈ 05:41, sunset ≈ 19:13 local.
            let t = 1_718_942_400.0;
            let (rise, set) = sunrise_sunset(t, LAT, LON).unwrap();
            assert!((local_hm(rise) - (5.0 + 41.0 / 60.0)).abs() < 5.0 / 60.0, "{}", local_hm(rise));
            assert!((local_hm(set) - (19.0 + 13.0 / 60.0)).abs() < 5.0 / 60.0, "{}", local_hm(set));
        }

        #[test]
        fn macau_midwinter_matches_published_times() {
            // 2024-12-21 12:00 local: sunrise ≈ 06:59, sunset ≈ 17:45 local.
            let t = 1_734_753_600.0;
            let (rise, set) = sunrise_sunset(t, LAT, LON).unwrap();
            assert!((local_hm(rise) - (6.0 + 59.0 / 60.0)).abs() < 5.0 / 60.0, "{}", local_hm(rise));
            assert!((local_hm(set) - (17.0 + 45.0 / 60.0)).abs() < 5.0 / 60.0, "{}", local_hm(set));
        }
    }

    mod is_night {
        use super::*;

        #[test]
        fn two_in_the_morning_is_night_and_noon_is_not() {
            // The night-smuggling scenario starts 2026-03-11T18:00Z = 02:00 local.
            assert!(is_night(1_773_252_000.0, LAT, LON));
            // The quiet-day scenario starts 2026-03-10T02:00Z = 10:00 local.
            assert!(!is_night(1_773_108_000.0, LAT, LON));
        }
    }
}
