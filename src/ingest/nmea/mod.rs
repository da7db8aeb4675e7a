//! NMEA 0183 / IEC 61162-1 framing: lines in, checked [`Sentence`]s out, without allocating.
//!
//! Both AIS (`!AIVDM`, `!AIVDO`) and radar (`$RATTM`, `$RATLL`, …) arrive as NMEA sentences, often
//! prefixed by an NMEA 4.0 tag block (`\s:station,c:1700000000*hh\`) that carries the receiving
//! station and the reception time. This module splits lines, strips and parses the tag block,
//! checks the checksum and hands back borrowed views; what the fields mean is the caller's business.
//!
//! - [`parse_line`]: one line → [`Sentence`] or a cheap [`NmeaError`].
//! - [`Sentences`]: iterate a buffer of many lines (files, tests, fuzzing).
//! - [`Framer`]: streaming bytes from a socket → complete lines, with a length cap.
//!
//! # References
//! IEC 61162-1 (NMEA 0183 v4.10) §7 sentence structure and §7.9 tag blocks.

mod framer;
mod sentence;
mod tag_block;

pub use framer::Framer;
pub use sentence::{Checksum, Fields, Sentence, Sentences, parse_line};
pub use tag_block::TagBlock;

/// Longest line accepted, bytes. IEC 61162-1 caps a sentence at 82 characters, but AIS
/// receivers emit longer `!AIVDM` lines and a tag block can add ~80 more; anything past this is
/// noise or an attack on our buffers.
pub const MAX_LINE_LEN: usize = 512;

/// Why a line was not a usable sentence. Cheap to build and `Copy`, because bad lines are common
/// on real feeds and must be counted, not formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NmeaError {
    /// The line was empty or only whitespace.
    #[error("empty line")]
    Empty,
    /// No `$` or `!` start character was found.
    #[error("no sentence start ('$' or '!')")]
    NoStart,
    /// The sentence has no comma-separated address field (`$GPGGA,`…).
    #[error("malformed address field")]
    BadAddress,
    /// The `*hh` checksum did not match the XOR of the sentence body.
    #[error("checksum mismatch: sentence says {expected:02X}, body gives {computed:02X}")]
    Checksum {
        /// The checksum written in the sentence.
        expected: u8,
        /// The checksum computed over the body.
        computed: u8,
    },
    /// A `*` was present but not followed by two hex digits.
    #[error("malformed checksum field")]
    BadChecksumField,
    /// A tag block was unterminated, had a bad checksum or a malformed field.
    #[error("malformed tag block")]
    BadTagBlock,
    /// The line exceeded [`MAX_LINE_LEN`].
    #[error("line longer than {MAX_LINE_LEN} bytes")]
    TooLong,
    /// The line contained bytes outside printable ASCII.
    #[error("non-printable byte in sentence")]
    NonPrintable,
}

/// XOR of all bytes, the NMEA checksum over the text between the start character and `*`.
pub fn checksum(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |acc, b| acc ^ b)
}

/// Value of one ASCII hex digit, or `None`.
pub(crate) fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Value of a two-digit hex checksum field.
pub(crate) fn hex_byte(two: &[u8]) -> Option<u8> {
    match two {
        [h, l] => Some(hex_digit(*h)? << 4 | hex_digit(*l)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_of_a_known_sentence() {
        // !AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0*5C (gpsd test data)
        let body = b"AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0";
        assert_eq!(checksum(body), 0x5C);
    }

    #[test]
    fn hex_byte_accepts_both_cases_and_rejects_junk() {
        assert_eq!(hex_byte(b"5c"), Some(0x5C));
        assert_eq!(hex_byte(b"5C"), Some(0x5C));
        assert_eq!(hex_byte(b"5G"), None);
        assert_eq!(hex_byte(b"5"), None);
    }
}
