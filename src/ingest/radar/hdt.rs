//! `$--HDT` true heading: turns relative bearings (`R`) into true ones.
//!
//! ```text
//! $--HDT,x.x,T*hh
//! ```
//!
//! # References
//! IEC 61162-1 §8.3.44 (HDT).

use super::error::{RadarError, SentenceKind};
use super::fields::{angle_deg, split};
use crate::ingest::nmea::Sentence;

/// One parsed HDT sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hdt {
    /// True heading, degrees.
    pub heading_deg: f64,
}

impl Hdt {
    /// Read an HDT from a framed sentence.
    ///
    /// # Errors
    /// [`RadarError::BadField`] when the heading is missing or malformed, or not marked `T`.
    pub fn parse(s: &Sentence<'_>) -> Result<Self, RadarError> {
        let f: [&[u8]; 2] = split(s.fields());
        let heading_deg = angle_deg(f[0]).ok_or(RadarError::field(SentenceKind::Hdt, 1, "heading"))?;
        if f[1] != b"T" {
            return Err(RadarError::field(SentenceKind::Hdt, 2, "true indicator"));
        }
        Ok(Hdt { heading_deg })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::nmea::parse_line;

    mod parse {
        use super::*;

        #[test]
        fn gyro_heading() {
            let h = Hdt::parse(&parse_line(b"$HEHDT,090.0,T*26").unwrap()).unwrap();
            assert_eq!(h.heading_deg, 90.0);
        }

        #[test]
        fn empty_heading_is_an_error() {
            assert!(Hdt::parse(&parse_line(b"$HEHDT,,T").unwrap()).is_err());
        }
    }
}
