//! Radar target sentences → [`Detection`](crate::Detection)s.
//!
//! An ARPA radar reports the targets it tracks as NMEA sentences: `TTM` gives range and bearing
//! from own ship, `TLL` an absolute position. Turning a range and bearing into a position needs
//! the radar's own position and, for relative bearings, its heading: a shore radar has a
//! surveyed mast ([`RadarConfig::fixed_position`]), a ship-borne one learns them from `GGA`,
//! `RMC`, `HDT` and `OSD` on the same feed. [`RadarDecoder`] keeps that own-ship state and turns
//! each target sentence into a detection whose covariance has the radar's long, thin error shape
//! ([`polar_covariance_en`]).
//!
//! In the data flow this sits beside `ais`: bytes from a [`source`](super::source) are framed by
//! [`nmea`](super::nmea), decoded here, and the detections go to the tracker.
//!
//! The sentence parsers are our own small field parsers rather than the `nmea` crate: they
//! borrow from the line, allocate nothing and cover TLL, which that crate lacks.
//!
//! # References
//! IEC 61162-1 (NMEA 0183 v4.10) §8.3: TTM, TLL, OSD, GGA, RMC, HDT.

mod common;
mod config;
mod decoder;
mod error;
mod fields;
mod gga;
mod hdt;
mod osd;
mod own_ship;
mod polar;
mod rmc;
mod tll;
mod ttm;

/// Unit letters, angle references and target status shared by TTM, TLL and OSD.
pub use common::{METRES_PER_STATUTE_MILE, Reference, TargetStatus, Units};
/// Per-radar settings: name, accuracy, fixed mast position.
pub use config::RadarConfig;
/// The stateful decoder and its outcome counters.
pub use decoder::{RadarDecoder, RadarStats};
/// Why a line gave no detection, and which sentence it was.
pub use error::{RadarError, SentenceKind};
/// `GGA`: own GNSS position.
pub use gga::Gga;
/// `HDT`: true heading.
pub use hdt::Hdt;
/// `OSD`: own ship heading, course and speed.
pub use osd::Osd;
/// Own-ship state as the decoder last saw it.
pub use own_ship::OwnShip;
/// Range/bearing error → east/north covariance.
pub use polar::polar_covariance_en;
/// `RMC`: own position, motion and date.
pub use rmc::Rmc;
/// `TLL`: target latitude/longitude.
pub use tll::Tll;
/// `TTM`: tracked target range/bearing.
pub use ttm::{Acquisition, Ttm};
