//! Inland AIS application payloads (DAC 200) beyond ship static data and persons on board:
//! ETA/RTA at a lock, bridge or terminal (message 6, FI 21/22), EMMA weather warnings, water
//! levels and signal status (message 8, FI 23/24/40).
//!
//! Field values are kept raw, as gpsd keeps them; [`crate::ingest::ais::json`] applies gpsd's
//! scaling. Each payload is only recognised at its exact length, as gpsd does; any other length
//! stays [`BinaryPayload::Raw`](super::BinaryPayload::Raw).
//!
//! # References
//! CCNR, *Vessel Tracking and Tracing Standard for Inland Navigation*, edition 1.2, §2.4
//! (messages 6/8, DAC 200); gpsd 3.22 `driver_ais.c`.

use super::super::{BitReader, Text};

/// Where an inland ETA/RTA applies (the ISRS location code of a lock, bridge or terminal).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct IsrsLocation {
    /// UN country code (2 characters).
    pub country: Text<2>,
    /// UN/LOCODE (3 characters).
    pub locode: Text<3>,
    /// Fairway section number.
    pub section: Text<5>,
    /// Terminal code.
    pub terminal: Text<5>,
    /// Fairway hectometre.
    pub hectometre: Text<5>,
}

impl IsrsLocation {
    fn decode(r: &BitReader<'_>) -> Self {
        let mut l = IsrsLocation::default();
        r.text(88, 2, &mut l.country);
        r.text(100, 3, &mut l.locode);
        r.text(118, 5, &mut l.section);
        r.text(148, 5, &mut l.terminal);
        r.text(178, 5, &mut l.hectometre);
        l
    }
}

/// Message 6, DAC 200 FI 21: the ship's ETA at a lock, bridge or terminal (248 bits).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct InlandEta {
    /// The lock, bridge or terminal.
    pub location: IsrsLocation,
    /// ETA month 1–12 (0 = not available).
    pub month: u8,
    /// ETA day 1–31 (0 = not available).
    pub day: u8,
    /// ETA hour 0–23 (24 = not available).
    pub hour: u8,
    /// ETA minute 0–59 (60 = not available).
    pub minute: u8,
    /// Assisting tugs (7 = unknown).
    pub tugs: u8,
    /// Air draught, 1/100 m (0 = unknown).
    pub airdraught: u16,
}

impl InlandEta {
    /// Payload length gpsd requires.
    pub const BITS: usize = 248;

    /// Decode from a message-6 payload of [`Self::BITS`] bits.
    pub fn decode(r: &BitReader<'_>) -> Self {
        InlandEta {
            location: IsrsLocation::decode(r),
            month: r.u32(208, 4) as u8,
            day: r.u32(212, 5) as u8,
            hour: r.u32(217, 5) as u8,
            minute: r.u32(222, 6) as u8,
            tugs: r.u32(228, 3) as u8,
            airdraught: r.u32(231, 12) as u16,
        }
    }
}

/// Message 6, DAC 200 FI 22: the authority's requested time of arrival (RTA) (232 bits).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct InlandRta {
    /// The lock, bridge or terminal.
    pub location: IsrsLocation,
    /// RTA month 1–12 (0 = not available).
    pub month: u8,
    /// RTA day 1–31 (0 = not available).
    pub day: u8,
    /// RTA hour 0–23 (24 = not available).
    pub hour: u8,
    /// RTA minute 0–59 (60 = not available).
    pub minute: u8,
    /// Lock/bridge/terminal status: 0 operational, 1 limited operation, 2 out of order, 3 N/A.
    pub status: u8,
}

impl InlandRta {
    /// Payload length gpsd requires.
    pub const BITS: usize = 232;

    /// Decode from a message-6 payload of [`Self::BITS`] bits.
    pub fn decode(r: &BitReader<'_>) -> Self {
        InlandRta {
            location: IsrsLocation::decode(r),
            month: r.u32(208, 4) as u8,
            day: r.u32(212, 5) as u8,
            hour: r.u32(217, 5) as u8,
            minute: r.u32(222, 6) as u8,
            status: r.u32(228, 2) as u8,
        }
    }
}

/// Message 8, DAC 200 FI 23: EMMA weather warning for an inland area (256 bits).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EmmaWarning {
    /// Start year since 2000.
    pub start_year: u8,
    /// Start month.
    pub start_month: u8,
    /// Start day.
    pub start_day: u8,
    /// End year since 2000.
    pub end_year: u8,
    /// End month.
    pub end_month: u8,
    /// End day.
    pub end_day: u8,
    /// Start hour.
    pub start_hour: u8,
    /// Start minute.
    pub start_minute: u8,
    /// End hour.
    pub end_hour: u8,
    /// End minute.
    pub end_minute: u8,
    /// Start of the area, longitude in 1/10000 minute.
    pub start_lon: i32,
    /// Start of the area, latitude in 1/10000 minute.
    pub start_lat: i32,
    /// End of the area, longitude in 1/10000 minute.
    pub end_lon: i32,
    /// End of the area, latitude in 1/10000 minute.
    pub end_lat: i32,
    /// Weather type: 0 N/A, 1 wind, 2 rain, 3 snow and ice, 4 thunderstorm, 5 fog, 6 low
    /// temperature, 7 high temperature, 8 flood, 9 forest fire. gpsd prints it as `"type"`.
    pub kind: u8,
    /// Minimum value (unit depends on `kind`).
    pub min: i16,
    /// Maximum value.
    pub max: i16,
    /// Classification: 0 slight, 1 medium, 2 strong. gpsd prints it as `"class"`.
    pub intensity: u8,
    /// Wind direction: 0 N/A, 1 north, … 8 north-west (clockwise in 45° steps).
    pub wind: u8,
}

impl EmmaWarning {
    /// Payload length gpsd requires.
    pub const BITS: usize = 256;

    /// Decode from a message-8 payload of [`Self::BITS`] bits.
    pub fn decode(r: &BitReader<'_>) -> Self {
        EmmaWarning {
            start_year: r.u32(56, 8) as u8,
            start_month: r.u32(64, 4) as u8,
            start_day: r.u32(68, 5) as u8,
            end_year: r.u32(73, 8) as u8,
            end_month: r.u32(81, 4) as u8,
            end_day: r.u32(85, 5) as u8,
            start_hour: r.u32(90, 5) as u8,
            start_minute: r.u32(95, 6) as u8,
            end_hour: r.u32(101, 5) as u8,
            end_minute: r.u32(106, 6) as u8,
            start_lon: r.i32(112, 28),
            start_lat: r.i32(140, 27),
            end_lon: r.i32(167, 28),
            end_lat: r.i32(195, 27),
            kind: r.u32(222, 4) as u8,
            min: r.i32(226, 9) as i16,
            max: r.i32(235, 9) as i16,
            intensity: r.u32(244, 2) as u8,
            wind: r.u32(246, 4) as u8,
        }
    }
}

/// One water-level gauge reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Gauge {
    /// Gauge id (0 = unknown).
    pub id: u16,
    /// Water level, cm (0 = unknown).
    pub level: i16,
}

/// Message 8, DAC 200 FI 24: water levels at up to four gauges (168 bits).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WaterLevels {
    /// UN country code (2 characters).
    pub country: Text<2>,
    /// The four gauge slots, in transmitted order (unused slots have id 0).
    pub gauges: [Gauge; 4],
}

impl WaterLevels {
    /// Payload length gpsd requires.
    pub const BITS: usize = 168;

    /// Decode from a message-8 payload of [`Self::BITS`] bits.
    pub fn decode(r: &BitReader<'_>) -> Self {
        let mut w = WaterLevels::default();
        r.text(56, 2, &mut w.country);
        for (k, g) in w.gauges.iter_mut().enumerate() {
            let a = 68 + 25 * k;
            *g = Gauge { id: r.u32(a, 11) as u16, level: r.i32(a + 11, 14) as i16 };
        }
        w
    }
}

/// Message 8, DAC 200 FI 40: status of a traffic signal (168 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignalStatus {
    /// Signal position, longitude in 1/10000 minute.
    pub lon: i32,
    /// Signal position, latitude in 1/10000 minute.
    pub lat: i32,
    /// Signal form (0 = unknown).
    pub form: u8,
    /// Orientation, degrees (0 = unknown).
    pub facing: u16,
    /// Direction of impact: 0 unknown, 1 upstream, 2 downstream, 3 to left bank, 4 to right bank.
    pub direction: u8,
    /// Light status, as transmitted (ten 3-bit light states).
    pub status: u32,
}

impl SignalStatus {
    /// Payload length gpsd requires.
    pub const BITS: usize = 168;

    /// Decode from a message-8 payload of [`Self::BITS`] bits.
    pub fn decode(r: &BitReader<'_>) -> Self {
        SignalStatus {
            lon: r.i32(56, 28),
            lat: r.i32(84, 27),
            form: r.u32(111, 4) as u8,
            facing: r.u32(115, 9) as u16,
            direction: r.u32(124, 3) as u8,
            status: r.u32(127, 30),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::binary::BinaryPayload;
    use crate::ingest::ais::test_support::{decode, json};
    use crate::ingest::ais::{Message, binary::BinaryMessage};

    fn binary(sentences: &[&str]) -> BinaryMessage {
        match decode(sentences) {
            Message::Binary(b) => b,
            other => panic!("not a binary message: {other:?}"),
        }
    }

    mod emma_warning {
        use super::*;

        const PYAIS: &str = "!AIVDO,1,1,,A,8007R@0j5iaG3BiLuO473qp2N=003=LL0k6wh?2Wf80,2*4D";

        #[test]
        fn decodes_dates_area_and_classification() {
            let BinaryPayload::EmmaWarning(e) = binary(&[PYAIS]).payload else { panic!() };
            assert_eq!((e.start_year, e.start_month, e.start_day, e.start_hour, e.start_minute), (26, 5, 14, 14, 30));
            assert_eq!((e.end_year, e.end_month, e.end_day, e.end_hour, e.end_minute), (26, 5, 17, 23, 49));
            assert_eq!(
                (e.start_lon, e.start_lat, e.end_lon, e.end_lat),
                (7_404_000, 20_736_000, 6_732_000, 13_398_000)
            );
            assert_eq!((e.kind, e.min, e.max, e.intensity, e.wind), (3, -123, 123, 2, 2));
        }

        #[test]
        fn json_repeats_type_and_class_keys_so_parsers_see_gpsds_last_values() {
            let m = decode(&[PYAIS]);
            let mut raw = Vec::new();
            crate::ingest::ais::write_gpsd_json(&m, &mut raw);
            let text = String::from_utf8(raw).unwrap();
            assert!(text.starts_with(r#"{"class":"AIS","type":8,"#), "{text}");
            assert!(text.contains(r#""type":3,"min":-123,"max":123,"class":2,"wind":2}"#), "{text}");
            let j = json(&m);
            assert_eq!((j["type"].as_u64(), j["class"].as_u64()), (Some(3), Some(2)));
            // gpsd's argument order: year-month-hourTminute:day.
            assert_eq!(j["start"], "2026-05-14T30:14");
            assert_eq!(j["end"], "2026-05-17T23:49");
        }

        #[test]
        fn other_lengths_stay_raw() {
            // The same payload cut to 252 bits.
            let b = binary(&["!AIVDM,1,1,,A,8007R@0j5iaG3BiLuO473qp2N=003=LL0k6wh?2Wf8,0*7D"]);
            assert!(matches!(b.payload, BinaryPayload::Raw(r) if r.len_bits == 196), "{:?}", b.payload);
        }
    }

    mod water_levels {
        use super::*;

        #[test]
        fn decodes_four_gauges_with_signed_levels() {
            let BinaryPayload::WaterLevels(w) = binary(&["!AIVDO,1,1,,A,8007R@0j60006000Nh0bJGwewtW4,0*68"]).payload
            else {
                panic!()
            };
            assert_eq!(w.country, "");
            let got: Vec<_> = w.gauges.iter().map(|g| (g.id, g.level)).collect();
            assert_eq!(got, [(12, 0), (123, 10), (1234, -10), (2047, 2500)]);
        }

        #[test]
        fn reads_the_country_code() {
            // From libais's test data (Austrian gauges).
            let BinaryPayload::WaterLevels(w) = binary(&["!AIVDM,1,1,,A,801tME0j60E04QJp1hhL10G20DH1,0*11"]).payload
            else {
                panic!()
            };
            assert_eq!(w.country, "AT");
            let got: Vec<_> = w.gauges.iter().map(|g| (g.id, g.level)).collect();
            assert_eq!(got, [(9, 727), (7, 775), (8, 737), (5, 1537)]);
        }
    }

    mod signal_status {
        use super::*;

        #[test]
        fn decodes_position_form_and_light_status() {
            let BinaryPayload::SignalStatus(s) = binary(&["!AIVDO,1,1,,A,8007R@0j:1<RL0gfD21PD3cNIN00,0*31"]).payload
            else {
                panic!()
            };
            assert_eq!((s.lon, s.lat), (20_064_000, -34_134_000));
            assert_eq!((s.form, s.facing, s.direction, s.status), (3, 5, 0, 123_456_700));
        }
    }

    mod eta_and_rta {
        use super::*;

        #[test]
        fn eta_reads_location_time_tugs_and_air_draught() {
            // Encoded for this test: NL AMS 00123 TERM1 00042, ETA 06-17 13:26, 2 tugs, 12.34 m.
            let b = binary(&["!AIVDM,1,1,,A,6>eq`dDr;9@0<QDph4m?337;=@E8o7333C9`eJBJ@0,4*03"]);
            let BinaryPayload::InlandEta(e) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!(e.location.country, "NL");
            assert_eq!(e.location.locode, "AMS");
            assert_eq!(e.location.section, "00123");
            assert_eq!(e.location.terminal, "TERM1");
            assert_eq!(e.location.hectometre, "00042");
            assert_eq!((e.month, e.day, e.hour, e.minute, e.tugs, e.airdraught), (6, 17, 13, 26, 2, 1234));
            assert_eq!(json(&Message::Binary(b))["eta"], "6-17T13:26");
        }

        #[test]
        fn rta_reads_location_time_and_status() {
            let b = binary(&["!AIVDM,1,1,,A,6>eq`dDr;9@0<QHph4m?337;=@E8o7333C9`eJP,2*21"]);
            let BinaryPayload::InlandRta(e) = b.payload else { panic!("{:?}", b.payload) };
            assert_eq!(e.location.locode, "AMS");
            assert_eq!((e.month, e.day, e.hour, e.minute, e.status), (6, 17, 13, 26, 2));
        }
    }
}
