//! Message 5: Class A static and voyage-related data (name, call sign, dimensions, destination).
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.3, Table 52.

use super::{AisError, BitReader, Header, Text};

/// Identity, ship type, dimensions and voyage of a Class A vessel.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StaticVoyage {
    /// Type 5, repeat, MMSI.
    pub header: Header,
    /// AIS version indicator.
    pub ais_version: u8,
    /// IMO number (0 = not available).
    pub imo: u32,
    /// Call sign, up to 7 characters.
    pub callsign: Text<7>,
    /// Vessel name, up to 20 characters.
    pub shipname: Text<20>,
    /// Ship and cargo type.
    pub shiptype: u8,
    /// Distance from reference point to bow, metres.
    pub to_bow: u16,
    /// To stern, metres.
    pub to_stern: u16,
    /// To port, metres.
    pub to_port: u8,
    /// To starboard, metres.
    pub to_starboard: u8,
    /// Position fixing device type.
    pub epfd: u8,
    /// ETA month (0 = n/a).
    pub month: u8,
    /// ETA day (0 = n/a).
    pub day: u8,
    /// ETA hour (24 = n/a).
    pub hour: u8,
    /// ETA minute (60 = n/a).
    pub minute: u8,
    /// Maximum static draught, 1/10 m.
    pub draught_dm: u8,
    /// Destination, up to 20 characters.
    pub destination: Text<20>,
    /// Data terminal equipment not ready.
    pub dte: u8,
}

impl StaticVoyage {
    /// Decode; like gpsd, 420- and 422-bit messages (common in the wild) are accepted.
    ///
    /// # Errors
    /// [`AisError::TooShort`] under 420 bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        if r.len_bits() < 420 {
            return Err(AisError::TooShort { msg_type: 5, bits: r.len_bits() as u16 });
        }
        let mut m = StaticVoyage { header, ..Default::default() };
        m.ais_version = r.u32(38, 2) as u8;
        m.imo = r.u32(40, 30);
        r.text(70, 7, &mut m.callsign);
        r.text(112, 20, &mut m.shipname);
        m.shiptype = r.u32(232, 8) as u8;
        m.to_bow = r.u32(240, 9) as u16;
        m.to_stern = r.u32(249, 9) as u16;
        m.to_port = r.u32(258, 6) as u8;
        m.to_starboard = r.u32(264, 6) as u8;
        m.epfd = r.u32(270, 4) as u8;
        m.month = r.u32(274, 4) as u8;
        m.day = r.u32(278, 5) as u8;
        m.hour = r.u32(283, 5) as u8;
        m.minute = r.u32(288, 6) as u8;
        m.draught_dm = r.u32(294, 8) as u8;
        r.text(302, 20, &mut m.destination);
        if r.len_bits() >= 423 {
            m.dte = r.u32(422, 1) as u8;
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::{Decoder, Message};

    mod decode {
        use super::*;

        #[test]
        fn two_fragment_type_5_assembles_and_trims_names() {
            let mut d = Decoder::new();
            assert!(
                d.push_line(b"!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C")
                    .is_none()
            );
            let Some(Message::StaticVoyage(m)) = d.push_line(b"!AIVDM,2,2,1,A,88888888880,2*25").cloned() else {
                panic!("no type 5")
            };
            assert_eq!(m.header.mmsi, 351_759_000);
            assert_eq!(m.imo, 9_134_270);
            assert_eq!(m.callsign, "3FOF8");
            assert_eq!(m.shipname, "EVER DIADEM");
            assert_eq!(m.destination, "NEW YORK");
            assert_eq!(m.draught_dm, 122);
        }
    }
}
