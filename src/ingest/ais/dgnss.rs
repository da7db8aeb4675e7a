//! Message 17: GNSS broadcast binary message (DGNSS corrections from a base station).
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.15, Table 66.

use super::{AisError, BitReader, Header, RawBits, check_range};

/// DGNSS correction data with the reference station's rough position.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DgnssBroadcast {
    /// Type 17, repeat, MMSI.
    pub header: Header,
    /// Longitude, 1/10 minute.
    pub lon: i32,
    /// Latitude, 1/10 minute.
    pub lat: i32,
    /// The correction payload (RTCM SC-104 words), undecoded.
    pub data: RawBits,
}

impl DgnssBroadcast {
    /// Decode.
    ///
    /// # Errors
    /// [`AisError::BadLength`] outside 80..=816 bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        check_range(r, header, 80, 816)?;
        let n = r.len_bits() - 80;
        Ok(DgnssBroadcast {
            header,
            lon: r.i32(40, 18),
            lat: r.i32(58, 17),
            data: RawBits::extract(r, 80, n, 0, false),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::decode;

    mod decode {
        use super::*;

        #[test]
        fn two_fragment_broadcast_reads_reference_position_and_keeps_corrections_raw() {
            let Message::Dgnss(d) = decode(&[
                "!AIVDM,2,1,5,A,A02VqLPA4I6C07h5Ed1h<OrsuBTTwS?r:C?w`?la<gno1RTRwSP9:BcurA8a,0*3A",
                "!AIVDM,2,2,5,A,:Oko02TSwu8<:Jbb,0*11",
            ]) else {
                panic!()
            };
            assert_eq!(d.header.mmsi, 2_734_450);
            assert_eq!((d.lon, d.lat), (17_478, 35_992)); // 29.13°, 59.99° (gpsd: 29.1, 60.0)
            assert_eq!(d.data.len_bits, 376);
            assert_eq!(&d.data.as_bytes()[..4], [0x7c, 0x05, 0x56, 0xc0]);
        }
    }
}
