//! The generalized optimal sub-pattern assignment (GOSPA) metric between a set of true positions
//! and a set of estimates at one time.
//!
//! With cut-off `c`, order `p` and `α = 2`,
//! `GOSPA = ( min over assignments γ of  Σ_{(i,j)∈γ} d(xᵢ, yⱼ)^p  +  c^p/2 · (|X| − |γ|)  +  c^p/2 · (|Y| − |γ|) )^(1/p)`,
//! where only pairs with `d < c` may be assigned. The three sums are the localisation error of the
//! assigned pairs, the cost of missed targets and the cost of false tracks; for `p = 1` each is
//! in metres and they add up to the metric. Seawarden's contract fixes `p = 1, c = 100 m`
//! ([`GospaParams::default`]).
//!
//! # References
//! - A. S. Rahmathullah, Á. F. García-Fernández, L. Svensson, "Generalized optimal sub-pattern
//!   assignment metric", *20th International Conference on Information Fusion* (2017):
//!   the definition, and for `α = 2` its form as an assignment problem used here.

use nalgebra::Vector2;

use crate::track::assign::Solver;

/// The metric's parameters; `α` is fixed at 2 (the value for which GOSPA splits into
/// localisation, missed and false terms).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GospaParams {
    /// Cut-off `c`: the largest localisation error a pair can contribute, and twice the cost of
    /// a missed target or a false track. Metres, `> 0`.
    pub cutoff_m: f64,
    /// Order `p ≥ 1`: how strongly large errors weigh against small ones.
    pub p: f64,
}

impl Default for GospaParams {
    /// The tracker contract's `p = 1, c = 100 m`.
    fn default() -> Self {
        GospaParams { cutoff_m: 100.0, p: 1.0 }
    }
}

/// GOSPA at one time, split into its parts.
///
/// # Units
/// `gospa_m` is metres. The three parts are the `p`-th-power terms inside the root: metres for
/// `p = 1`, where `gospa_m = localisation + missed + false_tracks`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GospaScore {
    /// The metric.
    pub gospa_m: f64,
    /// `Σ d^p` over assigned pairs.
    pub localisation: f64,
    /// `c^p / 2` per missed target.
    pub missed: f64,
    /// `c^p / 2` per false track.
    pub false_tracks: f64,
    /// Assigned (truth, estimate) pairs.
    pub assigned_count: usize,
    /// True targets with no estimate within `c`.
    pub missed_count: usize,
    /// Estimates with no target within `c`.
    pub false_count: usize,
}

/// GOSPA between `truth` and `estimates` with fresh scratch space (see [`Gospa`] for a loop).
///
/// # Units
/// Positions in any Cartesian frame in metres (a local tangent plane).
///
/// # Panics
/// If `params.cutoff_m ≤ 0` or `params.p < 1` (or either is NaN).
///
/// # Examples
/// ```
/// use nalgebra::Vector2;
/// use seawarden::track::metrics::{gospa, GospaParams};
/// let truth = [Vector2::new(0.0, 0.0), Vector2::new(1000.0, 0.0)];
/// let tracks = [Vector2::new(30.0, 0.0)];
/// let s = gospa(&truth, &tracks, GospaParams::default());
/// // 30 m of localisation error, and one missed target at c/2 = 50 m.
/// assert_eq!((s.localisation, s.missed, s.false_tracks), (30.0, 50.0, 0.0));
/// assert_eq!(s.gospa_m, 80.0);
/// ```
pub fn gospa(truth: &[Vector2<f64>], estimates: &[Vector2<f64>], params: GospaParams) -> GospaScore {
    Gospa::new(params).score(truth, estimates)
}

/// A GOSPA evaluator that keeps its cost matrix and assignment scratch between times.
#[derive(Debug, Clone)]
pub struct Gospa {
    params: GospaParams,
    solver: Solver,
    cost: Vec<f64>,
    truth_to_estimate: Vec<Option<usize>>,
}

impl Gospa {
    /// An evaluator for `params`.
    ///
    /// # Panics
    /// If `params.cutoff_m ≤ 0` or `params.p < 1` (or either is NaN): GOSPA is a metric only
    /// for those.
    pub fn new(params: GospaParams) -> Self {
        assert!(params.cutoff_m > 0.0 && params.p >= 1.0, "GOSPA needs c > 0 and p ≥ 1, got {params:?}");
        Gospa { params, solver: Solver::new(), cost: Vec::new(), truth_to_estimate: Vec::new() }
    }

    /// The parameters this evaluator uses.
    pub fn params(&self) -> GospaParams {
        self.params
    }

    /// GOSPA between `truth` and `estimates` (metres, same frame).
    pub fn score(&mut self, truth: &[Vector2<f64>], estimates: &[Vector2<f64>]) -> GospaScore {
        let GospaParams { cutoff_m: c, p } = self.params;
        let c_p = c.powf(p);
        let (n, m) = (truth.len(), estimates.len());
        self.cost.clear();
        for x in truth {
            // Pairs at or beyond the cut-off are forbidden by the unassigned cost below.
            self.cost.extend(estimates.iter().map(|y| (x - y).norm().powf(p)));
        }
        // Leaving truth i unassigned costs c^p here (instead of c^p/2), because every estimate
        // that stays unassigned is then not charged; the two differ by the constant
        // c^p/2 · (m − n) and so have the same optimal assignment. Pairs with d ≥ c can never
        // beat leaving both unassigned.
        self.solver.solve(&self.cost, n, m, c_p, &mut self.truth_to_estimate);

        let mut localisation = 0.0;
        let mut assigned = 0;
        for (i, j) in self.truth_to_estimate.iter().enumerate() {
            if let Some(j) = *j {
                localisation += self.cost[i * m + j];
                assigned += 1;
            }
        }
        let (missed_count, false_count) = (n - assigned, m - assigned);
        let missed = c_p / 2.0 * missed_count as f64;
        let false_tracks = c_p / 2.0 * false_count as f64;
        GospaScore {
            gospa_m: (localisation + missed + false_tracks).powf(1.0 / p),
            localisation,
            missed,
            false_tracks,
            assigned_count: assigned,
            missed_count,
            false_count,
        }
    }

    /// For each truth position of the last [`Gospa::score`] call, the estimate it was assigned
    /// to (always closer than the cut-off), or `None` if it was missed.
    pub fn assignment(&self) -> &[Option<usize>] {
        &self.truth_to_estimate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(x: f64, y: f64) -> Vector2<f64> {
        Vector2::new(x, y)
    }

    fn score(truth: &[Vector2<f64>], est: &[Vector2<f64>]) -> GospaScore {
        gospa(truth, est, GospaParams::default())
    }

    mod gospa {
        use super::*;

        #[test]
        fn perfect_tracks_score_zero() {
            let pts = [v(0.0, 0.0), v(500.0, 20.0), v(-300.0, 800.0)];
            let s = score(&pts, &pts);
            assert_eq!(s.gospa_m, 0.0);
            assert_eq!(s.assigned_count, 3);
        }

        #[test]
        fn both_empty_scores_zero() {
            assert_eq!(score(&[], &[]), GospaScore::default());
        }

        #[test]
        fn one_missed_target_costs_half_the_cutoff() {
            let s = score(&[v(0.0, 0.0), v(1000.0, 0.0)], &[v(0.0, 0.0)]);
            assert_eq!((s.gospa_m, s.missed, s.missed_count), (50.0, 50.0, 1));
        }

        #[test]
        fn one_false_track_costs_half_the_cutoff() {
            let s = score(&[v(0.0, 0.0)], &[v(0.0, 0.0), v(0.0, 5000.0)]);
            assert_eq!((s.gospa_m, s.false_tracks, s.false_count), (50.0, 50.0, 1));
        }

        #[test]
        fn thirty_metre_offset_costs_thirty() {
            let s = score(&[v(0.0, 0.0)], &[v(18.0, 24.0)]);
            assert!((s.gospa_m - 30.0).abs() < 1e-12);
            assert!((s.localisation - 30.0).abs() < 1e-12);
        }

        #[test]
        fn estimate_beyond_cutoff_is_a_miss_and_a_false_track() {
            let s = score(&[v(0.0, 0.0)], &[v(150.0, 0.0)]);
            assert_eq!((s.gospa_m, s.missed_count, s.false_count), (100.0, 1, 1));
        }

        #[test]
        fn swapped_close_targets_are_matched_optimally() {
            // Greedy nearest-first would pair truth 0 with the estimate at 10 m and leave truth 1
            // 80 m from the other (90 in all); the optimum is 20 + 20.
            let truth = [v(0.0, 0.0), v(40.0, 0.0)];
            let est = [v(20.0, 0.0), v(-20.0, 0.0)];
            let s = score(&truth, &est);
            assert!((s.gospa_m - 40.0).abs() < 1e-12, "{s:?}");
        }

        #[test]
        fn order_two_takes_the_root() {
            let s = gospa(&[v(0.0, 0.0), v(1000.0, 0.0)], &[v(3.0, 4.0)], GospaParams { cutoff_m: 100.0, p: 2.0 });
            // √(5² + 100²/2)
            assert!((s.gospa_m - (25.0f64 + 5000.0).sqrt()).abs() < 1e-9, "{s:?}");
        }
    }

    mod assignment {
        use super::*;

        #[test]
        fn names_the_estimate_for_each_truth() {
            let mut g = Gospa::new(GospaParams::default());
            g.score(&[v(0.0, 0.0), v(500.0, 0.0), v(5000.0, 0.0)], &[v(510.0, 0.0), v(1.0, 0.0)]);
            assert_eq!(g.assignment(), &[Some(1), Some(0), None]);
        }
    }

    fn points(max: usize) -> impl Strategy<Value = Vec<Vector2<f64>>> {
        proptest::collection::vec((-300.0..300.0f64, -300.0..300.0f64).prop_map(|(x, y)| v(x, y)), 0..=max)
    }

    /// GOSPA (p = 1, c = 100) straight from its definition: the minimum over every partial
    /// matching of Σ min(d, c) + c/2 per unmatched point on either side.
    fn brute_force(a: &[Vector2<f64>], b: &[Vector2<f64>]) -> f64 {
        fn go(a: &[Vector2<f64>], b: &[Vector2<f64>], i: usize, used: &mut [bool]) -> f64 {
            if i == a.len() {
                return 50.0 * used.iter().filter(|u| !**u).count() as f64;
            }
            let mut best = 50.0 + go(a, b, i + 1, used);
            for j in 0..b.len() {
                if !used[j] {
                    used[j] = true;
                    best = best.min((a[i] - b[j]).norm().min(100.0) + go(a, b, i + 1, used));
                    used[j] = false;
                }
            }
            best
        }
        go(a, b, 0, &mut vec![false; b.len()])
    }

    proptest! {
        #[test]
        fn matches_the_definition_by_enumeration(a in points(5), b in points(5)) {
            let s = score(&a, &b);
            prop_assert!((s.gospa_m - brute_force(&a, &b)).abs() < 1e-9, "{s:?}");
        }

        #[test]
        fn is_a_symmetric_metric_bounded_by_the_cutoff_terms(a in points(5), b in points(5), c in points(5)) {
            let ab = score(&a, &b).gospa_m;
            let ba = score(&b, &a).gospa_m;
            prop_assert!((ab - ba).abs() < 1e-9);
            prop_assert!(score(&a, &a).gospa_m.abs() < 1e-9);
            // Triangle inequality (GOSPA is a metric for p ≥ 1, α = 2).
            let ac = score(&a, &c).gospa_m;
            let cb = score(&c, &b).gospa_m;
            prop_assert!(ab <= ac + cb + 1e-9);
            // Never more than leaving everything unassigned.
            prop_assert!(ab <= 50.0 * (a.len() + b.len()) as f64 + 1e-9);
        }

        #[test]
        fn parts_add_up_for_order_one(a in points(6), b in points(6)) {
            let s = score(&a, &b);
            prop_assert!((s.gospa_m - (s.localisation + s.missed + s.false_tracks)).abs() < 1e-9);
            prop_assert_eq!(s.assigned_count + s.missed_count, a.len());
            prop_assert_eq!(s.assigned_count + s.false_count, b.len());
        }
    }
}
