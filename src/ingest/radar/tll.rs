//! `$--TLL` target latitude and longitude: an ARPA target as an absolute position.
//!
//! ```text
//! $--TLL,xx,llll.ll,a,yyyyy.yy,a,c--c,hhmmss.ss,a,a*hh
//!        1  2       3 4        5 6    7         8 9
//! ```
//! 1 target number, 2–3 latitude N/S, 4–5 longitude E/W, 6 name, 7 UTC of data,
//! 8 status L/Q/T, 9 reference target `R`. The `nmea` crate has no TLL, so this is our own.
//!
//! # References
//! IEC 61162-1 §8.3.90 (TLL); NMEA 0183 v4.10.

use super::common::{TargetStatus, format_degrees_minutes, format_time_of_day, with_checksum};
use super::error::{RadarError, SentenceKind};
use super::fields::{integer, latitude, letter, longitude, split, time_of_day_s};
use super::ttm::text;
use crate::ingest::nmea::Sentence;

/// One parsed TLL sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tll<'a> {
    /// ARPA target number.
    pub target_number: u32,
    /// Target latitude, degrees north.
    pub lat_deg: f64,
    /// Target longitude, degrees east.
    pub lon_deg: f64,
    /// Target label, if any.
    pub name: Option<&'a str>,
    /// UTC time of day of the data, seconds since midnight.
    pub utc_s: Option<f64>,
    /// Tracking status.
    pub status: TargetStatus,
    /// True when this is the ARPA's fixed reference target.
    pub reference_target: bool,
}

const K: SentenceKind = SentenceKind::Tll;

impl<'a> Tll<'a> {
    /// Read a TLL from a framed sentence.
    ///
    /// # Errors
    /// [`RadarError::BadField`] for a missing or malformed target number, latitude, longitude or
    /// status; a malformed time reads as `None`.
    pub fn parse(s: &Sentence<'a>) -> Result<Self, RadarError> {
        let f: [&'a [u8]; 9] = split(s.fields());
        Ok(Tll {
            target_number: integer(f[0]).ok_or(RadarError::field(K, 1, "target number"))?,
            lat_deg: latitude(f[1], f[2]).ok_or(RadarError::field(K, 2, "latitude"))?,
            lon_deg: longitude(f[3], f[4]).ok_or(RadarError::field(K, 4, "longitude"))?,
            name: text(f[5]),
            utc_s: time_of_day_s(f[6]),
            status: TargetStatus::from_field(f[7]).ok_or(RadarError::field(K, 8, "status"))?,
            reference_target: letter(f[8]) == Some(b'R'),
        })
    }

    /// Encode as a checksummed sentence without line ending (simulators, round-trip tests).
    pub fn to_sentence(&self, talker: &str) -> String {
        use std::fmt::Write;
        let mut s = format!("${talker}TLL,{:02},", self.target_number);
        format_degrees_minutes(&mut s, self.lat_deg, 2, 'N', 'S');
        s.push(',');
        format_degrees_minutes(&mut s, self.lon_deg, 3, 'E', 'W');
        let _ = write!(s, ",{},", self.name.unwrap_or(""));
        if let Some(t) = self.utc_s {
            format_time_of_day(&mut s, t);
        }
        let _ = write!(s, ",{},{}", self.status.letter(), if self.reference_target { "R" } else { "" });
        with_checksum(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::nmea::parse_line;

    fn tll(line: &[u8]) -> Result<Tll<'_>, RadarError> {
        Tll::parse(&parse_line(line).unwrap())
    }

    mod parse {
        use super::*;

        #[test]
        fn a_tracked_ferry_off_macau() {
            let t = tll(b"$RATLL,03,2211.4000,N,11333.0000,E,FERRY,104512.50,T,*72").unwrap();
            assert_eq!(t.target_number, 3);
            assert!((t.lat_deg - 22.19).abs() < 1e-9);
            assert!((t.lon_deg - 113.55).abs() < 1e-9);
            assert_eq!(t.name, Some("FERRY"));
            assert_eq!(t.utc_s, Some(38_712.5));
            assert_eq!(t.status, TargetStatus::Tracking);
            assert!(!t.reference_target);
        }

        #[test]
        fn southern_western_lost_reference_target() {
            let t = tll(b"$RATLL,04,2211.4000,S,11333.0000,W,,,L,R*42").unwrap();
            assert!(t.lat_deg < 0.0 && t.lon_deg < 0.0);
            assert_eq!(t.status, TargetStatus::Lost);
            assert!(t.reference_target);
            assert_eq!((t.name, t.utc_s), (None, None));
        }

        #[test]
        fn missing_longitude_names_field_4() {
            let e = tll(b"$RATLL,04,2211.4000,N,,,,,T,").unwrap_err();
            assert_eq!(e, RadarError::BadField { sentence: SentenceKind::Tll, field: 4, name: "longitude" });
        }
    }

    mod to_sentence {
        use super::*;

        #[test]
        fn round_trips_position_to_a_millimetre() {
            let t = Tll {
                target_number: 12,
                lat_deg: 22.123_456_7,
                lon_deg: -113.571_234_5,
                name: Some("X"),
                utc_s: Some(3_600.0),
                status: TargetStatus::Acquiring,
                reference_target: false,
            };
            let line = t.to_sentence("RA");
            let back = tll(line.as_bytes()).unwrap();
            assert!((back.lat_deg - t.lat_deg).abs() < 2e-8, "{line}");
            assert!((back.lon_deg - t.lon_deg).abs() < 2e-8, "{line}");
            assert_eq!((back.name, back.utc_s, back.status), (t.name, t.utc_s, t.status));
        }
    }
}
