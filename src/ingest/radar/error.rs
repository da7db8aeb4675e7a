//! Why a radar line produced no detection.

use crate::ingest::nmea::NmeaError;

/// The sentence types the radar decoder understands, named in errors and statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentenceKind {
    /// Tracked target message (range/bearing from own ship).
    Ttm,
    /// Target latitude and longitude.
    Tll,
    /// Own ship data (heading, course, speed).
    Osd,
    /// GNSS fix data (own position).
    Gga,
    /// Recommended minimum GNSS data (own position, date, course and speed).
    Rmc,
    /// True heading.
    Hdt,
}

impl std::fmt::Display for SentenceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SentenceKind::Ttm => "TTM",
            SentenceKind::Tll => "TLL",
            SentenceKind::Osd => "OSD",
            SentenceKind::Gga => "GGA",
            SentenceKind::Rmc => "RMC",
            SentenceKind::Hdt => "HDT",
        })
    }
}

/// Why a line was rejected. `Copy` and allocation-free, because a noisy serial link produces
/// many of these and they are counted, not formatted (see [`RadarStats`](super::RadarStats)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RadarError {
    /// The line failed NMEA framing: no start, bad checksum, bad tag block, too long.
    #[error("framing: {0}")]
    Framing(#[from] NmeaError),
    /// The sentence had no checksum and [`RadarConfig::require_checksum`](super::RadarConfig) is set.
    #[error("sentence has no checksum and one is required")]
    MissingChecksum,
    /// A required field was empty or malformed; `field` is its 1-based IEC 61162-1 number.
    #[error("{sentence} field {field} ({name}) is missing or malformed")]
    BadField {
        /// Which sentence.
        sentence: SentenceKind,
        /// 1-based field number after the address.
        field: u8,
        /// The field's name in the standard.
        name: &'static str,
    },
    /// A bearing was relative to the heading, but no heading is known (no HDT/OSD yet, or stale).
    #[error("{sentence} bearing is relative but own heading is unknown")]
    NoHeading {
        /// Which sentence.
        sentence: SentenceKind,
    },
    /// An own-ship sentence reported that it has no valid fix (RMC status V, GGA quality 0,
    /// OSD heading status V); the own position or heading it would have set is now unknown.
    #[error("{sentence} reports no valid own-ship fix")]
    NoOwnFix {
        /// Which sentence.
        sentence: SentenceKind,
    },
    /// The sentence formatter is not one this decoder handles.
    #[error("unsupported sentence formatter {}", String::from_utf8_lossy(.0))]
    Unsupported([u8; 3]),
}

impl RadarError {
    pub(crate) fn field(sentence: SentenceKind, field: u8, name: &'static str) -> Self {
        RadarError::BadField { sentence, field, name }
    }
}
