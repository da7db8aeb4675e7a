//! Position reports → [`Detection`]s for the tracker.

use super::Message;
use crate::detection::{Detection, Identity, Position, SensorKind, Velocity};

/// 1-σ position error for a high-accuracy (DGNSS, < 10 m) report, metres.
const SIGMA_HIGH_M: f64 = 10.0;
/// 1-σ position error for a low-accuracy (> 10 m) report, metres.
const SIGMA_LOW_M: f64 = 30.0;

/// Turn a position-bearing message (1/2/3, 9, 18, 19, 27) into a detection, so AIS feeds the
/// tracker like any other sensor. `None` for other types and for unavailable positions.
///
/// # Units
/// `time_s`: seconds since the Unix epoch (the caller's reception time). Output in degrees,
/// metres, knots.
pub fn to_detection(msg: &Message, time_s: f64, sensor: &str) -> Option<Detection> {
    let (mmsi, lat, lon, div, accuracy, velocity) = match msg {
        Message::Position(p) => (
            p.header.mmsi,
            p.lat?,
            p.lon?,
            600_000.0,
            p.accuracy,
            vel(p.speed_dkn.map(|s| f64::from(s) / 10.0), p.course_ddeg.map(|c| f64::from(c) / 10.0)),
        ),
        Message::ClassB(p) => (
            p.header.mmsi,
            p.lat?,
            p.lon?,
            600_000.0,
            p.accuracy,
            vel(p.speed_dkn.map(|s| f64::from(s) / 10.0), p.course_ddeg.map(|c| f64::from(c) / 10.0)),
        ),
        Message::Sar(p) => (
            p.header.mmsi,
            p.lat?,
            p.lon?,
            600_000.0,
            p.accuracy,
            vel(p.speed_kn.map(f64::from), p.course_ddeg.map(|c| f64::from(c) / 10.0)),
        ),
        Message::LongRange(p) => (
            p.header.mmsi,
            p.lat?,
            p.lon?,
            600.0,
            p.accuracy,
            vel(p.speed_kn.map(f64::from), p.course_deg.map(f64::from)),
        ),
        _ => return None,
    };
    let (lat_deg, lon_deg) = (f64::from(lat) / div, f64::from(lon) / div);
    if !(-90.0..=90.0).contains(&lat_deg) || !(-180.0..=180.0).contains(&lon_deg) {
        return None;
    }
    let name = match msg {
        Message::ClassB(p) => p.extended.map(|x| x.shipname.as_str().to_owned()).filter(|n| !n.is_empty()),
        _ => None,
    };
    Some(Detection {
        time_s,
        sensor: sensor.to_owned(),
        kind: SensorKind::Ais,
        position: Position::circular(lat_deg, lon_deg, if accuracy { SIGMA_HIGH_M } else { SIGMA_LOW_M }),
        velocity,
        identity: Identity { mmsi: Some(mmsi), name, target_number: None },
        length_m: static_length_m(msg).map(|(_, l)| l),
    })
}

/// The declared hull length (to bow + to stern, metres) and MMSI of a static message: 5, 19, or
/// 24 part B. Why: the anomaly rules compare it with the length the cameras see. `None` when
/// the dimensions are not available (zero); 511 m per side means "511 m or more".
///
/// # References
/// ITU-R M.1371-5 Annex 8 Table 51 (dimension fields), messages 5, 19 and 24B.
pub fn static_length_m(msg: &Message) -> Option<(u32, f64)> {
    let (mmsi, bow, stern) = match msg {
        Message::StaticVoyage(m) => (m.header.mmsi, m.to_bow, m.to_stern),
        Message::ClassB(p) => {
            let x = p.extended?;
            (p.header.mmsi, x.to_bow, x.to_stern)
        }
        Message::StaticData(m) if m.part != super::static_data::Part::A => (m.header.mmsi, m.b.to_bow, m.b.to_stern),
        _ => return None,
    };
    let l = f64::from(bow) + f64::from(stern);
    (bow > 0 || stern > 0).then_some((mmsi, l))
}

/// Declared hull lengths by MMSI, learnt from static messages and carried onto later position
/// reports. Why: static data (5, 24B) arrives apart from positions, and the identity rule needs
/// the declared length on the vessel's track. Bounded: past [`DeclaredLengths::CAPACITY`] ships a
/// new MMSI is not remembered (a flood of forged MMSIs cannot grow it).
#[derive(Debug, Default, Clone)]
pub struct DeclaredLengths(std::collections::HashMap<u32, f64>);

impl DeclaredLengths {
    /// Ships remembered at most.
    pub const CAPACITY: usize = 65_536;

    /// Remember `msg`'s declared length when it is a static message.
    pub fn observe(&mut self, msg: &Message) {
        if let Some((mmsi, l)) = static_length_m(msg)
            && (self.0.len() < Self::CAPACITY || self.0.contains_key(&mmsi))
        {
            self.0.insert(mmsi, l);
        }
    }

    /// Fill `d`'s length from its ship's declaration when the report itself carries none.
    pub fn fill(&self, d: &mut Detection) {
        if d.length_m.is_none() {
            d.length_m = d.identity.mmsi.and_then(|m| self.0.get(&m).copied());
        }
    }
}

fn vel(sog_kn: Option<f64>, cog_deg: Option<f64>) -> Option<Velocity> {
    Some(Velocity { sog_kn: sog_kn?, cog_deg: cog_deg? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ais::Decoder;

    mod to_detection {
        use super::*;

        #[test]
        fn class_a_report_gives_position_velocity_and_mmsi() {
            let mut d = Decoder::new();
            let m = d.push_line(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A").unwrap();
            let det = to_detection(m, 10.0, "ais-test").unwrap();
            let (lat, lon) = det.position.lat_lon().unwrap();
            assert!((lat - 48.381_633).abs() < 1e-5 && (lon + 123.395_383).abs() < 1e-5);
            assert_eq!(det.identity.mmsi, Some(371_798_000));
            let v = det.velocity.unwrap();
            assert!((v.sog_kn - 12.3).abs() < 1e-9 && (v.cog_deg - 224.0).abs() < 1e-9);
            assert_eq!(det.position, Position::circular(lat, lon, 10.0));
        }

        #[test]
        fn static_data_is_not_a_detection() {
            let mut d = Decoder::new();
            let m = d.push_line(b"!AIVDM,1,1,,A,H42O55i18tMET00000000000000,2*6D").unwrap();
            assert!(to_detection(m, 0.0, "ais").is_none());
        }
    }

    mod static_length_m {
        use super::*;
        use crate::ingest::ais::Header;

        /// Message 5's bow + stern is the declared length; zero dimensions are "not available",
        /// and a position report declares none.
        #[test]
        fn bow_plus_stern_of_a_static_voyage_message() {
            let header = Header { msg_type: 5, repeat: 0, mmsi: 453_000_001 };
            let sv = crate::ingest::ais::static_voyage::StaticVoyage {
                header,
                to_bow: 150,
                to_stern: 30,
                ..Default::default()
            };
            assert_eq!(static_length_m(&Message::StaticVoyage(sv)), Some((453_000_001, 180.0)));
            let unknown = crate::ingest::ais::static_voyage::StaticVoyage { header, ..Default::default() };
            assert_eq!(static_length_m(&Message::StaticVoyage(unknown)), None);
            let mut d = Decoder::new();
            let m = d.push_line(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A").unwrap();
            assert_eq!(static_length_m(m), None);
            assert_eq!(to_detection(m, 0.0, "ais").unwrap().length_m, None);
        }

        /// A ship's declaration reaches its later position reports, and only its own.
        #[test]
        fn declared_lengths_fill_later_position_reports_of_the_same_ship() {
            let mut d = Decoder::new();
            let m = d.push_line(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A").unwrap();
            let mut pos = to_detection(m, 0.0, "ais").unwrap();
            let mmsi = pos.identity.mmsi.unwrap();
            let mut other = pos.clone();
            other.identity.mmsi = Some(mmsi + 1);
            let header = Header { msg_type: 5, repeat: 0, mmsi };
            let sv = crate::ingest::ais::static_voyage::StaticVoyage {
                header,
                to_bow: 20,
                to_stern: 5,
                ..Default::default()
            };
            let mut lengths = DeclaredLengths::default();
            lengths.observe(&Message::StaticVoyage(sv));
            lengths.fill(&mut pos);
            lengths.fill(&mut other);
            assert_eq!(pos.length_m, Some(25.0));
            assert_eq!(other.length_m, None);
        }
    }
}
