//! What a mission or an intercept is aimed at: a position with an optional velocity, usually a
//! [`Track`](crate::track) snapshot from the console.

use crate::geodesy::{destination, LatLon, MPS_PER_KNOT};

/// A vessel (or a fixed point) to inspect, orbit, search around or intercept.
///
/// Velocity is kept as speed over ground and course over ground, as tracks and AIS carry it, so a
/// target taken from a `seawarden track` line needs no conversion.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Target {
    /// Track id when the target is a track, for messages and exports (CoT uid, KML name).
    pub track_id: Option<String>,
    /// Time of `position`, seconds since the Unix epoch (or the scenario's time base).
    pub time_s: f64,
    /// Position at `time_s`.
    pub position: LatLon,
    /// Speed over ground, metres per second (0 for a fixed point).
    pub sog_mps: f64,
    /// Course over ground, degrees true.
    pub cog_deg: f64,
}

impl Target {
    /// A fixed point (a datum for a search, a spot to inspect): no velocity, no track.
    pub fn point(position: LatLon) -> Self {
        Target { track_id: None, time_s: 0.0, position, sog_mps: 0.0, cog_deg: 0.0 }
    }

    /// A moving track, from the tracker's contract fields.
    ///
    /// # Units
    /// `time_s` seconds, `sog_kn` knots, `cog_deg` degrees true.
    pub fn track(track_id: impl Into<String>, time_s: f64, position: LatLon, sog_kn: f64, cog_deg: f64) -> Self {
        Target { track_id: Some(track_id.into()), time_s, position, sog_mps: sog_kn * MPS_PER_KNOT, cog_deg }
    }

    /// Where the target will be `dt_s` seconds after `time_s` if it holds course and speed.
    ///
    /// # Units
    /// Seconds in, degrees out.
    pub fn predict(&self, dt_s: f64) -> LatLon {
        if self.sog_mps == 0.0 || dt_s == 0.0 {
            return self.position;
        }
        let (lat, lon) = destination(self.position.lat_deg, self.position.lon_deg, self.cog_deg, self.sog_mps * dt_s);
        LatLon::new(lat, lon)
    }

    /// Velocity as (east, north) metres per second: what the intercept solver works with.
    pub fn velocity_en_mps(&self) -> (f64, f64) {
        let (s, c) = self.cog_deg.to_radians().sin_cos();
        (self.sog_mps * s, self.sog_mps * c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::distance_m;

    mod predict {
        use super::*;

        #[test]
        fn a_fixed_point_stays_put() {
            let t = Target::point(LatLon::new(22.1, 113.55));
            assert_eq!(t.predict(600.0), t.position);
        }

        #[test]
        fn ten_knots_for_six_minutes_is_one_nautical_mile() {
            let t = Target::track("7", 0.0, LatLon::new(22.1, 113.55), 10.0, 90.0);
            let d = distance_m(t.position, t.predict(360.0));
            assert!((d - 1852.0).abs() < 0.5, "{d}");
        }
    }
}
