//! Messages 6 and 8: addressed and broadcast binary messages, with the application payloads
//! gpsd 3.22 understands decoded; anything else stays raw, dumped as gpsd dumps it.
//!
//! - here: IMO 236/289 meteo-hydro, tidal windows, dangerous cargo (FI 12), clearance, text, air
//!   draught, persons on board; GLA AtoN monitoring; Inland static data and persons on board.
//! - [`imo`]: fairway closed (FI 13), VTS targets (17), traffic signal (19), berthing (20),
//!   dangerous cargo (25), route information (27/28).
//! - [`inland`]: Inland ETA/RTA (DAC 200 FI 21/22), EMMA warning (23), water levels (24), signal
//!   status (40).
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.4 and §3.6 (Tables 54, 57); IMO SN.1/Circ.236 and SN.1/Circ.289;
//! CCNR Inland AIS standard (DAC 200); IALA A-126 (DAC 235/250 FI 10).

use super::{AisError, BitReader, Header, RawBits, Text, check_range};

/// DAC 1 payloads added in IMO SN.1/Circ.236 and 289 (FI 13, 17, 19, 20, 25, 27, 28).
pub mod imo;
/// Inland AIS (DAC 200) payloads FI 21, 22, 23, 24, 40.
pub mod inland;

pub use imo::{Berthing, CargoList, FairwayClosed, Route, TrafficSignal, VtsTargets};
pub use inland::{EmmaWarning, InlandEta, InlandRta, SignalStatus, WaterLevels};

/// Message 6 or 8 with its application payload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinaryMessage {
    /// Type (6 or 8), repeat, MMSI.
    pub header: Header,
    /// Addressed (6) fields; `None` for broadcast (8).
    pub addressed: Option<Addressing>,
    /// Designated area code.
    pub dac: u16,
    /// Function identifier.
    pub fid: u8,
    /// The application payload.
    pub payload: BinaryPayload,
}

/// The addressing part of message 6.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Addressing {
    /// Sequence number.
    pub seqno: u8,
    /// Addressee.
    pub dest_mmsi: u32,
    /// Retransmit flag.
    pub retransmit: bool,
}

/// Application payloads, by (DAC, FI).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BinaryPayload {
    /// Not decoded: the bits as gpsd dumps them.
    Raw(RawBits),
    /// DAC 1 FI 11 (IMO 236) and FI 31 (IMO 289): meteorological and hydrological data.
    MeteoHydro(MeteoHydro),
    /// DAC 1 FI 14 (IMO 236) / FI 32 (IMO 289): tidal window.
    TidalWindow(TidalWindow),
    /// DAC 1 FI 12: dangerous cargo indication (IMO 236).
    DangerousCargo(DangerousCargo),
    /// DAC 1 FI 18: clearance time to enter port.
    Clearance(Clearance),
    /// DAC 1 FI 29/30: text description.
    Text {
        /// Message linkage id.
        linkage: u16,
        /// The text.
        text: Text<162>,
    },
    /// DAC 1 FI 15: air draught.
    AirDraught(u16),
    /// DAC 1 FI 16: persons on board.
    Persons(u16),
    /// DAC 235/250 FI 10: AtoN monitoring data.
    AtonMonitoring(AtonMonitoring),
    /// DAC 200 FI 10: Inland ship static and voyage data.
    InlandStatic(InlandStatic),
    /// DAC 200 FI 55: persons on board (Inland).
    InlandPersons {
        /// Crew.
        crew: u8,
        /// Passengers.
        passengers: u16,
        /// Shipboard personnel.
        personnel: u8,
    },
    /// Message 8, DAC 1 FI 13: fairway closed (IMO 236).
    FairwayClosed(FairwayClosed),
    /// Message 8, DAC 1 FI 17: VTS-generated targets.
    VtsTargets(VtsTargets),
    /// Message 8, DAC 1 FI 19: marine traffic signal.
    TrafficSignal(TrafficSignal),
    /// Message 6, DAC 1 FI 20: berthing data.
    Berthing(Berthing),
    /// Message 6, DAC 1 FI 25: dangerous cargo indication (IMO 289).
    CargoList(CargoList),
    /// Message 8, DAC 1 FI 27 / message 6, DAC 1 FI 28: route information.
    Route(Route),
    /// Message 6, DAC 200 FI 21: ETA at lock/bridge/terminal.
    InlandEta(InlandEta),
    /// Message 6, DAC 200 FI 22: RTA at lock/bridge/terminal.
    InlandRta(InlandRta),
    /// Message 8, DAC 200 FI 23: EMMA weather warning.
    EmmaWarning(EmmaWarning),
    /// Message 8, DAC 200 FI 24: water levels.
    WaterLevels(WaterLevels),
    /// Message 8, DAC 200 FI 40: signal status.
    SignalStatus(SignalStatus),
}

/// Meteorological and hydrological data; raw field values, as gpsd keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[allow(missing_docs)]
pub struct MeteoHydro {
    /// True for the IMO 289 layout (FI 31), false for IMO 236 (FI 11).
    pub imo289: bool,
    /// Latitude, 1/1000 minute.
    pub lat: i32,
    /// Longitude, 1/1000 minute.
    pub lon: i32,
    /// Position accuracy (FI 31 only).
    pub accuracy: bool,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub wspeed: u8,
    pub wgust: u8,
    pub wdir: u16,
    pub wgustdir: u16,
    /// FI 11: unsigned with offset; FI 31: signed 1/10 °C.
    pub airtemp: i32,
    pub humidity: u8,
    pub dewpoint: i32,
    pub pressure: u16,
    pub pressuretend: u8,
    /// FI 31 only.
    pub visgreater: bool,
    pub visibility: u8,
    pub waterlevel: u16,
    pub leveltrend: u8,
    pub cspeed: u8,
    pub cdir: u16,
    pub cspeed2: u8,
    pub cdir2: u16,
    pub cdepth2: u8,
    pub cspeed3: u8,
    pub cdir3: u16,
    pub cdepth3: u8,
    pub waveheight: u8,
    pub waveperiod: u8,
    pub wavedir: u16,
    pub swellheight: u8,
    pub swellperiod: u8,
    pub swelldir: u16,
    pub seastate: u8,
    pub watertemp: i32,
    pub preciptype: u8,
    pub salinity: u16,
    pub ice: u8,
}

/// One tidal window entry.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[allow(missing_docs)]
pub struct Tidal {
    /// 1/1000 minute.
    pub lon: i32,
    /// 1/1000 minute.
    pub lat: i32,
    pub from_hour: u8,
    pub from_min: u8,
    pub to_hour: u8,
    pub to_min: u8,
    pub cdir: u16,
    /// 1/10 knot.
    pub cspeed: u8,
}

/// Tidal window (up to 10 entries, as many as fit).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[allow(missing_docs)]
pub struct TidalWindow {
    pub month: u8,
    pub day: u8,
    pub count: u8,
    pub tidals: [Tidal; 10],
}

/// Dangerous cargo indication (IMO 236 FI 12).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[allow(missing_docs)]
pub struct DangerousCargo {
    pub lastport: Text<5>,
    pub lmonth: u8,
    pub lday: u8,
    pub lhour: u8,
    pub lminute: u8,
    pub nextport: Text<5>,
    pub nmonth: u8,
    pub nday: u8,
    pub nhour: u8,
    pub nminute: u8,
    pub dangerous: Text<20>,
    pub imdcat: Text<4>,
    pub unid: u16,
    pub amount: u16,
    pub unit: u8,
}

/// Clearance time to enter port (IMO 289 FI 18).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[allow(missing_docs)]
pub struct Clearance {
    pub linkage: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub portname: Text<20>,
    pub destination: Text<5>,
    /// 1/1000 minute.
    pub lon: i32,
    /// 1/1000 minute.
    pub lat: i32,
}

/// AtoN monitoring data (GLA, DAC 235/250 FI 10).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[allow(missing_docs)]
pub struct AtonMonitoring {
    /// Analogue internal supply, 0.05 V.
    pub ana_int: u16,
    pub ana_ext1: u16,
    pub ana_ext2: u16,
    pub racon: u8,
    pub light: u8,
    pub alarm: bool,
    pub stat_ext: u8,
    pub off_pos: bool,
}

/// Inland ship static and voyage data (DAC 200 FI 10).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[allow(missing_docs)]
pub struct InlandStatic {
    /// European vessel identification number.
    pub vin: Text<8>,
    /// Length, 1/10 m.
    pub length: u16,
    /// Beam, 1/10 m.
    pub beam: u16,
    /// ERI ship type code.
    pub shiptype: u16,
    pub hazard: u8,
    /// Draught, 1/100 m.
    pub draught: u16,
    pub loaded: u8,
    pub speed_q: bool,
    pub course_q: bool,
    pub heading_q: bool,
}

impl BinaryMessage {
    /// Decode message 6 or 8 and, where known, its application payload.
    ///
    /// # Errors
    /// [`AisError::BadLength`] outside 88..=1008 (6) or 56..=1008 (8) bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        let n = r.len_bits();
        if header.msg_type == 6 {
            check_range(r, header, 88, 1008)?;
            let addressing = Addressing { seqno: r.u32(38, 2) as u8, dest_mmsi: r.u32(40, 30), retransmit: r.flag(70) };
            let dac = r.u32(72, 10) as u16;
            let fid = r.u32(82, 6) as u8;
            let payload = addressed_payload(r, dac, fid)
                .unwrap_or_else(|| BinaryPayload::Raw(RawBits::extract(r, 88, n - 88, 0, false)));
            Ok(BinaryMessage { header, addressed: Some(addressing), dac, fid, payload })
        } else {
            check_range(r, header, 56, 1008)?;
            let dac = r.u32(40, 10) as u16;
            let fid = r.u32(50, 6) as u8;
            let payload = broadcast_payload(r, dac, fid)
                .unwrap_or_else(|| BinaryPayload::Raw(RawBits::extract(r, 56, n - 56, 0, true)));
            Ok(BinaryMessage { header, addressed: None, dac, fid, payload })
        }
    }
}

fn addressed_payload(r: &BitReader<'_>, dac: u16, fid: u8) -> Option<BinaryPayload> {
    let n = r.len_bits();
    match (dac, fid) {
        (200, 21) if n == InlandEta::BITS => Some(BinaryPayload::InlandEta(InlandEta::decode(r))),
        (200, 22) if n == InlandRta::BITS => Some(BinaryPayload::InlandRta(InlandRta::decode(r))),
        (1, 20) => Some(BinaryPayload::Berthing(Berthing::decode(r))),
        (1, 25) => Some(BinaryPayload::CargoList(CargoList::decode(r))),
        (1, 28) => Some(BinaryPayload::Route(Route::decode(r, 88))),
        (200, 55) if n == 168 => Some(BinaryPayload::InlandPersons {
            crew: r.u32(88, 8) as u8,
            passengers: r.u32(96, 13) as u16,
            personnel: r.u32(109, 8) as u8,
        }),
        (235 | 250, 10) if n == 136 => Some(BinaryPayload::AtonMonitoring(AtonMonitoring {
            ana_int: r.u32(88, 10) as u16,
            ana_ext1: r.u32(98, 10) as u16,
            ana_ext2: r.u32(108, 10) as u16,
            racon: r.u32(118, 2) as u8,
            light: r.u32(120, 2) as u8,
            alarm: r.flag(122),
            stat_ext: r.u32(123, 8) as u8,
            off_pos: r.flag(131),
        })),
        (1, 12) => {
            let mut c = DangerousCargo::default();
            r.text(88, 5, &mut c.lastport);
            c.lmonth = r.u32(118, 4) as u8;
            c.lday = r.u32(122, 5) as u8;
            c.lhour = r.u32(127, 5) as u8;
            c.lminute = r.u32(132, 6) as u8;
            r.text(138, 5, &mut c.nextport);
            c.nmonth = r.u32(168, 4) as u8;
            c.nday = r.u32(172, 5) as u8;
            c.nhour = r.u32(177, 5) as u8;
            c.nminute = r.u32(182, 6) as u8;
            r.text(188, 20, &mut c.dangerous);
            r.text(308, 4, &mut c.imdcat);
            c.unid = r.u32(332, 13) as u16;
            c.amount = r.u32(345, 10) as u16;
            c.unit = r.u32(355, 2) as u8;
            Some(BinaryPayload::DangerousCargo(c))
        }
        (1, 14) | (1, 32) => {
            let mut w = TidalWindow { month: r.u32(88, 4) as u8, day: r.u32(92, 5) as u8, ..Default::default() };
            let (size, old) = if fid == 14 { (93, true) } else { (88, false) };
            let mut u = 0;
            while 97 + size * u <= n && u < w.tidals.len() {
                let a = 97 + size * u;
                w.tidals[u] = if old {
                    Tidal {
                        lat: r.i32(a, 27),
                        lon: r.i32(a + 27, 28),
                        from_hour: r.u32(a + 55, 5) as u8,
                        from_min: r.u32(a + 60, 6) as u8,
                        to_hour: r.u32(a + 66, 5) as u8,
                        to_min: r.u32(a + 71, 6) as u8,
                        cdir: r.u32(a + 77, 9) as u16,
                        cspeed: r.u32(a + 86, 7) as u8,
                    }
                } else {
                    Tidal {
                        lon: r.i32(a, 25),
                        lat: r.i32(a + 25, 24),
                        from_hour: r.u32(a + 49, 5) as u8,
                        from_min: r.u32(a + 54, 6) as u8,
                        to_hour: r.u32(a + 60, 5) as u8,
                        to_min: r.u32(a + 65, 6) as u8,
                        cdir: r.u32(a + 71, 9) as u16,
                        cspeed: r.u32(a + 80, 8) as u8,
                    }
                };
                u += 1;
            }
            w.count = u as u8;
            Some(BinaryPayload::TidalWindow(w))
        }
        // gpsd reads this from bit 56 of message 6; kept for compatibility.
        (1, 15) => Some(BinaryPayload::AirDraught(r.u32(56, 11) as u16)),
        (1, 16) => {
            let persons = if n - 88 == 136 { r.u32(88, 13) } else { r.u32(55, 13) };
            Some(BinaryPayload::Persons(persons as u16))
        }
        (1, 18) => {
            let mut c = Clearance {
                linkage: r.u32(88, 10) as u16,
                month: r.u32(98, 4) as u8,
                day: r.u32(102, 5) as u8,
                hour: r.u32(107, 5) as u8,
                minute: r.u32(112, 6) as u8,
                ..Default::default()
            };
            r.text(118, 20, &mut c.portname);
            r.text(238, 5, &mut c.destination);
            c.lon = r.i32(268, 25);
            c.lat = r.i32(293, 24);
            Some(BinaryPayload::Clearance(c))
        }
        (1, 30) => {
            let mut text = Text::default();
            r.text(98, 153.min(n.saturating_sub(98) / 6), &mut text);
            Some(BinaryPayload::Text { linkage: r.u32(88, 10) as u16, text })
        }
        _ => None,
    }
}

fn broadcast_payload(r: &BitReader<'_>, dac: u16, fid: u8) -> Option<BinaryPayload> {
    let n = r.len_bits();
    match (dac, fid) {
        (1, 11) => Some(BinaryPayload::MeteoHydro(MeteoHydro {
            imo289: false,
            lat: r.i32(56, 24),
            lon: r.i32(80, 25),
            accuracy: false,
            day: r.u32(105, 5) as u8,
            hour: r.u32(110, 5) as u8,
            minute: r.u32(115, 6) as u8,
            wspeed: r.u32(121, 7) as u8,
            wgust: r.u32(128, 7) as u8,
            wdir: r.u32(135, 9) as u16,
            wgustdir: r.u32(144, 9) as u16,
            airtemp: r.u32(153, 11) as i32,
            humidity: r.u32(164, 7) as u8,
            dewpoint: r.u32(171, 10) as i32,
            pressure: r.u32(181, 9) as u16,
            pressuretend: r.u32(190, 2) as u8,
            visgreater: false,
            visibility: r.u32(192, 8) as u8,
            waterlevel: r.u32(200, 9) as u16,
            leveltrend: r.u32(209, 2) as u8,
            cspeed: r.u32(211, 8) as u8,
            cdir: r.u32(219, 9) as u16,
            cspeed2: r.u32(228, 8) as u8,
            cdir2: r.u32(236, 9) as u16,
            cdepth2: r.u32(245, 5) as u8,
            cspeed3: r.u32(250, 8) as u8,
            cdir3: r.u32(258, 9) as u16,
            cdepth3: r.u32(267, 5) as u8,
            waveheight: r.u32(272, 8) as u8,
            waveperiod: r.u32(280, 6) as u8,
            wavedir: r.u32(286, 9) as u16,
            swellheight: r.u32(295, 8) as u8,
            swellperiod: r.u32(303, 6) as u8,
            swelldir: r.u32(309, 9) as u16,
            seastate: r.u32(318, 4) as u8,
            watertemp: r.u32(322, 10) as i32,
            preciptype: r.u32(332, 3) as u8,
            salinity: r.u32(335, 9) as u16,
            ice: r.u32(344, 2) as u8,
        })),
        (1, 31) => Some(BinaryPayload::MeteoHydro(MeteoHydro {
            imo289: true,
            lon: r.i32(56, 25),
            lat: r.i32(81, 24),
            accuracy: r.flag(105),
            day: r.u32(106, 5) as u8,
            hour: r.u32(111, 5) as u8,
            minute: r.u32(116, 6) as u8,
            wspeed: r.u32(122, 7) as u8,
            wgust: r.u32(129, 7) as u8,
            wdir: r.u32(136, 9) as u16,
            wgustdir: r.u32(145, 9) as u16,
            airtemp: r.i32(154, 11),
            humidity: r.u32(165, 7) as u8,
            dewpoint: r.i32(172, 10),
            pressure: r.u32(182, 9) as u16,
            pressuretend: r.u32(191, 2) as u8,
            visgreater: r.flag(193),
            visibility: r.u32(194, 7) as u8,
            waterlevel: r.u32(201, 12) as u16,
            leveltrend: r.u32(213, 2) as u8,
            cspeed: r.u32(215, 8) as u8,
            cdir: r.u32(223, 9) as u16,
            cspeed2: r.u32(232, 8) as u8,
            cdir2: r.u32(240, 9) as u16,
            cdepth2: r.u32(249, 5) as u8,
            cspeed3: r.u32(254, 8) as u8,
            cdir3: r.u32(262, 9) as u16,
            cdepth3: r.u32(271, 5) as u8,
            waveheight: r.u32(276, 8) as u8,
            waveperiod: r.u32(284, 6) as u8,
            wavedir: r.u32(290, 9) as u16,
            swellheight: r.u32(299, 8) as u8,
            swellperiod: r.u32(307, 6) as u8,
            swelldir: r.u32(313, 9) as u16,
            seastate: r.u32(322, 4) as u8,
            watertemp: r.i32(326, 10),
            preciptype: r.u32(336, 3) as u8,
            salinity: r.u32(339, 9) as u16,
            ice: r.u32(348, 2) as u8,
        })),
        (1, 13) => Some(BinaryPayload::FairwayClosed(FairwayClosed::decode(r))),
        (1, 15) => Some(BinaryPayload::AirDraught(r.u32(56, 11) as u16)),
        (1, 17) => Some(BinaryPayload::VtsTargets(VtsTargets::decode(r))),
        (1, 19) => Some(BinaryPayload::TrafficSignal(TrafficSignal::decode(r))),
        (1, 27) => Some(BinaryPayload::Route(Route::decode(r, 56))),
        (200, 23) if n == EmmaWarning::BITS => Some(BinaryPayload::EmmaWarning(EmmaWarning::decode(r))),
        (200, 24) if n == WaterLevels::BITS => Some(BinaryPayload::WaterLevels(WaterLevels::decode(r))),
        (200, 40) if n == SignalStatus::BITS => Some(BinaryPayload::SignalStatus(SignalStatus::decode(r))),
        (1, 16) if n - 56 == 136 => Some(BinaryPayload::Persons(r.u32(88, 13) as u16)),
        (1, 16) if n - 56 == 72 => Some(BinaryPayload::Persons(r.u32(55, 13) as u16)),
        (1, 29) => {
            let mut text = Text::default();
            r.text(66, 161.min(n.saturating_sub(66) / 6), &mut text);
            Some(BinaryPayload::Text { linkage: r.u32(56, 10) as u16, text })
        }
        (200, 10) if n == 168 => {
            let mut s = InlandStatic::default();
            r.text(56, 8, &mut s.vin);
            s.length = r.u32(104, 13) as u16;
            s.beam = r.u32(117, 10) as u16;
            s.shiptype = r.u32(127, 14) as u16;
            s.hazard = r.u32(141, 3) as u8;
            s.draught = r.u32(144, 11) as u16;
            s.loaded = r.u32(155, 2) as u8;
            s.speed_q = r.flag(157);
            s.course_q = r.flag(158);
            s.heading_q = r.flag(159);
            // gpsd's guard against false matches: hazard code in range.
            (s.hazard <= 5).then_some(BinaryPayload::InlandStatic(s))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::{decode, json};

    fn binary(sentences: &[&str]) -> BinaryMessage {
        match decode(sentences) {
            Message::Binary(b) => b,
            other => panic!("not a binary message: {other:?}"),
        }
    }

    mod addressed {
        use super::*;

        #[test]
        fn header_fields_and_unknown_application_stay_raw() {
            let b = binary(&["!AIVDM,1,1,,B,6B?n;be:cbapalgc;i6?Ow4,2*4A"]);
            assert_eq!((b.header.msg_type, b.header.repeat, b.header.mmsi), (6, 1, 150_834_090));
            assert_eq!(b.addressed, Some(Addressing { seqno: 3, dest_mmsi: 313_240_222, retransmit: false }));
            assert_eq!((b.dac, b.fid), (669, 11));
            let BinaryPayload::Raw(raw) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!(raw.len_bits, 48);
            assert_eq!(raw.as_bytes(), [0xeb, 0x2f, 0x11, 0x8f, 0x7f, 0xf1]);
        }

        #[test]
        fn imo236_dangerous_cargo_reads_ports_and_times() {
            let b = binary(&["!AIVDM,1,1,,A,63LBA4;WBevJ04k0=@E=B0td,0*17"]);
            let BinaryPayload::DangerousCargo(c) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!(c.lastport, "0CTES");
            assert_eq!((c.lmonth, c.lday, c.lhour, c.lminute), (5, 4, 0, 60));
            assert_eq!(c.nextport, ",");
            assert_eq!(c.dangerous, "");
            assert_eq!((c.unid, c.amount, c.unit), (0, 0, 0));
        }

        #[test]
        fn imo236_tidal_window_has_one_93_bit_entry() {
            let b = binary(&["!AIVDM,1,1,,A,6h2E:81>NmKC04p0J<000?vv20Ru,0*31"]);
            let BinaryPayload::TidalWindow(w) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!((w.month, w.day, w.count), (0, 0, 1));
            let t = w.tidals[0];
            assert_eq!((t.from_hour, t.from_min, t.to_hour, t.to_min), (1, 5, 29, 0));
            assert_eq!(json(&Message::Binary(b))["tidals"][0]["lon"], serde_json::json!(279.3388));
        }

        #[test]
        fn imo289_tidal_window_puts_longitude_first() {
            let b = binary(&["!AIVDM,1,1,,A,6h2E3MHrg19P0600@00000000000,0*02"]);
            let BinaryPayload::TidalWindow(w) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!(w.count, 1);
            assert_eq!((w.tidals[0].lon, w.tidals[0].lat), (-16_777_216, 0));
        }

        #[test]
        fn persons_on_board_in_the_136_bit_layout() {
            let b = binary(&["!AIVDO,1,1,,A,60FGbA00:``T0500j000000,2*03"]);
            assert_eq!(b.payload, BinaryPayload::Persons(2210));
        }

        #[test]
        fn clearance_time_reads_linkage_and_empty_names() {
            let b = binary(&["!AIVDM,1,1,,B,6h2E3MDrDRiB0580@00000000000,0*04"]);
            let BinaryPayload::Clearance(c) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!(c.linkage, 1);
            assert_eq!((c.portname.as_str(), c.destination.as_str()), ("", ""));
            assert_eq!((c.lon, c.lat), (0, 0));
        }

        #[test]
        fn addressed_text_runs_to_the_end_of_the_payload() {
            let b = binary(&["!AIVDM,1,1,,B,6h2E3MPr<buN05p0J00000000000,0*0A"]);
            let BinaryPayload::Text { linkage, text } = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!((linkage, text.as_str()), (1, "("));
        }

        #[test]
        fn gla_aton_monitoring_keeps_raw_voltages() {
            let b = binary(&["!AIVDM,1,1,4,B,6>jR0600V:C0>da4P106P00,2*02"]);
            let BinaryPayload::AtonMonitoring(a) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!((a.ana_int, a.ana_ext1, a.ana_ext2), (274, 1, 1));
            assert_eq!((a.racon, a.light, a.alarm, a.off_pos), (2, 2, false, false));
            assert_eq!(json(&Message::Binary(b))["ana_int"], serde_json::json!(13.7));
        }

        #[test]
        fn inland_persons_on_board() {
            let b = binary(&["!AIVDM,1,1,,B,63aGD6@0RW?8<SL4000000000000,0*11"]);
            assert_eq!(b.payload, BinaryPayload::InlandPersons { crew: 4, passengers: 0, personnel: 0 });
        }
    }

    mod broadcast {
        use super::*;

        #[test]
        fn imo236_meteo_hydro_keeps_offset_encoded_values() {
            let b = binary(&["!AIVDO,1,1,4,B,8>jR06@0Bk3:wOli;<`WPhh<1rqVBQf2V@Pdt0J82avIM2b<<Rv1t<ot=@1,2*54"]);
            assert_eq!(b.addressed, None);
            let BinaryPayload::MeteoHydro(m) = b.payload else { panic!("{:?}", b.payload) };
            assert!(!m.imo289);
            assert_eq!((m.lat, m.lon), (3_197_693, -368_039));
            assert_eq!((m.day, m.hour, m.minute), (18, 17, 15));
            assert_eq!((m.wspeed, m.wgust, m.wdir, m.wgustdir), (3, 6, 12, 15));
            assert_eq!((m.airtemp, m.waterlevel), (742, 16));
            let j = json(&Message::Binary(b));
            assert_eq!((j["airtemp"].as_f64(), j["waterlevel"].as_f64()), (Some(14.2), Some(-8.4)));
        }

        #[test]
        fn imo289_meteo_hydro_reads_not_available_sentinels() {
            let b = binary(&["!AIVDO,1,1,5,A,8>jR06@0Gwli:QQUP3en?wvlFR06EuOwgwl?wnSwe7wvlOwwsAwwnSGmwvh0,0*51"]);
            let BinaryPayload::MeteoHydro(m) = b.payload else { panic!("{:?}", b.payload) };
            assert!(m.imo289);
            assert_eq!((m.wspeed, m.wdir, m.humidity, m.airtemp), (127, 360, 101, -1024));
            assert_eq!(m.waterlevel, 4001, "4001 is IMO 289's not-available water level");
        }

        #[test]
        fn imo289_water_level_below_the_offset_wraps_as_in_gpsd() {
            let b = binary(&["!AIVDM,1,1,,B,8h2=Vg@0GwwJlAN>g9B0OwvlFR06EuOwgqtOwnSwe7wvlOwwsAwwnSGmwvh0,0*63"]);
            let BinaryPayload::MeteoHydro(m) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!(m.waterlevel, 995);
            assert_eq!(json(&Message::Binary(b))["waterlevel"], serde_json::json!(42_949_672.9));
        }

        #[test]
        fn broadcast_text_reads_linkage_and_message() {
            let b = binary(&["!AIVDO,1,1,,A,81mg=5@0GE=85<<?dPG?B<4QQ,0*54"]);
            let BinaryPayload::Text { linkage, text } = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!((linkage, text.as_str()), (333, "HELLO, WORLD!!"));
        }

        #[test]
        fn inland_static_data_reads_vin_and_dimensions() {
            let b = binary(&["!AIVDM,1,1,,B,83aDChPj2d<dL<uM=hhhI?a@6HP0,0*40"]);
            let BinaryPayload::InlandStatic(s) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!(s.vin, "02103547");
            assert_eq!((s.length, s.beam, s.shiptype, s.hazard, s.draught, s.loaded), (390, 50, 8010, 0, 204, 1));
        }

        #[test]
        fn persons_on_board_of_unexpected_length_stays_raw() {
            let b = binary(&["!AIVDM,1,1,,A,802At?00D000qFap02:lA0b@?3fw0001<:iFP2:rf0cCGp0w00,4*5E"]);
            assert_eq!((b.dac, b.fid), (1, 16));
            let BinaryPayload::Raw(raw) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!(raw.len_bits, 240);
        }
    }
}
