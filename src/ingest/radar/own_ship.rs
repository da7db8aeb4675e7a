//! What the decoder knows about its own platform: position, heading, motion and today's date.

use crate::detection::Velocity;

/// A value with the receive time it arrived at, so stale own-ship data can be refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Stamped<T> {
    pub(crate) value: T,
    pub(crate) received_s: f64,
}

impl<T: Copy> Stamped<T> {
    /// The value if it is at most `max_age_s` old at `now_s`.
    pub(crate) fn fresh(this: Option<Self>, now_s: f64, max_age_s: f64) -> Option<T> {
        this.filter(|s| now_s - s.received_s <= max_age_s).map(|s| s.value)
    }
}

/// Own-ship state as last reported, whatever its age; for status displays and debugging.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct OwnShip {
    /// Last valid GNSS position `(lat_deg, lon_deg)` from GGA or RMC.
    pub position: Option<(f64, f64)>,
    /// Last valid true heading from HDT or OSD, degrees.
    pub heading_deg: Option<f64>,
    /// Last ground-referenced motion from RMC or OSD.
    pub velocity: Option<Velocity>,
    /// Last RMC date and time of day: `(days since 1970-01-01, seconds since midnight)`.
    pub date: Option<(i64, f64)>,
}

/// The decoder's internal own-ship state, each part stamped with its receive time.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OwnShipState {
    pub(crate) position: Option<Stamped<(f64, f64)>>,
    pub(crate) heading_deg: Option<Stamped<f64>>,
    pub(crate) velocity: Option<Stamped<Velocity>>,
    pub(crate) date: Option<(i64, f64)>,
}

impl OwnShipState {
    pub(crate) fn snapshot(&self) -> OwnShip {
        OwnShip {
            position: self.position.map(|s| s.value),
            heading_deg: self.heading_deg.map(|s| s.value),
            velocity: self.velocity.map(|s| s.value),
            date: self.date,
        }
    }

    /// Epoch seconds for a bare UTC time of day, using the last RMC date. A time more than
    /// 12 h from the RMC's own time of day is taken to lie across midnight from it.
    pub(crate) fn epoch_from_time_of_day(&self, utc_s: f64) -> Option<f64> {
        let (days, rmc_utc_s) = self.date?;
        let diff = utc_s - rmc_utc_s;
        let day = if diff < -43_200.0 {
            days + 1
        } else if diff > 43_200.0 {
            days - 1
        } else {
            days
        };
        Some(day as f64 * 86_400.0 + utc_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod epoch_from_time_of_day {
        use super::*;

        #[test]
        fn same_day() {
            let s = OwnShipState { date: Some((10, 3_600.0)), ..Default::default() };
            assert_eq!(s.epoch_from_time_of_day(3_700.0), Some(10.0 * 86_400.0 + 3_700.0));
        }

        #[test]
        fn target_just_after_midnight_belongs_to_the_next_day() {
            let s = OwnShipState { date: Some((10, 86_399.0)), ..Default::default() };
            assert_eq!(s.epoch_from_time_of_day(1.0), Some(11.0 * 86_400.0 + 1.0));
        }

        #[test]
        fn target_just_before_midnight_belongs_to_the_previous_day() {
            let s = OwnShipState { date: Some((10, 1.0)), ..Default::default() };
            assert_eq!(s.epoch_from_time_of_day(86_399.0), Some(9.0 * 86_400.0 + 86_399.0));
        }

        #[test]
        fn no_rmc_yet_means_no_epoch() {
            assert_eq!(OwnShipState::default().epoch_from_time_of_day(5.0), None);
        }
    }
}
