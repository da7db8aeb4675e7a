//! `$--GGA` GNSS fix data: own position for converting range/bearing targets.
//!
//! ```text
//! $--GGA,hhmmss.ss,llll.ll,a,yyyyy.yy,a,x,xx,x.x,x.x,M,x.x,M,x.x,xxxx*hh
//!        1         2       3 4        5 6 …
//! ```
//! 1 UTC, 2–3 latitude, 4–5 longitude, 6 quality (0 = no fix); the rest (satellites, HDOP,
//! altitude, geoid, DGPS) is not needed here.
//!
//! # References
//! IEC 61162-1 §8.3.36 (GGA).

use super::error::{RadarError, SentenceKind};
use super::fields::{integer, latitude, longitude, split, time_of_day_s};
use crate::ingest::nmea::Sentence;

/// One parsed GGA sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gga {
    /// UTC time of day of the fix, seconds since midnight.
    pub utc_s: Option<f64>,
    /// Position (lat, lon degrees); `None` when quality is 0 (no fix).
    pub position: Option<(f64, f64)>,
}

const K: SentenceKind = SentenceKind::Gga;

impl Gga {
    /// Read a GGA from a framed sentence.
    ///
    /// # Errors
    /// [`RadarError::BadField`] when the quality is missing, or when the receiver claims a fix
    /// but the latitude or longitude is malformed.
    pub fn parse(s: &Sentence<'_>) -> Result<Self, RadarError> {
        let f: [&[u8]; 6] = split(s.fields());
        let quality = integer(f[5]).ok_or(RadarError::field(K, 6, "quality"))?;
        let position = if quality == 0 {
            None
        } else {
            let lat = latitude(f[1], f[2]).ok_or(RadarError::field(K, 2, "latitude"))?;
            let lon = longitude(f[3], f[4]).ok_or(RadarError::field(K, 4, "longitude"))?;
            Some((lat, lon))
        };
        Ok(Gga { utc_s: time_of_day_s(f[0]), position })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::nmea::parse_line;

    mod parse {
        use super::*;

        #[test]
        fn a_fix_gives_position_and_time() {
            let line = b"$GPGGA,104512.00,2211.4000,N,11333.0000,E,1,08,0.9,12.0,M,-3.0,M,,*44";
            let g = Gga::parse(&parse_line(line).unwrap()).unwrap();
            let (lat, lon) = g.position.unwrap();
            assert!((lat - 22.19).abs() < 1e-9 && (lon - 113.55).abs() < 1e-9);
            assert_eq!(g.utc_s, Some(38_712.0));
        }

        #[test]
        fn quality_zero_has_no_position() {
            let g = Gga::parse(&parse_line(b"$GPGGA,104512.00,,,,,0,00,,,,,,,*4B").unwrap()).unwrap();
            assert_eq!(g.position, None);
        }
    }
}
