//! Message 23: group assignment command.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.21, Table 75.

use super::{AisError, BitReader, Header, check_permissive};

/// Sets reporting interval and quiet time for stations of a type inside a rectangle.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GroupAssignment {
    /// Type 23, repeat, MMSI.
    pub header: Header,
    /// North-east longitude, 1/10 minute.
    pub ne_lon: i32,
    /// North-east latitude, 1/10 minute.
    pub ne_lat: i32,
    /// South-west longitude, 1/10 minute.
    pub sw_lon: i32,
    /// South-west latitude, 1/10 minute.
    pub sw_lat: i32,
    /// Station type.
    pub stationtype: u8,
    /// Ship and cargo type.
    pub shiptype: u8,
    /// Tx/Rx mode.
    pub txrx: u8,
    /// Reporting interval code.
    pub interval: u8,
    /// Quiet time, minutes.
    pub quiet: u8,
}

impl GroupAssignment {
    /// Decode.
    ///
    /// # Errors
    /// [`AisError::TooShort`] under 160 bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        check_permissive(r, header, 160)?;
        Ok(GroupAssignment {
            header,
            ne_lon: r.i32(40, 18),
            ne_lat: r.i32(58, 17),
            sw_lon: r.i32(75, 18),
            sw_lat: r.i32(93, 17),
            stationtype: r.u32(110, 4) as u8,
            shiptype: r.u32(114, 8) as u8,
            txrx: r.u32(144, 4) as u8,
            interval: r.u32(146, 4) as u8,
            quiet: r.u32(150, 4) as u8,
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
        fn reads_area_station_type_and_interval() {
            let Message::GroupAssignment(g) = decode(&["!AIVDM,1,1,,B,G02:Kn01R`sn@291nj600000900,2*12"]) else {
                panic!()
            };
            assert_eq!(g.header.mmsi, 2_268_120);
            assert_eq!((g.ne_lon, g.ne_lat, g.sw_lon, g.sw_lat), (1578, 30_642, 1096, 30_408));
            assert_eq!((g.stationtype, g.shiptype, g.interval, g.quiet), (6, 0, 9, 0));
        }
    }
}
