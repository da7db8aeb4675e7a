//! `$--OSD` own ship data: heading, course and speed as the radar itself uses them.
//!
//! ```text
//! $--OSD,x.x,A,x.x,a,x.x,a,x.x,x.x,a*hh
//!        1   2 3   4 5   6 7   8   9
//! ```
//! 1 heading true, 2 heading status A/V, 3 vessel course true, 4 course reference, 5 vessel speed,
//! 6 speed reference, 7 set, 8 drift, 9 speed units K/N/S. References: `B` bottom track,
//! `M` manual, `W` water, `R` radar tracking of a fixed target, `P` positioning system.
//!
//! # References
//! IEC 61162-1 §8.3.62 (OSD).

use super::common::Units;
use super::error::{RadarError, SentenceKind};
use super::fields::{angle_deg, letter, magnitude, split};
use crate::detection::Velocity;
use crate::ingest::nmea::Sentence;

/// One parsed OSD sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Osd {
    /// True heading, degrees; `None` when the status is not `A` (valid).
    pub heading_deg: Option<f64>,
    /// Vessel course, degrees true.
    pub course_deg: Option<f64>,
    /// Course reference letter (`B`, `M`, `W`, `R`, `P`).
    pub course_ref: Option<u8>,
    /// Vessel speed, in [`Osd::units`] per hour.
    pub speed: Option<f64>,
    /// Speed reference letter.
    pub speed_ref: Option<u8>,
    /// Speed unit.
    pub units: Option<Units>,
}

impl Osd {
    /// Read an OSD from a framed sentence.
    ///
    /// # Errors
    /// [`RadarError::BadField`] when the heading field is present, marked valid and malformed.
    /// Everything else is optional: an OSD is useful for its heading alone.
    pub fn parse(s: &Sentence<'_>) -> Result<Self, RadarError> {
        let f: [&[u8]; 9] = split(s.fields());
        let heading_deg = match letter(f[1]) {
            Some(b'A') => Some(angle_deg(f[0]).ok_or(RadarError::field(SentenceKind::Osd, 1, "heading"))?),
            _ => None,
        };
        Ok(Osd {
            heading_deg,
            course_deg: angle_deg(f[2]),
            course_ref: letter(f[3]),
            speed: magnitude(f[4]),
            speed_ref: letter(f[5]),
            units: Units::from_field(f[8]),
        })
    }

    /// Own motion over ground, when course and speed are both ground-referenced (bottom track,
    /// radar fixed-target tracking or a positioning system). Water-referenced and manual values
    /// miss the current, so they are not offered as over-ground velocity.
    pub fn ground_velocity(&self) -> Option<Velocity> {
        let ground = |r: Option<u8>| matches!(r, Some(b'B' | b'R' | b'P'));
        if !ground(self.course_ref) || !ground(self.speed_ref) {
            return None;
        }
        Some(Velocity { sog_kn: self.speed? * self.units?.knots(), cog_deg: self.course_deg? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::nmea::parse_line;

    mod parse {
        use super::*;

        #[test]
        fn valid_heading_and_bottom_tracked_motion() {
            let o = Osd::parse(&parse_line(b"$RAOSD,090.0,A,092.5,B,11.8,B,,,N*79").unwrap()).unwrap();
            assert_eq!(o.heading_deg, Some(90.0));
            assert_eq!(o.ground_velocity(), Some(Velocity { sog_kn: 11.8, cog_deg: 92.5 }));
        }

        #[test]
        fn invalid_heading_and_water_speed_are_not_used() {
            let o = Osd::parse(&parse_line(b"$RAOSD,090.0,V,092.5,W,11.8,W,,,N").unwrap()).unwrap();
            assert_eq!(o.heading_deg, None);
            assert_eq!(o.ground_velocity(), None);
        }

        #[test]
        fn malformed_valid_heading_is_an_error() {
            let e = Osd::parse(&parse_line(b"$RAOSD,east,A,,,,,,,").unwrap()).unwrap_err();
            assert!(matches!(e, RadarError::BadField { field: 1, .. }));
        }
    }
}
