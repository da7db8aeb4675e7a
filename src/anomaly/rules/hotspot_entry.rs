//! Hotspot entry and dwell: a dark vessel inside a smuggling hotspot, or any vessel dwelling there.
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::track::Track;

/// Fires when a dark track has been inside a hotspot for `dark_dwell_s`, or any track for
/// `dwell_s`. Value: dwell time, seconds.
#[derive(Debug, Clone)]
pub struct HotspotEntry {
    /// Dwell before a dark track counts, seconds.
    pub dark_dwell_s: f64,
    /// Dwell before a track with AIS counts, seconds.
    pub dwell_s: f64,
}

impl Default for HotspotEntry {
    fn default() -> Self {
        HotspotEntry { dark_dwell_s: 5.0, dwell_s: 600.0 }
    }
}

impl Rule for HotspotEntry {
    fn kind(&self) -> AlertKind {
        AlertKind::HotspotEntry
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        let (_, since) = s.memo.hotspot?;
        let dwell = s.time_s - since;
        let limit = if t.dark || t.identity.mmsi.is_none() { self.dark_dwell_s } else { self.dwell_s };
        (dwell >= limit).then(|| reason("hotspot_dwell_s", dwell, limit)).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::{AisLog, Memo};

    #[test]
    fn a_dark_track_dwelling_in_a_hotspot_fires() {
        let mut m = Memo::new(0.0);
        m.hotspot = Some((0, 10.0));
        let a = AisLog::default();
        let r = HotspotEntry::default().check(&track(30.0, 22.1205, 113.58, 10.0, 0.0), &scene(30.0, &m, &a)).unwrap();
        assert_eq!(r.value, 20.0);
    }

    #[test]
    fn a_ferry_passing_through_does_not() {
        let mut m = Memo::new(0.0);
        m.hotspot = Some((0, 10.0));
        let a = AisLog::default();
        let mut t = track(30.0, 22.1205, 113.58, 25.0, 0.0);
        t.dark = false;
        t.identity.mmsi = Some(453_000_001);
        assert!(HotspotEntry::default().check(&t, &scene(70.0, &m, &a)).is_none());
        m.hotspot = None;
        assert!(
            HotspotEntry::default().check(&track(30.0, 22.1205, 113.58, 10.0, 0.0), &scene(30.0, &m, &a)).is_none()
        );
    }
}
