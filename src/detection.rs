//! The one value every sensor produces and the tracker consumes.
//!
//! A [`Detection`] says "at this time, this sensor saw something here, this sure". AIS, radar and
//! IR all reduce to it, so the tracker never needs to know which wire format the bytes came in.

use serde::{Deserialize, Serialize};

/// Which family of sensor made a detection; the tracker picks a measurement model by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SensorKind {
    /// A vessel's own AIS report: identity and GNSS position, but it can lie or be silent.
    Ais,
    /// A radar plot or tracked target: sees everything that reflects, knows nobody's name.
    Radar,
    /// An infrared thermal camera: accurate bearing, poor range.
    Ir,
}

/// Where the detection puts the object, in the frame the sensor measured it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "frame", rename_all = "snake_case")]
pub enum Position {
    /// A WGS-84 position with its horizontal error.
    Geodetic {
        /// Latitude, degrees north.
        lat_deg: f64,
        /// Longitude, degrees east.
        lon_deg: f64,
        /// Error covariance in the local east/north plane, metres²:
        /// `[[σe², ρσeσn], [ρσeσn, σn²]]`.
        cov_en_m2: [[f64; 2]; 2],
    },
    /// A bearing and range from the sensor, kept polar because converting it needs the
    /// sensor's own position, which the caller may learn later (radar without own-ship fix,
    /// IR bearing with only a range prior).
    Polar {
        /// True bearing from the sensor, degrees clockwise from north.
        bearing_deg: f64,
        /// Range from the sensor, metres.
        range_m: f64,
        /// 1-σ bearing error, degrees.
        sigma_bearing_deg: f64,
        /// 1-σ range error, metres.
        sigma_range_m: f64,
    },
}

impl Position {
    /// A geodetic position with a circular 1-σ error, the common case for AIS and fused plots.
    ///
    /// # Units
    /// Degrees in; `sigma_m` in metres.
    pub fn circular(lat_deg: f64, lon_deg: f64, sigma_m: f64) -> Self {
        let v = sigma_m * sigma_m;
        Position::Geodetic { lat_deg, lon_deg, cov_en_m2: [[v, 0.0], [0.0, v]] }
    }

    /// Latitude and longitude when the position is already geodetic.
    pub fn lat_lon(&self) -> Option<(f64, f64)> {
        match *self {
            Position::Geodetic { lat_deg, lon_deg, .. } => Some((lat_deg, lon_deg)),
            Position::Polar { .. } => None,
        }
    }
}

/// Speed and course over ground, when the sensor reports motion directly (AIS, radar TTM).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Velocity {
    /// Speed over ground, knots.
    pub sog_kn: f64,
    /// Course over ground, degrees true.
    pub cog_deg: f64,
}

/// Who the object claims or is known to be; every part is optional because most sensors know none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Maritime Mobile Service Identity, from AIS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mmsi: Option<u32>,
    /// Vessel or target name (AIS static data, radar target label).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The sensor's own target number (radar ARPA target number), stable only per sensor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_number: Option<u32>,
}

/// One sensor observation of one object at one time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// Observation time, seconds since the Unix epoch, UTC.
    pub time_s: f64,
    /// Sensor id, e.g. `radar-ka-ho` or `ais-outer-harbour`.
    pub sensor: String,
    /// Sensor family.
    pub kind: SensorKind,
    /// Position in the sensor's own frame.
    pub position: Position,
    /// Motion over ground, if the sensor measured it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub velocity: Option<Velocity>,
    /// Identity, if the sensor knows any.
    #[serde(default)]
    pub identity: Identity,
    /// Hull length, metres, when known. IR: the apparent size (box width × range / focal
    /// length), the extent across the line of sight, so a boat seen bow-on reads short: an
    /// estimate, never a measurement of the hull. AIS: the declared to-bow + to-stern of the
    /// vessel's static data. Why: lets the anomaly rules check the declared length against the
    /// seen one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length_m: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    mod circular {
        use super::*;

        #[test]
        fn covariance_is_sigma_squared_on_the_diagonal() {
            let p = Position::circular(22.1, 113.5, 20.0);
            match p {
                Position::Geodetic { cov_en_m2, .. } => {
                    assert_eq!(cov_en_m2, [[400.0, 0.0], [0.0, 400.0]]);
                }
                Position::Polar { .. } => panic!("circular must be geodetic"),
            }
            assert_eq!(p.lat_lon(), Some((22.1, 113.5)));
        }
    }

    #[test]
    fn detection_round_trips_through_json() {
        let d = Detection {
            time_s: 12.5,
            sensor: "radar-ka-ho".into(),
            kind: SensorKind::Radar,
            position: Position::Polar {
                bearing_deg: 45.0,
                range_m: 1200.0,
                sigma_bearing_deg: 0.5,
                sigma_range_m: 15.0,
            },
            velocity: Some(Velocity { sog_kn: 12.0, cog_deg: 270.0 }),
            identity: Identity { target_number: Some(7), ..Identity::default() },
            length_m: None,
        };
        let json = serde_json::to_string(&d).unwrap();
        let back: Detection = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        assert!(json.contains("\"kind\":\"radar\""), "{json}");
        assert!(!json.contains("length_m"), "an unknown size is left out: {json}");
        let sized = Detection { kind: SensorKind::Ir, length_m: Some(11.5), ..d };
        let back: Detection = serde_json::from_str(&serde_json::to_string(&sized).unwrap()).unwrap();
        assert_eq!(back.length_m, Some(11.5));
    }
}
