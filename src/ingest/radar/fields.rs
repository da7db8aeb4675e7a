//! Small, allocation-free parsers for the NMEA field types the radar sentences use.
//!
//! Each returns `None` for an empty or malformed field; the sentence parser decides whether the
//! field was optional and, if not, names it in the error.
//!
//! # References
//! IEC 61162-1 §7.3 (field types: `x.x`, `llll.ll`, `hhmmss.ss`, `ddmmyy`).

/// Split a sentence's fields into a fixed array, so parsers index fields by their IEC 61162-1
/// number without allocating. Missing trailing fields are empty (older talkers send fewer);
/// extra fields are ignored (newer revisions append).
pub(crate) fn split<'a, const N: usize>(fields: impl Iterator<Item = &'a [u8]>) -> [&'a [u8]; N] {
    let mut out: [&[u8]; N] = [&[]; N];
    for (slot, f) in out.iter_mut().zip(fields) {
        *slot = f;
    }
    out
}

/// A finite decimal number (`x.x`), or `None`. Rust's float parser accepts `inf` and `NaN`,
/// which no talker sends and no caller should see.
pub(crate) fn number(f: &[u8]) -> Option<f64> {
    if f.is_empty() || !f.iter().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+')) {
        return None;
    }
    let v: f64 = std::str::from_utf8(f).ok()?.parse().ok()?;
    v.is_finite().then_some(v)
}

/// A non-negative integer with at most 9 digits (target numbers, fix quality).
pub(crate) fn integer(f: &[u8]) -> Option<u32> {
    if f.is_empty() || f.len() > 9 {
        return None;
    }
    f.iter().try_fold(0u32, |acc, d| d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0')))
}

/// The single character of a one-letter field (`T`, `A`, `N`…), or `None` if empty or longer.
pub(crate) fn letter(f: &[u8]) -> Option<u8> {
    match f {
        [c] => Some(*c),
        _ => None,
    }
}

/// A bearing or course in degrees, accepted in `[0, 360]` and normalised to `[0, 360)`.
pub(crate) fn angle_deg(f: &[u8]) -> Option<f64> {
    number(f).filter(|v| (0.0..=360.0).contains(v)).map(|v| v % 360.0)
}

/// A non-negative quantity (distance, speed).
pub(crate) fn magnitude(f: &[u8]) -> Option<f64> {
    number(f).filter(|v| *v >= 0.0)
}

/// Latitude from `ddmm.mm` and hemisphere `N`/`S`, degrees north.
pub(crate) fn latitude(value: &[u8], hemisphere: &[u8]) -> Option<f64> {
    let deg = degrees_minutes(value, 2)?;
    if deg > 90.0 {
        return None;
    }
    match letter(hemisphere)? {
        b'N' => Some(deg),
        b'S' => Some(-deg),
        _ => None,
    }
}

/// Longitude from `dddmm.mm` and hemisphere `E`/`W`, degrees east.
pub(crate) fn longitude(value: &[u8], hemisphere: &[u8]) -> Option<f64> {
    let deg = degrees_minutes(value, 3)?;
    if deg > 180.0 {
        return None;
    }
    match letter(hemisphere)? {
        b'E' => Some(deg),
        b'W' => Some(-deg),
        _ => None,
    }
}

/// `d…dmm.mm` with exactly `deg_digits` degree digits before the two minute digits.
fn degrees_minutes(f: &[u8], deg_digits: usize) -> Option<f64> {
    let dot = f.iter().position(|b| *b == b'.').unwrap_or(f.len());
    if dot != deg_digits + 2 || !f.iter().all(|b| b.is_ascii_digit() || *b == b'.') {
        return None;
    }
    let deg = f64::from(integer(&f[..deg_digits])?);
    let min = number(&f[deg_digits..])?;
    (min < 60.0).then(|| deg + min / 60.0)
}

/// UTC time of day from `hhmmss` or `hhmmss.ss`, seconds since midnight.
pub(crate) fn time_of_day_s(f: &[u8]) -> Option<f64> {
    if f.len() < 6 || !f[..6].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let h = integer(&f[0..2])?;
    let m = integer(&f[2..4])?;
    let s = number(&f[4..])?;
    // 60 s is allowed for a leap second.
    (h < 24 && m < 60 && (0.0..61.0).contains(&s)).then(|| f64::from(h * 3600 + m * 60) + s)
}

/// Date from `ddmmyy`, days since 1970-01-01. Two-digit years are read in the window 1980–2079,
/// which covers every NMEA talker still in service.
pub(crate) fn date_days(f: &[u8]) -> Option<i64> {
    if f.len() != 6 || !f.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let d = i64::from(integer(&f[0..2])?);
    let m = i64::from(integer(&f[2..4])?);
    let yy = i64::from(integer(&f[4..6])?);
    let y = if yy < 80 { 2000 + yy } else { 1900 + yy };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_len = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 || d > month_len[(m - 1) as usize] {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
///
/// # References
/// H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", `days_from_civil`.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    mod number {
        use super::*;

        #[test]
        fn decimals_and_signs_parse() {
            assert_eq!(number(b"12.5"), Some(12.5));
            assert_eq!(number(b"-0.25"), Some(-0.25));
        }

        #[test]
        fn words_that_rust_would_accept_are_rejected() {
            assert_eq!(number(b"inf"), None);
            assert_eq!(number(b"NaN"), None);
            assert_eq!(number(b"1e5"), None);
            assert_eq!(number(b""), None);
        }
    }

    mod latitude {
        use super::*;

        #[test]
        fn macau_north() {
            let lat = latitude(b"2211.4000", b"N").unwrap();
            assert!((lat - 22.19).abs() < 1e-9);
        }

        #[test]
        fn south_is_negative_and_bad_minutes_are_rejected() {
            assert!(latitude(b"3351.0000", b"S").unwrap() < 0.0);
            assert_eq!(latitude(b"2261.0000", b"N"), None);
            assert_eq!(latitude(b"221.4000", b"N"), None);
            assert_eq!(latitude(b"2211.4000", b"E"), None);
        }
    }

    mod longitude {
        use super::*;

        #[test]
        fn macau_east() {
            let lon = longitude(b"11333.0000", b"E").unwrap();
            assert!((lon - 113.55).abs() < 1e-9);
        }

        #[test]
        fn west_is_negative() {
            assert!(longitude(b"00010.0000", b"W").unwrap() < 0.0);
        }
    }

    mod time_of_day_s {
        use super::*;

        #[test]
        fn with_and_without_fraction() {
            assert_eq!(time_of_day_s(b"123519"), Some(45_319.0));
            assert_eq!(time_of_day_s(b"000001.50"), Some(1.5));
        }

        #[test]
        fn out_of_range_is_rejected() {
            assert_eq!(time_of_day_s(b"246000"), None);
            assert_eq!(time_of_day_s(b"12:35"), None);
        }
    }

    mod date_days {
        use super::*;

        #[test]
        fn epoch_and_a_known_day() {
            assert_eq!(date_days(b"010170"), Some(36_525)); // 2070-01-01 in the window
            assert_eq!(date_days(b"010180"), Some(3_652)); // 1980-01-01
            assert_eq!(date_days(b"141123"), Some(19_675)); // 2023-11-14
        }

        #[test]
        fn impossible_dates_are_rejected() {
            assert_eq!(date_days(b"300223"), None);
            assert_eq!(date_days(b"291324"), None);
            assert_eq!(date_days(b"290224"), Some(19_782)); // 2024 is a leap year
        }
    }
}
