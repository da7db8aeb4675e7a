//! Field values shared by several radar sentences: units, references, target status.
//!
//! # References
//! IEC 61162-1 §8.3 (TTM, TLL, OSD field definitions).

use super::fields::letter;

use crate::geodesy::METRES_PER_NMI;

/// Metres in one statute mile.
pub const METRES_PER_STATUTE_MILE: f64 = 1609.344;

/// The distance/speed unit letter of TTM and OSD; one letter sets both, as the standard does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Units {
    /// `K`: kilometres and km/h.
    Kilometres,
    /// `N`: nautical miles and knots.
    NauticalMiles,
    /// `S`: statute miles and mph.
    StatuteMiles,
}

impl Units {
    /// Parse the unit letter.
    pub fn from_field(f: &[u8]) -> Option<Self> {
        match letter(f)? {
            b'K' => Some(Units::Kilometres),
            b'N' => Some(Units::NauticalMiles),
            b'S' => Some(Units::StatuteMiles),
            _ => None,
        }
    }

    /// The unit letter, for encoding.
    pub fn letter(self) -> char {
        match self {
            Units::Kilometres => 'K',
            Units::NauticalMiles => 'N',
            Units::StatuteMiles => 'S',
        }
    }

    /// Metres in one distance unit.
    ///
    /// # Units
    /// Returns metres per (km | NM | statute mile).
    pub fn metres(self) -> f64 {
        match self {
            Units::Kilometres => 1000.0,
            Units::NauticalMiles => METRES_PER_NMI,
            Units::StatuteMiles => METRES_PER_STATUTE_MILE,
        }
    }

    /// Knots in one speed unit: a unit of distance per hour, divided by a nautical mile.
    ///
    /// # Units
    /// Returns knots per (km/h | kn | mph).
    pub fn knots(self) -> f64 {
        self.metres() / METRES_PER_NMI
    }
}

/// Whether an angle is measured from true north or from own ship's heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// `T`: degrees true.
    True,
    /// `R`: degrees relative to own ship's heading (for courses, the relative-motion vector).
    Relative,
}

impl Reference {
    /// Parse the `T`/`R` letter.
    pub fn from_field(f: &[u8]) -> Option<Self> {
        match letter(f)? {
            b'T' => Some(Reference::True),
            b'R' => Some(Reference::Relative),
            _ => None,
        }
    }

    /// The letter, for encoding.
    pub fn letter(self) -> char {
        match self {
            Reference::True => 'T',
            Reference::Relative => 'R',
        }
    }
}

/// The tracking state an ARPA reports for a target; lost targets carry a stale position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetStatus {
    /// `L`: lost; the position is the last one held and must not become a detection.
    Lost,
    /// `Q`: query, the target is being acquired; the position is a real plot.
    Acquiring,
    /// `T`: tracking.
    Tracking,
}

impl TargetStatus {
    /// Parse the status letter. An empty field (NMEA 0183 v2 talkers) reads as tracking.
    pub fn from_field(f: &[u8]) -> Option<Self> {
        if f.is_empty() {
            return Some(TargetStatus::Tracking);
        }
        match letter(f)? {
            b'L' => Some(TargetStatus::Lost),
            b'Q' => Some(TargetStatus::Acquiring),
            b'T' => Some(TargetStatus::Tracking),
            _ => None,
        }
    }

    /// The letter, for encoding.
    pub fn letter(self) -> char {
        match self {
            TargetStatus::Lost => 'L',
            TargetStatus::Acquiring => 'Q',
            TargetStatus::Tracking => 'T',
        }
    }
}

/// Format a UTC time of day as `hhmmss.ss`.
pub(crate) fn format_time_of_day(out: &mut String, t_s: f64) {
    use std::fmt::Write;
    // Round first, so 59.999 s becomes the next minute rather than "60.00".
    let t = ((t_s * 100.0).round() / 100.0).rem_euclid(86_400.0);
    let h = (t / 3600.0).floor();
    let m = ((t - h * 3600.0) / 60.0).floor();
    let s = t - h * 3600.0 - m * 60.0;
    let _ = write!(out, "{:02}{:02}{:05.2}", h as u32, m as u32, s);
}

/// Append the `*hh` checksum to a sentence that starts with `$` (no line ending).
pub(crate) fn with_checksum(mut line: String) -> String {
    use std::fmt::Write;
    let sum = crate::ingest::nmea::checksum(&line.as_bytes()[1..]);
    let _ = write!(line, "*{sum:02X}");
    line
}

/// Format a latitude or longitude as `d…dmm.mmmmmm,H` with `deg_digits` degree digits.
/// Six decimals of minutes resolve 2 mm, so encoding never limits a round trip.
pub(crate) fn format_degrees_minutes(out: &mut String, value_deg: f64, deg_digits: usize, pos: char, neg: char) {
    use std::fmt::Write;
    let hemi = if value_deg < 0.0 { neg } else { pos };
    let micro_min = (value_deg.abs() * 60e6).round() as u64;
    let (deg, micro_min) = (micro_min / 60_000_000, micro_min % 60_000_000);
    let _ = write!(out, "{deg:0deg_digits$}{:02}.{:06},{hemi}", micro_min / 1_000_000, micro_min % 1_000_000);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statute_miles_and_kilometres_convert_to_metres_and_knots() {
        assert_eq!(Units::StatuteMiles.metres(), 1609.344);
        assert!((Units::Kilometres.knots() - 0.539_956_8).abs() < 1e-6);
        assert_eq!(Units::NauticalMiles.knots(), 1.0);
    }

    #[test]
    fn degrees_minutes_format_pads_and_signs() {
        let mut s = String::new();
        format_degrees_minutes(&mut s, -0.5, 3, 'E', 'W');
        assert_eq!(s, "00030.000000,W");
    }

    #[test]
    fn time_of_day_formats_with_two_decimals() {
        let mut s = String::new();
        format_time_of_day(&mut s, 45_319.25);
        assert_eq!(s, "123519.25");
    }
}
