//! Message 20: data link management — a base station reserves slots.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.18, Table 70.

use super::{AisError, BitReader, Header, check_range};

/// One slot reservation of message 20.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Reservation {
    /// Offset number.
    pub offset: u16,
    /// Number of slots.
    pub number: u8,
    /// Timeout, minutes.
    pub timeout: u8,
    /// Increment.
    pub increment: u16,
}

/// Up to four slot reservations.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DataLinkManagement {
    /// Type 20, repeat, MMSI.
    pub header: Header,
    /// Reservations (zero where absent).
    pub reservations: [Reservation; 4],
}

impl DataLinkManagement {
    /// Decode.
    ///
    /// # Errors
    /// [`AisError::BadLength`] outside 72..=186 bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        check_range(r, header, 72, 186)?;
        let mut m = DataLinkManagement { header, ..Default::default() };
        for (k, res) in m.reservations.iter_mut().enumerate() {
            let a = 40 + 30 * k;
            *res = Reservation {
                offset: r.u32(a, 12) as u16,
                number: r.u32(a + 12, 4) as u8,
                timeout: r.u32(a + 16, 3) as u8,
                increment: r.u32(a + 19, 11) as u16,
            };
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
        fn reads_one_reservation_and_zeroes_the_rest() {
            let Message::DataLink(d) = decode(&["!AIVDM,1,1,,A,Dh3OvjB8IN>4,0*1D"]) else { panic!() };
            assert_eq!((d.header.repeat, d.header.mmsi), (3, 3_669_705));
            let r = d.reservations[0];
            assert_eq!((r.offset, r.number, r.timeout, r.increment), (2182, 5, 7, 225));
            assert!(d.reservations[1..].iter().all(|r| (r.offset, r.number, r.timeout, r.increment) == (0, 0, 0, 0)));
        }
    }
}
