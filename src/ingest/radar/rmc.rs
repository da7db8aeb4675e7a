//! `$--RMC` recommended minimum GNSS data: own position, motion and, uniquely, the date.
//!
//! ```text
//! $--RMC,hhmmss.ss,A,llll.ll,a,yyyyy.yy,a,x.x,x.x,ddmmyy,x.x,a,a,a*hh
//!        1         2 3       4 5        6 7   8   9
//! ```
//! 1 UTC, 2 status A/V, 3–4 latitude, 5–6 longitude, 7 SOG knots, 8 COG true, 9 date; then
//! magnetic variation, mode and (NMEA 4.1) navigational status. The date is what lets a TTM's
//! bare time of day become an epoch time.
//!
//! # References
//! IEC 61162-1 §8.3.77 (RMC).

use super::error::{RadarError, SentenceKind};
use super::fields::{angle_deg, date_days, latitude, letter, longitude, magnitude, split, time_of_day_s};
use crate::detection::Velocity;
use crate::ingest::nmea::Sentence;

/// One parsed RMC sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rmc {
    /// UTC time of day, seconds since midnight.
    pub utc_s: Option<f64>,
    /// Date, days since 1970-01-01.
    pub date_days: Option<i64>,
    /// Position (lat, lon degrees); `None` unless the status is `A` (valid).
    pub position: Option<(f64, f64)>,
    /// Motion over ground; `None` unless valid and both SOG and COG are given.
    pub velocity: Option<Velocity>,
}

const K: SentenceKind = SentenceKind::Rmc;

impl Rmc {
    /// Read an RMC from a framed sentence.
    ///
    /// # Errors
    /// [`RadarError::BadField`] when the status is missing, or when it is `A` and the latitude or
    /// longitude is malformed.
    pub fn parse(s: &Sentence<'_>) -> Result<Self, RadarError> {
        let f: [&[u8]; 9] = split(s.fields());
        let valid = match letter(f[1]) {
            Some(b'A') => true,
            Some(b'V') => false,
            _ => return Err(RadarError::field(K, 2, "status")),
        };
        let (position, velocity) = if valid {
            let lat = latitude(f[2], f[3]).ok_or(RadarError::field(K, 3, "latitude"))?;
            let lon = longitude(f[4], f[5]).ok_or(RadarError::field(K, 5, "longitude"))?;
            let velocity = match (magnitude(f[6]), angle_deg(f[7])) {
                (Some(sog_kn), Some(cog_deg)) => Some(Velocity { sog_kn, cog_deg }),
                _ => None,
            };
            (Some((lat, lon)), velocity)
        } else {
            (None, None)
        };
        Ok(Rmc { utc_s: time_of_day_s(f[0]), date_days: date_days(f[8]), position, velocity })
    }

    /// The fix time as seconds since the Unix epoch, when both time and date are present.
    pub fn unix_time_s(&self) -> Option<f64> {
        Some(self.date_days? as f64 * 86_400.0 + self.utc_s?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::nmea::parse_line;

    mod parse {
        use super::*;

        #[test]
        fn valid_fix_with_date() {
            let line = b"$GPRMC,104512.00,A,2211.4000,N,11333.0000,E,11.8,092.5,141123,,,A*68";
            let r = Rmc::parse(&parse_line(line).unwrap()).unwrap();
            assert!(r.position.is_some());
            assert_eq!(r.velocity, Some(Velocity { sog_kn: 11.8, cog_deg: 92.5 }));
            // 2023-11-14T10:45:12Z
            assert_eq!(r.unix_time_s(), Some(1_699_958_712.0));
        }

        #[test]
        fn void_fix_keeps_the_date_but_no_position() {
            let r = Rmc::parse(&parse_line(b"$GPRMC,104512.00,V,,,,,,,141123,,,N*7A").unwrap()).unwrap();
            assert_eq!((r.position, r.velocity), (None, None));
            assert_eq!(r.date_days, Some(19_675));
        }

        #[test]
        fn missing_status_is_an_error() {
            let e = Rmc::parse(&parse_line(b"$GPRMC,104512.00,,,,,,,,141123").unwrap()).unwrap_err();
            assert!(matches!(e, RadarError::BadField { field: 2, .. }));
        }
    }
}
