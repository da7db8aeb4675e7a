//! Track identity continuity: how often a true vessel changes track id, and how often its track
//! is lost and regained.
//!
//! Fed, time after time, with which track (if any) each existing vessel is assigned to — the
//! per-time GOSPA assignment, so only pairs closer than the cut-off count.
//!
//! - An **ID switch** is a vessel being assigned to a different track id than the last one it
//!   was assigned to, even across times where it was unassigned (the CLEAR MOT convention).
//! - A **fragmentation** is a vessel assigned again after having been unassigned at its previous
//!   evaluation time, having been assigned before (assigned → unassigned → assigned).
//!
//! # References
//! - K. Bernardin, R. Stiefelhagen, "Evaluating multiple object tracking performance: the CLEAR
//!   MOT metrics", *EURASIP J. Image and Video Processing* (2008) (mismatches).
//! - Y. Li, C. Huang, R. Nevatia, "Learning to associate: HybridBoosted multi-target tracker for
//!   crowded scene", *CVPR* (2009) (fragments).

/// Continuity state of one vessel.
#[derive(Debug, Clone, Default)]
struct VesselState {
    /// The track id it was most recently assigned to.
    last_track: Option<usize>,
    /// Whether it was assigned at its previous evaluation time.
    assigned_before: bool,
}

/// Counts ID switches and fragmentations over a sequence of times.
///
/// Vessels and track ids are small integers (indices into the caller's id tables).
///
/// # Examples
/// ```
/// use seawarden::track::metrics::IdContinuity;
/// let mut c = IdContinuity::default();
/// c.update([(0, Some(7))]);
/// c.update([(0, None)]);      // lost…
/// c.update([(0, Some(8))]);   // …and regained under a new id
/// assert_eq!((c.id_switches(), c.fragmentations()), (1, 1));
/// ```
#[derive(Debug, Clone, Default)]
pub struct IdContinuity {
    vessels: Vec<VesselState>,
    id_switches: usize,
    fragmentations: usize,
}

impl IdContinuity {
    /// Record one time: `(vessel, assigned track id)` for every vessel that exists at that time.
    /// Vessels not listed keep their state (they do not exist now).
    pub fn update(&mut self, assignments: impl IntoIterator<Item = (usize, Option<usize>)>) {
        for (vessel, track) in assignments {
            if vessel >= self.vessels.len() {
                self.vessels.resize(vessel + 1, VesselState::default());
            }
            let s = &mut self.vessels[vessel];
            match track {
                Some(t) => {
                    if s.last_track.is_some_and(|last| last != t) {
                        self.id_switches += 1;
                    }
                    if s.last_track.is_some() && !s.assigned_before {
                        self.fragmentations += 1;
                    }
                    s.last_track = Some(t);
                    s.assigned_before = true;
                }
                None => s.assigned_before = false,
            }
        }
    }

    /// ID switches so far.
    pub fn id_switches(&self) -> usize {
        self.id_switches
    }

    /// Fragmentations so far.
    pub fn fragmentations(&self) -> usize {
        self.fragmentations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seq: &[&[(usize, Option<usize>)]]) -> (usize, usize) {
        let mut c = IdContinuity::default();
        for step in seq {
            c.update(step.iter().copied());
        }
        (c.id_switches(), c.fragmentations())
    }

    mod update {
        use super::*;

        #[test]
        fn steady_track_has_no_switches() {
            assert_eq!(run(&[&[(0, Some(1))], &[(0, Some(1))], &[(0, Some(1))]]), (0, 0));
        }

        #[test]
        fn late_acquisition_is_not_a_fragmentation() {
            assert_eq!(run(&[&[(0, None)], &[(0, None)], &[(0, Some(4))], &[(0, Some(4))]]), (0, 0));
        }

        #[test]
        fn direct_handover_is_one_switch() {
            assert_eq!(run(&[&[(0, Some(1))], &[(0, Some(2))], &[(0, Some(2))]]), (1, 0));
        }

        #[test]
        fn gap_with_same_id_is_a_fragmentation_only() {
            assert_eq!(run(&[&[(0, Some(1))], &[(0, None)], &[(0, None)], &[(0, Some(1))]]), (0, 1));
        }

        #[test]
        fn gap_with_new_id_is_both() {
            assert_eq!(run(&[&[(0, Some(1))], &[(0, None)], &[(0, Some(2))]]), (1, 1));
        }

        #[test]
        fn two_vessels_swapping_tracks_is_two_switches() {
            let seq: &[&[(usize, Option<usize>)]] = &[&[(0, Some(10)), (1, Some(11))], &[(0, Some(11)), (1, Some(10))]];
            assert_eq!(run(seq), (2, 0));
        }

        #[test]
        fn flip_flopping_counts_every_change() {
            assert_eq!(run(&[&[(0, Some(1))], &[(0, Some(2))], &[(0, Some(1))], &[(0, Some(2))]]), (3, 0));
        }

        #[test]
        fn absence_is_not_a_gap() {
            // Vessel 0 is not listed at the middle time (it does not exist then), so nothing is lost.
            assert_eq!(run(&[&[(0, Some(1))], &[(1, Some(2))], &[(0, Some(1))]]), (0, 0));
        }
    }
}
