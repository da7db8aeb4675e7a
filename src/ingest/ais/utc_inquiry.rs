//! Message 10: UTC and date inquiry.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.9, Table 60.

use super::{AisError, BitReader, Header, check_permissive};

/// A station asking another for UTC and date (answered by message 11).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UtcInquiry {
    /// Type 10, repeat, MMSI.
    pub header: Header,
    /// Station asked.
    pub dest_mmsi: u32,
}

impl UtcInquiry {
    /// Decode.
    ///
    /// # Errors
    /// [`AisError::TooShort`] under 72 bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        check_permissive(r, header, 72)?;
        Ok(UtcInquiry { header, dest_mmsi: r.u32(40, 30) })
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::decode;

    mod decode {
        use super::*;

        #[test]
        fn reads_the_addressee() {
            let Message::UtcInquiry(u) = decode(&["!AIVDM,1,1,,B,:5MlU41GMK6@,0*6C"]) else { panic!() };
            assert_eq!((u.header.msg_type, u.header.mmsi, u.dest_mmsi), (10, 366_814_480, 366_832_740));
        }
    }
}
