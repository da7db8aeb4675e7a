//! Identity mismatch: an MMSI that cannot be a ship's, or an AIS length the sensors contradict.
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::track::Track;

/// Fires for an MMSI outside 9-digit ship MIDs 201–775 (value: the MMSI, threshold 0), or an AIS
/// length differing from the sensors' length estimate by more than `max_length_ratio` (value:
/// the ratio).
///
/// # References
/// ITU-R M.585 (MMSI formats and maritime identification digits).
#[derive(Debug, Clone)]
pub struct IdentityMismatch {
    /// Largest tolerated ratio between AIS and sensor length (larger / smaller).
    pub max_length_ratio: f64,
}

impl Default for IdentityMismatch {
    fn default() -> Self {
        IdentityMismatch { max_length_ratio: 2.5 }
    }
}

/// Whether an MMSI is a ship station's (9 digits, MID 201–775).
pub fn is_ship_mmsi(mmsi: u32) -> bool {
    (100_000_000..1_000_000_000).contains(&mmsi) && (201..=775).contains(&(mmsi / 1_000_000))
}

impl Rule for IdentityMismatch {
    fn kind(&self) -> AlertKind {
        AlertKind::IdentityMismatch
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        let mmsi = t.identity.mmsi?;
        if !is_ship_mmsi(mmsi) {
            return reason("invalid_mmsi", f64::from(mmsi), 0.0);
        }
        let (ais_len, seen_len) = (s.ais.get(mmsi)?.length_m?, t.length_m?);
        let ratio = ais_len.max(seen_len) / ais_len.min(seen_len).max(1.0);
        (ratio > self.max_length_ratio).then(|| reason("length_ratio", ratio, self.max_length_ratio)).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::{AisLog, Memo};

    #[test]
    fn an_invalid_mmsi_fires() {
        let (m, a) = (Memo::new(0.0), AisLog::default());
        let mut t = track(10.0, OPEN.0, OPEN.1, 10.0, 0.0);
        t.identity.mmsi = Some(123_456);
        assert_eq!(IdentityMismatch::default().check(&t, &scene(10.0, &m, &a)).unwrap().rule, "invalid_mmsi");
        t.identity.mmsi = Some(453_000_001);
        assert!(IdentityMismatch::default().check(&t, &scene(10.0, &m, &a)).is_none());
    }

    #[test]
    fn a_cargo_ship_length_on_a_speedboat_fires() {
        let m = Memo::new(0.0);
        let mut a = AisLog::default();
        a.report(453_000_001, 5.0, OPEN.0, OPEN.1);
        a.length(453_000_001, 180.0);
        let mut t = track(10.0, OPEN.0, OPEN.1, 10.0, 0.0);
        t.identity.mmsi = Some(453_000_001);
        t.length_m = Some(9.0);
        assert_eq!(IdentityMismatch::default().check(&t, &scene(10.0, &m, &a)).unwrap().value, 20.0);
    }
}
