//! Message 22: channel management — frequencies and power for a region or two stations.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.20, Table 73.

use super::{AisError, BitReader, Header, check_permissive};

/// Where message 22 applies: a rectangle, or two addressed stations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChannelTarget {
    /// Corners in 1/10 minute.
    Area {
        /// North-east longitude.
        ne_lon: i32,
        /// North-east latitude.
        ne_lat: i32,
        /// South-west longitude.
        sw_lon: i32,
        /// South-west latitude.
        sw_lat: i32,
    },
    /// Two addressed stations.
    Addressed {
        /// First station.
        dest1: u32,
        /// Second station.
        dest2: u32,
    },
}

/// Channel assignment command.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelManagement {
    /// Type 22, repeat, MMSI.
    pub header: Header,
    /// Channel A number.
    pub channel_a: u16,
    /// Channel B number.
    pub channel_b: u16,
    /// Tx/Rx mode.
    pub txrx: u8,
    /// Low power.
    pub power: bool,
    /// Area or addressees.
    pub target: ChannelTarget,
    /// Channel A bandwidth flag.
    pub band_a: bool,
    /// Channel B bandwidth flag.
    pub band_b: bool,
    /// Transitional zone size.
    pub zonesize: u8,
}

impl ChannelManagement {
    /// Decode.
    ///
    /// # Errors
    /// [`AisError::TooShort`] under 168 bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        check_permissive(r, header, 168)?;
        let target = if r.flag(139) {
            ChannelTarget::Addressed { dest1: r.u32(69, 30), dest2: r.u32(104, 30) }
        } else {
            ChannelTarget::Area {
                ne_lon: r.i32(69, 18),
                ne_lat: r.i32(87, 17),
                sw_lon: r.i32(104, 18),
                sw_lat: r.i32(122, 17),
            }
        };
        Ok(ChannelManagement {
            header,
            channel_a: r.u32(40, 12) as u16,
            channel_b: r.u32(52, 12) as u16,
            txrx: r.u32(64, 4) as u8,
            power: r.flag(68),
            target,
            band_a: r.flag(140),
            band_b: r.flag(141),
            zonesize: r.u32(142, 3) as u8,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ChannelTarget;
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::decode;

    fn channels(sentence: &str) -> super::ChannelManagement {
        match decode(&[sentence]) {
            Message::ChannelManagement(c) => c,
            other => panic!("not channel management: {other:?}"),
        }
    }

    mod decode {
        use super::*;

        #[test]
        fn broadcast_form_reads_the_area_corners() {
            let c = channels("!AIVDM,1,1,,A,F030ot22N2P6aoQbhe4736L20000,0*1A");
            assert_eq!(c.header.mmsi, 3_160_048);
            assert_eq!((c.channel_a, c.channel_b, c.txrx, c.power, c.zonesize), (2087, 2088, 0, false, 4));
            assert_eq!(
                c.target,
                ChannelTarget::Area { ne_lon: -44_100, ne_lat: 27_330, sw_lon: -48_100, sw_lat: 25_400 }
            );
        }

        #[test]
        fn addressed_form_reads_two_destinations() {
            let c = channels("!AIVDM,1,1,,A,F@@W>gOP00PH=JrN9l000?wB2HH;,0*44");
            assert_eq!((c.channel_a, c.channel_b, c.txrx, c.power), (3584, 8, 1, true));
            assert_eq!(c.target, ChannelTarget::Addressed { dest1: 28_144_881, dest2: 268_435_519 });
        }
    }
}
