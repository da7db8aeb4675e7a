//! International application payloads (DAC 1) beyond meteo-hydro, tidal windows, clearance and
//! text: fairway closed (IMO 236 FI 13), VTS-generated targets (FI 17), marine traffic signal
//! (FI 19), berthing data (FI 20), dangerous cargo (IMO 289 FI 25) and route information (FI 27
//! broadcast, FI 28 addressed).
//!
//! Field values are kept raw, as gpsd keeps them; [`crate::ingest::ais::json`] applies gpsd's
//! scaling. Repeated groups are decoded as far as gpsd's loops go, which for FI 17, 25, 27 and 28
//! is past the capacity of gpsd's own arrays (gpsd writes on into its union and prints them all),
//! so the capacities here are the most a 1008-bit payload can hold.
//!
//! # References
//! IMO SN.1/Circ.236 (2004) and SN.1/Circ.289 (2010), *Guidance on the use of AIS application-
//! specific messages*; gpsd 3.22 `driver_ais.c`.

use super::super::{BitReader, Text};

/// Message 8, DAC 1 FI 13 (IMO 236): fairway closed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FairwayClosed {
    /// Reason for closing.
    pub reason: Text<20>,
    /// Location of closing, from.
    pub closefrom: Text<20>,
    /// Location of closing, to.
    pub closeto: Text<20>,
    /// Radius extension (10001 = not available).
    pub radius: u16,
    /// Unit of the extension: 0 N/A, 1 km, 2 nm, 3 reserved.
    pub extunit: u8,
    /// Closed from: day.
    pub fday: u8,
    /// Closed from: month.
    pub fmonth: u8,
    /// Closed from: hour.
    pub fhour: u8,
    /// Closed from: minute.
    pub fminute: u8,
    /// Closed to: day.
    pub tday: u8,
    /// Closed to: month.
    pub tmonth: u8,
    /// Closed to: hour.
    pub thour: u8,
    /// Closed to: minute.
    pub tminute: u8,
}

impl FairwayClosed {
    /// Decode from a message-8 payload (gpsd checks no length; missing bits read as zero).
    pub fn decode(r: &BitReader<'_>) -> Self {
        let mut f = FairwayClosed {
            radius: r.u32(416, 10) as u16,
            extunit: r.u32(426, 2) as u8,
            fday: r.u32(428, 5) as u8,
            fmonth: r.u32(433, 4) as u8,
            fhour: r.u32(437, 5) as u8,
            fminute: r.u32(442, 6) as u8,
            tday: r.u32(448, 5) as u8,
            tmonth: r.u32(453, 4) as u8,
            thour: r.u32(457, 5) as u8,
            tminute: r.u32(462, 6) as u8,
            ..Default::default()
        };
        r.text(56, 20, &mut f.reason);
        r.text(176, 20, &mut f.closefrom);
        r.text(296, 20, &mut f.closeto);
        f
    }
}

/// How a VTS target is identified.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TargetId {
    /// 0: MMSI. gpsd reads 42 bits into a 32-bit field, so this is their low 32 bits.
    Mmsi(u32),
    /// 1: IMO number, low 32 bits as for `Mmsi`.
    Imo(u32),
    /// 2: call sign (7 characters).
    Callsign(Text<7>),
    /// 3: other identifier (7 characters).
    Other(Text<7>),
}

impl Default for TargetId {
    fn default() -> Self {
        TargetId::Mmsi(0)
    }
}

impl TargetId {
    /// The 2-bit identifier type as transmitted.
    pub fn idtype(&self) -> u8 {
        match self {
            TargetId::Mmsi(_) => 0,
            TargetId::Imo(_) => 1,
            TargetId::Callsign(_) => 2,
            TargetId::Other(_) => 3,
        }
    }
}

/// One VTS-generated (synthetic) target.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VtsTarget {
    /// Identifier.
    pub id: TargetId,
    /// Latitude, 1/1000 minute.
    pub lat: i32,
    /// Longitude, 1/1000 minute.
    pub lon: i32,
    /// Course over ground, degrees (360 = not available).
    pub course: u16,
    /// UTC second (60 = not available).
    pub second: u8,
    /// Speed over ground, knots (255 = not available).
    pub speed: u16,
}

/// Message 8, DAC 1 FI 17 (IMO 289): VTS-generated/synthetic targets, 122 bits each.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VtsTargets {
    /// Number of targets in `targets`.
    pub count: u8,
    /// Targets; only the first `count` are meaningful.
    pub targets: [VtsTarget; 8],
}

impl VtsTargets {
    /// The targets present.
    pub fn as_slice(&self) -> &[VtsTarget] {
        &self.targets[..usize::from(self.count)]
    }

    /// Decode from a message-8 payload. Like gpsd, a target is read whenever it *starts* within
    /// the payload, so the last one may be read partly from zero bits.
    pub fn decode(r: &BitReader<'_>) -> Self {
        let mut v = VtsTargets::default();
        let mut u = 0;
        while 56 + 122 * u <= r.len_bits() && u < v.targets.len() {
            let a = 56 + 122 * u;
            let id = match r.u32(a, 2) {
                0 => TargetId::Mmsi(r.u(a + 2, 42) as u32),
                1 => TargetId::Imo(r.u(a + 2, 42) as u32),
                kind => {
                    let mut t = Text::default();
                    r.text(a + 2, 7, &mut t);
                    if kind == 2 { TargetId::Callsign(t) } else { TargetId::Other(t) }
                }
            };
            v.targets[u] = VtsTarget {
                id,
                lat: r.i32(a + 48, 24),
                lon: r.i32(a + 72, 25),
                course: r.u32(a + 97, 9) as u16,
                second: r.u32(a + 106, 6) as u8,
                speed: r.u32(a + 112, 10) as u16,
            };
            u += 1;
        }
        v.count = u as u8;
        v
    }
}

/// Message 8, DAC 1 FI 19 (IMO 289): marine traffic signal.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TrafficSignal {
    /// Message linkage id.
    pub linkage: u16,
    /// Name of the signal station.
    pub station: Text<20>,
    /// Longitude, 1/1000 minute.
    pub lon: i32,
    /// Latitude, 1/1000 minute.
    pub lat: i32,
    /// Status of the signal: 0 N/A, 1 in regular service, 2 irregular, 3 reserved.
    pub status: u8,
    /// Signal in service (IMO 289 Table 19.2 code).
    pub signal: u8,
    /// UTC hour of the next shift (24 = not available).
    pub hour: u8,
    /// UTC minute of the next shift (60 = not available).
    pub minute: u8,
    /// Expected next signal (same code as `signal`).
    pub nextsignal: u8,
}

impl TrafficSignal {
    /// Decode from a message-8 payload (gpsd checks no length; missing bits read as zero).
    pub fn decode(r: &BitReader<'_>) -> Self {
        let mut s = TrafficSignal {
            linkage: r.u32(56, 10) as u16,
            lon: r.i32(186, 25),
            lat: r.i32(211, 24),
            status: r.u32(235, 2) as u8,
            signal: r.u32(237, 5) as u8,
            hour: r.u32(242, 5) as u8,
            minute: r.u32(247, 6) as u8,
            nextsignal: r.u32(253, 5) as u8,
            ..Default::default()
        };
        r.text(66, 20, &mut s.station);
        s
    }
}

/// Names of the 26 two-bit service-availability fields of [`Berthing`], in transmitted order
/// (also gpsd's JSON keys). Each value: 0 not available/unknown, 1 available, 2 no, 3 reserved.
pub const BERTH_SERVICES: [&str; 26] = [
    "agent",
    "fuel",
    "chandler",
    "stevedore",
    "electrical",
    "water",
    "customs",
    "cartage",
    "crane",
    "lift",
    "medical",
    "navrepair",
    "provisions",
    "shiprepair",
    "surveyor",
    "steam",
    "tugs",
    "solidwaste",
    "liquidwaste",
    "hazardouswaste",
    "ballast",
    "additional",
    "regional1",
    "regional2",
    "future1",
    "future2",
];

/// Message 6, DAC 1 FI 20 (IMO 289): berthing data.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Berthing {
    /// Message linkage id.
    pub linkage: u16,
    /// Berth length, m (0 = not available).
    pub berth_length: u16,
    /// Water depth at the berth, 1/10 m (0 = not available).
    pub berth_depth: u8,
    /// Mooring position: 0 N/A, 1 port-side to, 2 starboard-side to, 3 Mediterranean mooring,
    /// 4 mooring buoy, 5 anchorage.
    pub position: u8,
    /// Arrival month.
    pub month: u8,
    /// Arrival day.
    pub day: u8,
    /// Arrival hour.
    pub hour: u8,
    /// Arrival minute.
    pub minute: u8,
    /// Services availability known.
    pub availability: bool,
    /// The services, named by [`BERTH_SERVICES`].
    pub services: [u8; 26],
    /// Name of the berth.
    pub berth_name: Text<20>,
    /// Berth longitude, 1/1000 minute.
    pub berth_lon: i32,
    /// Berth latitude, 1/1000 minute.
    pub berth_lat: i32,
}

impl Berthing {
    /// Decode from a message-6 payload (gpsd checks no length; missing bits read as zero).
    pub fn decode(r: &BitReader<'_>) -> Self {
        let mut b = Berthing {
            linkage: r.u32(88, 10) as u16,
            berth_length: r.u32(98, 9) as u16,
            berth_depth: r.u32(107, 8) as u8,
            position: r.u32(115, 3) as u8,
            month: r.u32(118, 4) as u8,
            day: r.u32(122, 5) as u8,
            hour: r.u32(127, 5) as u8,
            minute: r.u32(132, 6) as u8,
            availability: r.flag(138),
            berth_lon: r.i32(311, 25),
            berth_lat: r.i32(336, 24),
            ..Default::default()
        };
        for (k, s) in b.services.iter_mut().enumerate() {
            *s = r.u32(139 + 2 * k, 2) as u8;
        }
        r.text(191, 20, &mut b.berth_name);
        b
    }
}

/// One cargo entry of [`CargoList`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cargo {
    /// Code under which the cargo is carried (IMDG, BC, MARPOL …), 0 = not available.
    pub code: u8,
    /// Subtype (class, UN number …) within that code.
    pub subtype: u16,
}

/// Message 6, DAC 1 FI 25 (IMO 289): dangerous cargo indication, 17 bits per cargo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CargoList {
    /// Unit of quantity: 0 N/A, 1 kg, 2 tonnes, 3 1000 tonnes.
    pub unit: u8,
    /// Amount of cargo.
    pub amount: u16,
    /// Number of entries in `cargos`.
    pub count: u8,
    /// Cargos; only the first `count` are meaningful.
    pub cargos: [Cargo; 54],
}

impl Default for CargoList {
    fn default() -> Self {
        CargoList { unit: 0, amount: 0, count: 0, cargos: [Cargo::default(); 54] }
    }
}

impl CargoList {
    /// The cargos present.
    pub fn as_slice(&self) -> &[Cargo] {
        &self.cargos[..usize::from(self.count)]
    }

    /// Decode from a message-6 payload. Like gpsd, an entry is read whenever it starts before
    /// the end of the payload.
    pub fn decode(r: &BitReader<'_>) -> Self {
        let mut c = CargoList { unit: r.u32(88, 2) as u8, amount: r.u32(90, 10) as u16, ..CargoList::default() };
        let mut u = 0;
        while 100 + 17 * u < r.len_bits() && u < c.cargos.len() {
            c.cargos[u] = Cargo { code: r.u32(100 + 17 * u, 4) as u8, subtype: r.u32(104 + 17 * u, 13) as u16 };
            u += 1;
        }
        c.count = u as u8;
        c
    }
}

/// One route waypoint, 1/10000 minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Waypoint {
    /// Longitude, 1/10000 minute.
    pub lon: i32,
    /// Latitude, 1/10000 minute.
    pub lat: i32,
}

/// Message 8, DAC 1 FI 27 (broadcast) and message 6, DAC 1 FI 28 (addressed) (IMO 289): route
/// information.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Route {
    /// Message linkage id.
    pub linkage: u16,
    /// Sender class: 0 ship, 1 authority, 2–7 reserved.
    pub sender: u8,
    /// Route type (IMO 289 Table 27.2; 31 = cancel the route of this linkage id).
    pub rtype: u8,
    /// Start month.
    pub month: u8,
    /// Start day.
    pub day: u8,
    /// Start hour.
    pub hour: u8,
    /// Start minute.
    pub minute: u8,
    /// Duration, minutes (0 = cancel route).
    pub duration: u32,
    /// Number of waypoints transmitted (0–31); all are decoded, past the payload as zero bits.
    pub waycount: u8,
    /// Waypoints; only the first `waycount` are meaningful.
    pub waypoints: [Waypoint; 31],
}

impl Route {
    /// The waypoints present.
    pub fn as_slice(&self) -> &[Waypoint] {
        &self.waypoints[..usize::from(self.waycount)]
    }

    /// Decode with the fields starting at bit `base` (56 for message 8, 88 for message 6).
    pub fn decode(r: &BitReader<'_>, base: usize) -> Self {
        let mut w = Route {
            linkage: r.u32(base, 10) as u16,
            sender: r.u32(base + 10, 3) as u8,
            rtype: r.u32(base + 13, 5) as u8,
            month: r.u32(base + 18, 4) as u8,
            day: r.u32(base + 22, 5) as u8,
            hour: r.u32(base + 27, 5) as u8,
            minute: r.u32(base + 32, 6) as u8,
            duration: r.u32(base + 38, 18),
            waycount: r.u32(base + 56, 5) as u8,
            ..Default::default()
        };
        for (k, p) in w.waypoints[..usize::from(w.waycount)].iter_mut().enumerate() {
            let a = base + 61 + 55 * k;
            *p = Waypoint { lon: r.i32(a, 28), lat: r.i32(a + 28, 27) };
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ais::Message;
    use crate::ingest::ais::binary::{BinaryMessage, BinaryPayload};
    use crate::ingest::ais::test_support::{decode, json};

    fn binary(sentences: &[&str]) -> BinaryMessage {
        match decode(sentences) {
            Message::Binary(b) => b,
            other => panic!("not a binary message: {other:?}"),
        }
    }

    mod vts_targets {
        use super::*;

        const PYAIS: &str = "!AIVDO,1,1,,A,80:e1<00D@2lOwwsAwQNhe1<00D@2pd1PQ;lFR06EuSmQNhFR06EuSmQ,0*52";

        #[test]
        fn reads_every_target_that_starts_within_the_payload() {
            let BinaryPayload::VtsTargets(v) = binary(&[PYAIS]).payload else { panic!() };
            assert_eq!(v.count, 3);
            let t = v.targets[0];
            assert_eq!(t.id, TargetId::Mmsi(1_207_959_476));
            assert_eq!((t.lat, t.lon, t.course, t.second, t.speed), (-500_030, -6_252_544, 20, 16, 46));
            // The third starts at bit 300 of 336: the rest reads as zero bits, as in gpsd.
            assert_eq!(v.targets[2].id, TargetId::Mmsi(4_131_217_664));
            assert_eq!((v.targets[2].lat, v.targets[2].speed), (0, 0));
        }

        #[test]
        fn json_prints_numeric_identifiers_as_strings() {
            let j = json(&decode(&[PYAIS]));
            assert_eq!(j["targets"][1]["mmsi"], "1619311894");
            assert_eq!(j["targets"][1]["lat"], serde_json::json!(-139.7019));
        }
    }

    mod traffic_signal {
        use super::*;

        const PYAIS: &str = "!AIVDO,1,1,,A,802R5Ph0DmA;95<P8?<D5>1E000000018s`6><78o=T00000000000000000,0*65";

        #[test]
        fn reads_station_position_and_signals() {
            let BinaryPayload::TrafficSignal(s) = binary(&[PYAIS]).payload else { panic!() };
            assert_eq!((s.linkage, s.station.as_str()), (337, "KIEL HOLTENAU"));
            assert_eq!((s.lon, s.lat), (597_456, 3_261_966));
            assert_eq!((s.status, s.signal, s.hour, s.minute, s.nextsignal), (1, 3, 14, 27, 4));
        }

        #[test]
        fn json_is_valid_where_gpsd_drops_a_comma() {
            // gpsd prints `"nextsignal":4"nextsignal_text":…`; ours parses, with gpsd's values.
            let j = json(&decode(&[PYAIS]));
            assert_eq!((j["nextsignal"].as_u64(), j["lat"].as_f64()), (Some(4), Some(54.3661)));
        }
    }

    mod berthing {
        use super::*;

        const PYAIS: &str = "!AIVDO,1,1,,A,60FGbA00:``T05@00002M=0000000000J2HHNT620000000000000hBQ943c,0*19";

        #[test]
        fn reads_berth_name_position_and_arrival() {
            let BinaryPayload::Berthing(b) = binary(&[PYAIS]).payload else { panic!() };
            assert_eq!(b.berth_name, "MALLORCA");
            assert_eq!((b.berth_lon, b.berth_lat), (197_793, 2_375_915));
            assert_eq!((b.month, b.day, b.hour, b.minute), (9, 26, 13, 0));
            assert_eq!((b.berth_length, b.berth_depth, b.position), (0, 0, 0));
            assert!(!b.availability);
            assert_eq!(b.services, [0; 26]);
        }

        #[test]
        fn json_writes_gpsds_unpadded_arrival_and_every_service() {
            let j = json(&decode(&[PYAIS]));
            assert_eq!(j["arrival"], "9-26T13:0");
            for name in BERTH_SERVICES {
                assert_eq!(j[name], 0, "{name}");
            }
            assert_eq!(j["berth_depth"], serde_json::json!(0.0));
        }
    }

    mod cargo_list {
        use super::*;

        #[test]
        fn reads_unit_amount_and_each_17_bit_cargo() {
            // Encoded for this test: 500 tonnes; IMDG 1203, class 3, MARPOL annex I.
            let b = binary(&["!AIVDM,1,1,,A,63`dU0Dr;9@805VO@BFI00l000,5*46"]);
            let BinaryPayload::CargoList(c) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!((c.unit, c.amount), (2, 500));
            let got: Vec<_> = c.as_slice().iter().map(|g| (g.code, g.subtype)).collect();
            assert_eq!(got, [(1, 1203), (2, 3), (4, 0)]);
        }
    }

    mod route {
        use super::*;

        #[test]
        fn addressed_route_reads_its_waypoints() {
            let b = binary(&["!AIVDM,1,1,,A,63`dU0Dr;9@805h1j=`eJ01p41BIL1oUkhwSHtPrsv@0,5*3B"]);
            assert_eq!((b.dac, b.fid), (1, 28));
            let BinaryPayload::Route(r) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!((r.linkage, r.sender, r.rtype, r.duration), (7, 1, 3, 120));
            assert_eq!((r.month, r.day, r.hour, r.minute), (6, 17, 13, 26));
            assert_eq!(
                r.as_slice(),
                [Waypoint { lon: 2_700_000, lat: 31_350_000 }, Waypoint { lon: -1_875_000, lat: 30_900_000 }]
            );
        }

        #[test]
        fn broadcast_route_starts_at_bit_56() {
            let m = decode(&["!AIVDM,1,1,,A,802Ds@@0Fh78nRm`07P859Uh7NG?0,2*66"]);
            let Message::Binary(BinaryMessage { payload: BinaryPayload::Route(r), .. }) = m else { panic!("{m:?}") };
            assert_eq!((r.linkage, r.waycount), (7, 1));
            assert_eq!(json(&m)["waypoints"][0]["lat"], serde_json::json!(52.25));
        }
    }

    mod fairway_closed {
        use super::*;

        #[test]
        fn reads_reason_places_and_period() {
            let b = binary(&[
                "!AIVDM,2,1,4,A,802Ds@@0CB@i@000000000000000033hjp<@000000000000033hjp<P0000,0*64",
                "!AIVDM,2,2,4,A,0000000000?HdmbC800,2*77",
            ]);
            let BinaryPayload::FairwayClosed(f) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!((f.reason.as_str(), f.closefrom.as_str(), f.closeto.as_str()), ("ICE", "LOCK 1", "LOCK 2"));
            assert_eq!((f.radius, f.extunit), (15, 1));
            assert_eq!((f.fmonth, f.fday, f.fhour, f.fminute), (6, 17, 13, 26));
            assert_eq!((f.tmonth, f.tday, f.thour, f.tminute), (6, 18, 8, 0));
        }
    }
}
