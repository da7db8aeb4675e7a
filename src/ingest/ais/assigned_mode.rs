//! Message 16: assigned mode command from a base station.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.14, Table 65.

use super::{AisError, BitReader, Header, check_range};

/// Assigns reporting slots to one or two stations.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AssignedMode {
    /// Type 16, repeat, MMSI.
    pub header: Header,
    /// First destination.
    pub mmsi1: u32,
    /// Its slot offset.
    pub offset1: u16,
    /// Its increment.
    pub increment1: u16,
    /// Second destination (0 if absent).
    pub mmsi2: u32,
    /// Its slot offset.
    pub offset2: u16,
    /// Its increment.
    pub increment2: u16,
}

impl AssignedMode {
    /// Decode.
    ///
    /// # Errors
    /// [`AisError::BadLength`] outside 96..=168 bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        check_range(r, header, 96, 168)?;
        let mut m = AssignedMode { header, ..Default::default() };
        m.mmsi1 = r.u32(40, 30);
        m.offset1 = r.u32(70, 12) as u16;
        m.increment1 = r.u32(82, 10) as u16;
        if r.len_bits() >= 144 {
            m.mmsi2 = r.u32(92, 30);
            m.offset2 = r.u32(122, 12) as u16;
            m.increment2 = r.u32(134, 10) as u16;
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::decode;

    mod decode {
        use super::*;

        #[test]
        fn reads_one_assignment_and_zeroes_the_missing_second() {
            let Message::AssignedMode(a) = decode(&["!AIVDM,1,1,,A,@01uEO@mMk7P<P00,0*18"]) else { panic!() };
            assert_eq!((a.header.msg_type, a.header.mmsi), (16, 2_053_501));
            assert_eq!((a.mmsi1, a.offset1, a.increment1), (224_251_000, 200, 0));
            assert_eq!((a.mmsi2, a.offset2, a.increment2), (0, 0, 0));
        }
    }
}
