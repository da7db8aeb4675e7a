//! Parse the times people type for `--from`/`--to`: RFC 3339 UTC or with an offset
//! (`2026-12-01T15:00:00Z`, `2026-12-01T23:00:00.5+08:00`) or Unix epoch seconds (`1764601200.5`).

/// Milliseconds since the Unix epoch for `s`, or a message saying what was expected.
pub fn parse_time_ms(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<f64>() {
        if !secs.is_finite() || secs.abs() > 1e14 {
            return Err(format!("{s:?}: epoch seconds out of range"));
        }
        return Ok((secs * 1000.0).round() as i64);
    }
    rfc3339(s).ok_or_else(|| format!("{s:?}: expected RFC 3339 (2026-12-01T15:00:00Z) or epoch seconds"))
}

fn num(s: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|v| range.contains(v))
}

fn rfc3339(s: &str) -> Option<i64> {
    let (date, rest) = s.split_once(['T', 't', ' '])?;
    let mut d = date.split('-');
    let (y, m, day) = (num(d.next()?, 0..=9999)?, num(d.next()?, 1..=12)?, num(d.next()?, 1..=31)?);
    if d.next().is_some() {
        return None;
    }
    let (clock, offset_min) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else {
        let at = rest.rfind(['+', '-'])?;
        let (c, off) = rest.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off[1..].split_once(':')?;
        (c, sign * (num(oh, 0..=23)? * 60 + num(om, 0..=59)?))
    };
    let mut t = clock.split(':');
    let (h, mi, sec) = (num(t.next()?, 0..=23)?, num(t.next()?, 0..=59)?, t.next()?);
    if t.next().is_some() {
        return None;
    }
    let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
    let whole = num(whole, 0..=60)?;
    let frac_ms = if frac.is_empty() {
        0
    } else {
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits: String = frac.chars().chain("000".chars()).take(3).collect();
        digits.parse::<i64>().ok()?
    };
    let days = days_from_civil(y, m, day);
    Some(((days * 86_400 + h * 3_600 + mi * 60 + whole - offset_min * 60) * 1000) + frac_ms)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
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

    #[test]
    fn rfc3339_utc_and_offsets() {
        assert_eq!(parse_time_ms("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_time_ms("2026-12-01T15:00:00Z"), Ok(1_796_137_200_000));
        assert_eq!(parse_time_ms("2026-12-01T23:00:00.25+08:00"), Ok(1_796_137_200_250));
        assert_eq!(parse_time_ms("2000-03-01T00:00:00Z"), Ok(951_868_800_000));
    }

    #[test]
    fn epoch_seconds() {
        assert_eq!(parse_time_ms("1796137200.5"), Ok(1_796_137_200_500));
    }

    #[test]
    fn garbage_is_an_error() {
        for s in ["yesterday", "2026-13-01T00:00:00Z", "2026-12-01T25:00:00Z", "2026-12-01", "NaN"] {
            assert!(parse_time_ms(s).is_err(), "{s}");
        }
    }
}
