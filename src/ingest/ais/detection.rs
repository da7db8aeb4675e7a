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
    })
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
}
