//! Sunrise and sunset for a position and date (NOAA solar calculator equations), for the
//! night-time rules.
//!
//! # References
//! NOAA Global Monitoring Laboratory, "General Solar Position Calculations" and the NOAA solar
//! calculator spreadsheet (after Meeus, *Astronomical Algorithms*). Accurate to about a minute
//! at Macau's latitude.
use super::grid::floor_i64;

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

/// [`is_night`] for many positions at one time: the engine asks it for most tracks on every
/// update, and the solar equations (a dozen libm calls) cost more than the rule around them.
///
/// # Exactness
/// The answer is shared by a cell of [`SunCache::CELL_DEG`] only when the time is more than
/// [`SunCache::MARGIN_S`] from the sunrise and sunset of all four of the cell's corners (and the
/// corners fall in one local solar day): across a cell of that size sunrise and sunset move by
/// well under a minute and monotonically, so every position inside gets the same answer from
/// [`is_night`]. Near sunrise or sunset (and in polar cases) each position is computed exactly.
#[derive(Debug, Clone, Default)]
pub struct SunCache {
    time_s: f64,
    /// (cell, shared answer or `None`: compute per position).
    cells: std::cell::RefCell<Vec<((i64, i64), Option<bool>)>>,
}

impl SunCache {
    /// Side of a cell, degrees.
    pub const CELL_DEG: f64 = 0.1;
    /// Distance in time from a corner's sunrise or sunset within which positions are computed
    /// one by one, seconds.
    pub const MARGIN_S: f64 = 120.0;

    /// A cache for `time_s` (seconds since the Unix epoch).
    pub fn new(time_s: f64) -> Self {
        SunCache { time_s, cells: Default::default() }
    }

    /// Start over for `time_s` (keeps the buffer).
    pub fn reset(&mut self, time_s: f64) {
        self.time_s = time_s;
        self.cells.get_mut().clear();
    }

    /// The time it answers for.
    pub fn time_s(&self) -> f64 {
        self.time_s
    }

    /// `is_night(self.time_s(), lat_deg, lon_deg)`, the same answer.
    pub fn is_night(&self, lat_deg: f64, lon_deg: f64) -> bool {
        // The cell, without libm's `floor` (`floor_i64`); the same cells as `floor` within the
        // range (finite and below 2e9, so whole numbers are exact) and no cell outside it.
        let (y, x) = (lat_deg / Self::CELL_DEG, lon_deg / Self::CELL_DEG);
        let cell = (floor_i64(y), floor_i64(x));
        if !(y.abs() < 2e9 && x.abs() < 2e9 && cell.0.abs() < 1_000_000_000 && cell.1.abs() < 1_000_000_000) {
            return is_night(self.time_s, lat_deg, lon_deg);
        }
        let found = self.cells.borrow().iter().find(|c| c.0 == cell).map(|c| c.1);
        let shared = match found {
            Some(v) => v,
            None => {
                let v = self.shared(cell);
                self.cells.borrow_mut().push((cell, v));
                v
            }
        };
        shared.unwrap_or_else(|| is_night(self.time_s, lat_deg, lon_deg))
    }

    /// The answer every position of `cell` gets, if the time is far from its sunrises and sunsets.
    fn shared(&self, cell: (i64, i64)) -> Option<bool> {
        let t = self.time_s;
        let (mut night, mut day, mut days) = (true, true, None::<f64>);
        for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            let (lat, lon) = ((cell.0 + dy) as f64 * Self::CELL_DEG, (cell.1 + dx) as f64 * Self::CELL_DEG);
            let d = ((t + lon * 240.0) / 86_400.0).floor();
            if days.is_some_and(|e| e != d) {
                return None;
            }
            days = Some(d);
            let (rise, set) = sunrise_sunset(t, lat, lon)?;
            night &= t < rise - Self::MARGIN_S || t > set + Self::MARGIN_S;
            day &= t > rise + Self::MARGIN_S && t < set - Self::MARGIN_S;
        }
        if night {
            Some(true)
        } else if day {
            Some(false)
        } else {
            None
        }
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

    mod sun_cache {
        use super::*;

        #[test]
        fn gives_the_exact_answer_over_macau_all_day_and_around_sunset() {
            // Every 7 minutes over a day, then every 10 s across the sunset of 2026-03-11
            // (~10:25 UTC), over a grid of positions spanning several cells.
            let day0 = 1_773_187_200.0;
            let times =
                (0..206).map(|k| day0 + k as f64 * 420.0).chain((0..720).map(|k| day0 + 35_000.0 + k as f64 * 10.0));
            let mut shared = 0;
            for t in times {
                let c = SunCache::new(t);
                for i in 0..12 {
                    for j in 0..12 {
                        let (lat, lon) = (22.0 + i as f64 * 0.031, 113.45 + j as f64 * 0.029);
                        assert_eq!(c.is_night(lat, lon), is_night(t, lat, lon), "t {t} at {lat},{lon}");
                    }
                }
                shared += c.cells.borrow().iter().filter(|x| x.1.is_some()).count();
            }
            assert!(shared > 0, "the cache never shares an answer");
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
