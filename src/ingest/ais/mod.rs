//! AIS decoding: `!AIVDM`/`!AIVDO` sentences → typed [`Message`]s → gpsd-style JSON or
//! [`Detection`](crate::Detection)s.
//!
//! Sits in `ingest`, after NMEA framing and before the tracker. [`Decoder`] is the entry point:
//! one line in, at most one message out, with every rejected line counted in [`DecodeStats`].
//! Which sentences it accepts (checksums, fragment order, payload lengths, fill bits) follows gpsd
//! 3.22, so `seawarden decode --json` and `gpsdecode -s` agree message for message.
//!
//! - [`armour`]: 6-bit de-armouring and fill bits.
//! - [`bits`]: [`BitReader`] and inline [`Text`].
//! - [`multipart`]: fragment assembly (gpsd-compatible or keyed with timeouts), no I/O.
//! - one module per message family, [`Message`] tying them together.
//! - [`json`]: gpsd's scaled JSON; [`to_detection`]: position reports → detections.
//!
//! # References
//! ITU-R M.1371-5 (Technical characteristics for an AIS using TDMA), Annex 8 (message tables);
//! IEC 61162-1 §8.3.1 (VDM/VDO); gpsd 3.22 `driver_ais.c`/`gpsd_json.c` for compatibility.

pub mod armour;
pub mod bits;
pub mod multipart;

/// Messages 7 and 13: acknowledgements.
pub mod ack;
/// Message 21: aid to navigation.
pub mod aid_to_navigation;
/// Message 16: assigned mode command.
pub mod assigned_mode;
/// Messages 4 and 11: base station report, UTC/date response.
pub mod base_station;
/// Messages 6 and 8: binary messages and their application payloads.
pub mod binary;
/// Messages 25 and 26: single/multiple-slot binary.
pub mod binary_slot;
/// Message 22: channel management.
pub mod channel_management;
/// Messages 18 and 19: Class B position reports.
pub mod class_b;
/// Message 20: data link management.
pub mod data_link;
mod decoder;
mod detection;
/// Message 17: DGNSS broadcast.
pub mod dgnss;
/// Message 23: group assignment.
pub mod group_assignment;
/// Message 15: interrogation.
pub mod interrogation;
/// gpsd-compatible JSON output.
pub mod json;
/// Message 27: long-range broadcast.
pub mod long_range;
/// Messages 1, 2, 3: Class A position report.
pub mod position;
/// Messages 12 and 14: safety-related text.
pub mod safety;
/// Message 9: SAR aircraft position.
pub mod sar;
/// Message 24: Class B static data, parts A and B.
pub mod static_data;
/// Message 5: static and voyage data.
pub mod static_voyage;
/// Message 10: UTC inquiry.
pub mod utc_inquiry;

pub use bits::{BitReader, Text};
pub use decoder::{DecodeStats, Decoder, RejectReason};
pub use detection::{DeclaredLengths, static_length_m, to_detection};
pub use json::write_gpsd_json;

/// Fields every AIS message starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Header {
    /// Message type 1–27.
    pub msg_type: u8,
    /// Repeat indicator 0–3.
    pub repeat: u8,
    /// Source MMSI.
    pub mmsi: u32,
}

/// Why a payload did not decode. Cheap and `Copy`: bad payloads are common and only counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AisError {
    /// Shorter than the message's minimum.
    #[error("message type {msg_type}: {bits} bits is too short")]
    TooShort {
        /// Message type.
        msg_type: u8,
        /// Payload length.
        bits: u16,
    },
    /// Length outside the message's allowed range.
    #[error("message type {msg_type}: {bits} bits is out of range")]
    BadLength {
        /// Message type.
        msg_type: u8,
        /// Payload length.
        bits: u16,
    },
    /// Type 0, 28–63, or a message-24 part number 2 or 3.
    #[error("unsupported message type {msg_type}")]
    Unsupported {
        /// Message type.
        msg_type: u8,
    },
}

pub(crate) fn check_permissive(r: &BitReader<'_>, h: Header, min: usize) -> Result<(), AisError> {
    if r.len_bits() < min {
        return Err(AisError::TooShort { msg_type: h.msg_type, bits: r.len_bits() as u16 });
    }
    Ok(())
}

pub(crate) fn check_range(r: &BitReader<'_>, h: Header, min: usize, max: usize) -> Result<(), AisError> {
    if r.len_bits() < min || r.len_bits() > max {
        return Err(AisError::BadLength { msg_type: h.msg_type, bits: r.len_bits() as u16 });
    }
    Ok(())
}

/// Undecoded payload bits, extracted the way gpsd dumps them (for its `"data":"bits:hex"`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RawBits {
    /// Number of payload bits.
    pub len_bits: u16,
    /// The bits, MSB first, zero-padded.
    pub bytes: [u8; 128],
}

impl Default for RawBits {
    fn default() -> Self {
        RawBits { len_bits: 0, bytes: [0; 128] }
    }
}

impl std::fmt::Debug for RawBits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RawBits({} bits)", self.len_bits)
    }
}

impl RawBits {
    /// gpsd copies `ceil(copy_bits / 8)` bytes from bit `start` (byte aligned), then drops `skip`
    /// leading bits; bits past the copied bytes read as zero. With `mask_tail`, bits past the
    /// payload length are cleared (gpsd does this for message 8 only).
    pub(crate) fn extract(r: &BitReader<'_>, start: usize, copy_bits: usize, skip: usize, mask_tail: bool) -> Self {
        let mut out = RawBits::default();
        let len = copy_bits.saturating_sub(skip).min(out.bytes.len() * 8);
        out.len_bits = len as u16;
        let copied_end = copy_bits.div_ceil(8) * 8;
        for k in 0..len.div_ceil(8) {
            let mut byte = 0u8;
            for b in 0..8 {
                let rel = skip + k * 8 + b;
                let bit =
                    if rel < copied_end && !(mask_tail && k * 8 + b >= len) { r.u(start + rel, 1) as u8 } else { 0 };
                byte = byte << 1 | bit;
            }
            out.bytes[k] = byte;
        }
        out
    }

    /// The meaningful bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len_bits).div_ceil(8)]
    }
}

/// A decoded AIS message, one variant per message family.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum Message {
    /// 1, 2, 3.
    Position(position::PositionReport),
    /// 4, 11.
    BaseStation(base_station::BaseStationReport),
    /// 5.
    StaticVoyage(static_voyage::StaticVoyage),
    /// 6, 8.
    Binary(binary::BinaryMessage),
    /// 7, 13.
    Ack(ack::Acknowledge),
    /// 9.
    Sar(sar::SarAircraft),
    /// 10.
    UtcInquiry(utc_inquiry::UtcInquiry),
    /// 12, 14.
    Safety(safety::SafetyText),
    /// 15.
    Interrogation(interrogation::Interrogation),
    /// 16.
    AssignedMode(assigned_mode::AssignedMode),
    /// 17.
    Dgnss(dgnss::DgnssBroadcast),
    /// 18, 19.
    ClassB(class_b::ClassBPosition),
    /// 20.
    DataLink(data_link::DataLinkManagement),
    /// 21.
    AidToNavigation(aid_to_navigation::AidToNavigation),
    /// 22.
    ChannelManagement(channel_management::ChannelManagement),
    /// 23.
    GroupAssignment(group_assignment::GroupAssignment),
    /// 24.
    StaticData(static_data::StaticData),
    /// 25, 26.
    BinarySlot(binary_slot::BinarySlot),
    /// 27.
    LongRange(long_range::LongRange),
}

impl Message {
    /// Decode a complete de-armoured payload.
    ///
    /// # Errors
    /// [`AisError`] when the type is unknown or the length is wrong for it.
    pub fn decode(r: &BitReader<'_>) -> Result<Message, AisError> {
        let header = Header { msg_type: r.u32(0, 6) as u8, repeat: r.u32(6, 2) as u8, mmsi: r.u32(8, 30) };
        Ok(match header.msg_type {
            1..=3 => Message::Position(position::PositionReport::decode(r, header)?),
            4 | 11 => Message::BaseStation(base_station::BaseStationReport::decode(r, header)?),
            5 => Message::StaticVoyage(static_voyage::StaticVoyage::decode(r, header)?),
            6 | 8 => Message::Binary(binary::BinaryMessage::decode(r, header)?),
            7 | 13 => Message::Ack(ack::Acknowledge::decode(r, header)?),
            9 => Message::Sar(sar::SarAircraft::decode(r, header)?),
            10 => Message::UtcInquiry(utc_inquiry::UtcInquiry::decode(r, header)?),
            12 | 14 => Message::Safety(safety::SafetyText::decode(r, header)?),
            15 => Message::Interrogation(interrogation::Interrogation::decode(r, header)?),
            16 => Message::AssignedMode(assigned_mode::AssignedMode::decode(r, header)?),
            17 => Message::Dgnss(dgnss::DgnssBroadcast::decode(r, header)?),
            18 | 19 => Message::ClassB(class_b::ClassBPosition::decode(r, header)?),
            20 => Message::DataLink(data_link::DataLinkManagement::decode(r, header)?),
            21 => Message::AidToNavigation(aid_to_navigation::AidToNavigation::decode(r, header)?),
            22 => Message::ChannelManagement(channel_management::ChannelManagement::decode(r, header)?),
            23 => Message::GroupAssignment(group_assignment::GroupAssignment::decode(r, header)?),
            24 => Message::StaticData(static_data::StaticData::decode(r, header)?),
            25 | 26 => Message::BinarySlot(binary_slot::BinarySlot::decode(r, header)?),
            27 => Message::LongRange(long_range::LongRange::decode(r, header)?),
            t => return Err(AisError::Unsupported { msg_type: t }),
        })
    }

    /// The common header.
    pub fn header(&self) -> Header {
        match self {
            Message::Position(m) => m.header,
            Message::BaseStation(m) => m.header,
            Message::StaticVoyage(m) => m.header,
            Message::Binary(m) => m.header,
            Message::Ack(m) => m.header,
            Message::Sar(m) => m.header,
            Message::UtcInquiry(m) => m.header,
            Message::Safety(m) => m.header,
            Message::Interrogation(m) => m.header,
            Message::AssignedMode(m) => m.header,
            Message::Dgnss(m) => m.header,
            Message::ClassB(m) => m.header,
            Message::DataLink(m) => m.header,
            Message::AidToNavigation(m) => m.header,
            Message::ChannelManagement(m) => m.header,
            Message::GroupAssignment(m) => m.header,
            Message::StaticData(m) => m.header,
            Message::BinarySlot(m) => m.header,
            Message::LongRange(m) => m.header,
        }
    }
}

/// Helpers shared by the per-family decoder tests.
#[cfg(test)]
pub(crate) mod test_support {
    use super::{Decoder, Message};

    /// Decode the sentences of one message, in order (one line each, newline optional).
    ///
    /// # Panics
    /// When the last sentence does not complete a message.
    pub(crate) fn decode(sentences: &[&str]) -> Message {
        let mut d = Decoder::new();
        let mut last = None;
        for s in sentences {
            last = d.push_line(format!("{s}\n").as_bytes()).cloned();
        }
        last.unwrap_or_else(|| panic!("{sentences:?} decode to no message: {}", d.stats()))
    }

    /// gpsd's scaled JSON for one message, parsed.
    pub(crate) fn json(m: &Message) -> serde_json::Value {
        let mut out = Vec::new();
        super::write_gpsd_json(m, &mut out);
        serde_json::from_slice(&out).expect("valid JSON")
    }
}
