//! `$--TTM` tracked target message: an ARPA target as range and bearing from own ship.
//!
//! ```text
//! $--TTM,xx,x.x,x.x,a,x.x,x.x,a,x.x,x.x,a,c--c,a,a,hhmmss.ss,a*hh
//!        1  2   3   4 5   6   7 8   9   10 11  12 13 14       15
//! ```
//! 1 target number, 2 distance, 3 bearing, 4 bearing T/R, 5 speed, 6 course, 7 course T/R,
//! 8 CPA distance, 9 TCPA (minutes, negative = past), 10 units K/N/S, 11 name, 12 status L/Q/T,
//! 13 reference target `R`, 14 UTC of data, 15 acquisition A/M. Talkers before NMEA 3.0 stop
//! after field 13; the missing fields read as empty.
//!
//! # References
//! IEC 61162-1 §8.3.91 (TTM); NMEA 0183 v4.10.

use super::common::{Reference, TargetStatus, Units, format_time_of_day, with_checksum};
use super::error::{RadarError, SentenceKind};
use super::fields::{angle_deg, integer, letter, magnitude, number, split, time_of_day_s};
use crate::ingest::nmea::Sentence;

/// How the ARPA acquired the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acquisition {
    /// `A`: automatic acquisition.
    Automatic,
    /// `M`: manual acquisition by the operator.
    Manual,
}

/// One parsed TTM sentence, in the talker's units (see [`Ttm::range_m`] and friends for SI).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ttm<'a> {
    /// ARPA target number (00–99, or up to 999 on newer radars).
    pub target_number: u32,
    /// Distance from own ship, in [`Ttm::units`].
    pub distance: f64,
    /// Bearing from own ship, degrees.
    pub bearing_deg: f64,
    /// Whether [`Ttm::bearing_deg`] is true or relative to own heading.
    pub bearing_ref: Reference,
    /// Target speed, in [`Ttm::units`] per hour.
    pub speed: Option<f64>,
    /// Target course, degrees.
    pub course_deg: Option<f64>,
    /// Whether the speed/course vector is true or relative motion.
    pub course_ref: Option<Reference>,
    /// Distance of the closest point of approach, in [`Ttm::units`].
    pub cpa: Option<f64>,
    /// Time to CPA, minutes; negative once the CPA has passed.
    pub tcpa_min: Option<f64>,
    /// Unit of distance and speed.
    pub units: Units,
    /// Target label, if the operator set one.
    pub name: Option<&'a str>,
    /// Tracking status.
    pub status: TargetStatus,
    /// True when the ARPA uses this target as its fixed reference (for ground stabilisation).
    pub reference_target: bool,
    /// UTC time of day of the data, seconds since midnight.
    pub utc_s: Option<f64>,
    /// Acquisition type.
    pub acquisition: Option<Acquisition>,
}

const K: SentenceKind = SentenceKind::Ttm;

impl<'a> Ttm<'a> {
    /// Read a TTM from a framed sentence (whose formatter the caller has checked).
    ///
    /// # Errors
    /// [`RadarError::BadField`] naming the first required field that is missing or malformed:
    /// target number, distance, bearing and its reference, units, status. Optional fields
    /// (speed, course, CPA, TCPA, time, acquisition) read as `None` when malformed.
    pub fn parse(s: &Sentence<'a>) -> Result<Self, RadarError> {
        let f: [&'a [u8]; 15] = split(s.fields());
        let target_number = integer(f[0]).ok_or(RadarError::field(K, 1, "target number"))?;
        let distance = magnitude(f[1]).ok_or(RadarError::field(K, 2, "target distance"))?;
        let bearing_deg = angle_deg(f[2]).ok_or(RadarError::field(K, 3, "bearing"))?;
        let bearing_ref = Reference::from_field(f[3]).ok_or(RadarError::field(K, 4, "bearing T/R"))?;
        let units = Units::from_field(f[9]).ok_or(RadarError::field(K, 10, "units"))?;
        let status = TargetStatus::from_field(f[11]).ok_or(RadarError::field(K, 12, "status"))?;
        Ok(Ttm {
            target_number,
            distance,
            bearing_deg,
            bearing_ref,
            speed: magnitude(f[4]),
            course_deg: angle_deg(f[5]),
            course_ref: Reference::from_field(f[6]),
            cpa: magnitude(f[7]),
            tcpa_min: number(f[8]),
            units,
            name: text(f[10]),
            status,
            reference_target: letter(f[12]) == Some(b'R'),
            utc_s: time_of_day_s(f[13]),
            acquisition: match letter(f[14]) {
                Some(b'A') => Some(Acquisition::Automatic),
                Some(b'M') => Some(Acquisition::Manual),
                _ => None,
            },
        })
    }

    /// Range from own ship.
    ///
    /// # Units
    /// Metres.
    pub fn range_m(&self) -> f64 {
        self.distance * self.units.metres()
    }

    /// Target speed (true or relative, per [`Ttm::course_ref`]).
    ///
    /// # Units
    /// Knots.
    pub fn speed_kn(&self) -> Option<f64> {
        self.speed.map(|v| v * self.units.knots())
    }

    /// Encode as a checksummed sentence without line ending, for simulators and round-trip tests.
    /// Numbers are written in Rust's shortest exact form, so decoding gives back the same values.
    pub fn to_sentence(&self, talker: &str) -> String {
        use std::fmt::Write;
        let mut s = format!(
            "${talker}TTM,{:02},{},{},{},",
            self.target_number,
            self.distance,
            self.bearing_deg,
            self.bearing_ref.letter()
        );
        let opt = |s: &mut String, v: Option<f64>| {
            if let Some(v) = v {
                let _ = write!(s, "{v}");
            }
        };
        opt(&mut s, self.speed);
        s.push(',');
        opt(&mut s, self.course_deg);
        s.push(',');
        if let Some(r) = self.course_ref {
            s.push(r.letter());
        }
        s.push(',');
        opt(&mut s, self.cpa);
        s.push(',');
        opt(&mut s, self.tcpa_min);
        let _ = write!(s, ",{},{},{},", self.units.letter(), self.name.unwrap_or(""), self.status.letter());
        if self.reference_target {
            s.push('R');
        }
        s.push(',');
        if let Some(t) = self.utc_s {
            format_time_of_day(&mut s, t);
        }
        s.push(',');
        match self.acquisition {
            Some(Acquisition::Automatic) => s.push('A'),
            Some(Acquisition::Manual) => s.push('M'),
            None => {}
        }
        with_checksum(s)
    }
}

/// A free-text field as `&str`, `None` when empty. Framing guarantees printable ASCII.
pub(crate) fn text(f: &[u8]) -> Option<&str> {
    std::str::from_utf8(f).ok().map(str::trim).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::nmea::parse_line;

    fn ttm(line: &[u8]) -> Result<Ttm<'_>, RadarError> {
        Ttm::parse(&parse_line(line).unwrap())
    }

    mod parse {
        use super::*;

        #[test]
        fn full_nmea4_sentence() {
            let t = ttm(b"$RATTM,07,2.35,045.3,T,12.4,271.0,T,0.52,-3.4,N,PILOT,T,,104512.50,A*50").unwrap();
            assert_eq!(t.target_number, 7);
            assert!((t.range_m() - 4352.2).abs() < 1e-6);
            assert_eq!(t.bearing_deg, 45.3);
            assert_eq!(t.bearing_ref, Reference::True);
            assert_eq!(t.speed_kn(), Some(12.4));
            assert_eq!(t.course_deg, Some(271.0));
            assert_eq!(t.tcpa_min, Some(-3.4));
            assert_eq!(t.name, Some("PILOT"));
            assert_eq!(t.status, TargetStatus::Tracking);
            assert_eq!(t.utc_s, Some(38_712.5));
            assert_eq!(t.acquisition, Some(Acquisition::Automatic));
        }

        #[test]
        fn nmea2_sentence_without_time_and_acquisition() {
            let t = ttm(b"$RATTM,11,1.2,310.0,R,5.0,90.0,R,0.1,5.0,K,,Q,R*03").unwrap();
            assert_eq!(t.bearing_ref, Reference::Relative);
            assert_eq!(t.range_m(), 1200.0);
            assert!((t.speed_kn().unwrap() - 2.699_784).abs() < 1e-6);
            assert_eq!(t.status, TargetStatus::Acquiring);
            assert!(t.reference_target);
            assert_eq!((t.utc_s, t.acquisition, t.name), (None, None, None));
        }

        #[test]
        fn missing_distance_names_field_2() {
            let e = ttm(b"$RATTM,07,,045.3,T,12.4,271.0,T,0.52,-3.4,N,,T,,,A").unwrap_err();
            assert_eq!(e, RadarError::BadField { sentence: SentenceKind::Ttm, field: 2, name: "target distance" });
        }

        #[test]
        fn bearing_over_360_and_unknown_units_are_rejected() {
            assert!(matches!(ttm(b"$RATTM,07,1,361,T,,,,,,N,,T,,,"), Err(RadarError::BadField { field: 3, .. })));
            assert!(matches!(ttm(b"$RATTM,07,1,36,T,,,,,,X,,T,,,"), Err(RadarError::BadField { field: 10, .. })));
        }

        #[test]
        fn bad_optional_fields_read_as_none() {
            let t = ttm(b"$RATTM,07,1,36,T,fast,,,,,N,,L,,99,").unwrap();
            assert_eq!((t.speed, t.utc_s), (None, None));
            assert_eq!(t.status, TargetStatus::Lost);
        }
    }

    mod to_sentence {
        use super::*;

        #[test]
        fn encodes_what_parse_reads() {
            let line = b"$RATTM,07,2.35,45.3,T,12.4,271,T,0.52,-3.4,N,PILOT,T,,104512.50,A*7E";
            let t = ttm(line).unwrap();
            assert_eq!(t.to_sentence("RA").as_bytes(), &line[..]);
        }
    }
}
