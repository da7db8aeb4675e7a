//! Optimal rectangular assignment with a "leave unassigned" option: the primitive under GNN data
//! association (tracks × detections) and the GOSPA metric (truth × tracks).
//!
//! The cost matrix is dense, `rows × cols`, row-major in a `&[f64]`. Every row either takes one
//! column (each column at most once) or stays unassigned and pays `unassigned_cost`; a column left
//! over costs nothing. The solver minimises the total.
//!
//! An entry is *allowed* only if it is strictly below `unassigned_cost`; `NaN`, `±∞` (for `+∞`)
//! and anything `≥ unassigned_cost` are forbidden. This is how a gate is expressed: put the gate
//! threshold as the unassigned cost, or `f64::INFINITY` in gated-out cells. Forbidding an entry
//! `≥ unassigned_cost` never changes the optimum, because such a pair is never cheaper than leaving
//! its row unassigned and its column free.
//!
//! # Algorithm
//! Each row `i` gets a private dummy column costing `unassigned_cost`, which makes the problem an
//! `n × (m + n)` one that is always feasible; the dummies are implicit (never stored). It is then
//! solved with the Jonker–Volgenant shortest augmenting path method in Crouse's formulation (the
//! one behind SciPy's `linear_sum_assignment`): one Dijkstra search over reduced costs per row,
//! `O(n² (n + m))` time, `O(n + m)` scratch, which [`Solver`] keeps between calls.
//!
//! # References
//! - R. Jonker, A. Volgenant, "A shortest augmenting path algorithm for dense and sparse linear
//!   assignment problems", *Computing* 38 (1987) 325–340.
//! - D. F. Crouse, "On implementing 2D rectangular assignment algorithms", *IEEE Trans. Aerospace
//!   and Electronic Systems* 52(4) (2016) 1679–1696.

/// Marks "no row" / "no column" in the scratch arrays (cheaper than `Option<usize>` there).
const NONE: usize = usize::MAX;

/// The result of [`assign`]: which column each row took, and what the whole assignment costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// For each row, the column it was assigned to, or `None` if it stays unassigned.
    pub row_to_col: Vec<Option<usize>>,
    /// Sum of the chosen entries plus `unassigned_cost` for each unassigned row.
    pub cost: f64,
}

/// Solve one assignment problem, allocating fresh scratch space (see [`Solver`] for a loop).
///
/// `cost` is `rows × cols`, row-major. Entries that are `NaN`, `+∞` or `≥ unassigned_cost` are
/// forbidden. `unassigned_cost` is what each row pays for staying unassigned; `+∞` (or `NaN`)
/// means rows are assigned whenever any allowed column is left (maximum cardinality first, then
/// minimum cost), and `Assignment::cost` is then `+∞` if some row could not be assigned.
///
/// # Panics
/// If `cost.len() != rows * cols`.
///
/// # Examples
/// ```
/// use seawarden::track::assign::assign;
/// // Two tracks, three detections; track 1 is gated away from detection 0 (∞).
/// let cost = [1.0, 4.0, 9.0,
///             f64::INFINITY, 2.0, 3.0];
/// let a = assign(&cost, 2, 3, 5.0);
/// assert_eq!(a.row_to_col, vec![Some(0), Some(1)]);
/// assert_eq!(a.cost, 3.0);
///
/// // Entries at or above the unassigned cost are not allowed: the row stays unassigned.
/// let a = assign(&[7.0], 1, 1, 5.0);
/// assert_eq!(a.row_to_col, vec![None]);
/// assert_eq!(a.cost, 5.0);
/// ```
pub fn assign(cost: &[f64], rows: usize, cols: usize, unassigned_cost: f64) -> Assignment {
    let mut row_to_col = Vec::with_capacity(rows);
    let cost = Solver::new().solve(cost, rows, cols, unassigned_cost, &mut row_to_col);
    Assignment { row_to_col, cost }
}

/// Reusable scratch space so the tracker's per-scan loop doesn't allocate.
///
/// Buffers grow to the largest problem seen and are then reused.
///
/// # Examples
/// ```
/// use seawarden::track::assign::Solver;
/// let mut solver = Solver::new();
/// let mut out = Vec::new();
/// // More rows than columns: one row must stay unassigned.
/// let cost = [1.0, 2.0, 2.0, 1.0, 1.5, 1.5];
/// let total = solver.solve(&cost, 3, 2, 10.0, &mut out);
/// assert_eq!(out, vec![Some(0), Some(1), None]);
/// assert_eq!(total, 12.0);
/// ```
#[derive(Debug, Default, Clone)]
pub struct Solver {
    /// Row duals.
    u: Vec<f64>,
    /// Column duals (real columns, then one dummy per row).
    v: Vec<f64>,
    /// Dijkstra distances to each column in the current search.
    shortest: Vec<f64>,
    /// Predecessor row of each column on the shortest-path tree.
    path: Vec<usize>,
    col4row: Vec<usize>,
    row4col: Vec<usize>,
    /// Columns not yet scanned in the current search.
    remaining: Vec<usize>,
    /// Rows reached in the current search.
    visited_rows: Vec<usize>,
    /// Columns scanned in the current search.
    visited_cols: Vec<usize>,
}

impl Solver {
    /// An empty solver; buffers are allocated on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Solve one problem into `out` (cleared, then one entry per row) and return its total cost.
    ///
    /// Same semantics as [`assign`]: `cost` is `rows × cols` row-major; entries that are `NaN`,
    /// `+∞` or `≥ unassigned_cost` are forbidden; each unassigned row pays `unassigned_cost`.
    /// With `unassigned_cost = -∞` every row stays unassigned.
    ///
    /// # Panics
    /// If `cost.len() != rows * cols`.
    pub fn solve(
        &mut self,
        cost: &[f64],
        rows: usize,
        cols: usize,
        unassigned_cost: f64,
        out: &mut Vec<Option<usize>>,
    ) -> f64 {
        assert_eq!(cost.len(), rows * cols, "cost matrix must be rows × cols = {rows} × {cols}");
        out.clear();
        out.resize(rows, None);
        if rows == 0 {
            return 0.0;
        }
        if unassigned_cost == f64::NEG_INFINITY {
            return f64::NEG_INFINITY;
        }
        // `limit`: entries must be strictly below it. `penalty`: the dummy column's cost, which
        // must be finite for the search; with no real unassigned cost it is a big M that exceeds
        // any difference between two assignments' costs, so cardinality is maximised first.
        let (limit, penalty) = if unassigned_cost.is_finite() {
            (unassigned_cost, unassigned_cost)
        } else {
            let total: f64 = cost.iter().filter(|c| c.is_finite()).map(|c| c.abs()).sum();
            (f64::INFINITY, (2.0 * total + 1.0).min(f64::MAX / 4.0))
        };
        let width = cols + rows;
        self.reset(rows, width);

        for cur in 0..rows {
            let Some((sink, min_val)) = self.shortest_path(cost, cur, cols, limit, penalty) else {
                // Unreachable: the row's own dummy column is always finite and free until taken
                // by that row. Leave the row unassigned rather than corrupt the solution.
                debug_assert!(false, "assignment search found no free column");
                continue;
            };
            // Dual update (Crouse 2016, alg. 4): keeps reduced costs non-negative and zero along
            // the matching, so the next search can use Dijkstra.
            self.u[cur] += min_val;
            for &i in &self.visited_rows {
                if i != cur {
                    self.u[i] += min_val - self.shortest[self.col4row[i]];
                }
            }
            for &j in &self.visited_cols {
                self.v[j] -= min_val - self.shortest[j];
            }
            // Augment along the path back to `cur`.
            let mut j = sink;
            loop {
                let i = self.path[j];
                self.row4col[j] = i;
                std::mem::swap(&mut self.col4row[i], &mut j);
                if i == cur {
                    break;
                }
            }
        }

        let mut total = 0.0;
        for (i, slot) in out.iter_mut().enumerate() {
            let j = self.col4row[i];
            if j < cols {
                *slot = Some(j);
                total += cost[i * cols + j];
            } else {
                total += if unassigned_cost.is_nan() { f64::INFINITY } else { unassigned_cost };
            }
        }
        total
    }

    fn reset(&mut self, rows: usize, width: usize) {
        self.u.clear();
        self.u.resize(rows, 0.0);
        self.v.clear();
        self.v.resize(width, 0.0);
        self.shortest.resize(width, f64::INFINITY);
        self.path.resize(width, NONE);
        self.col4row.clear();
        self.col4row.resize(rows, NONE);
        self.row4col.clear();
        self.row4col.resize(width, NONE);
    }

    /// One Dijkstra search from the free row `cur` to the nearest free column over reduced
    /// costs. Returns that column and the path length, or `None` if every column is forbidden.
    fn shortest_path(
        &mut self,
        cost: &[f64],
        cur: usize,
        cols: usize,
        limit: f64,
        penalty: f64,
    ) -> Option<(usize, f64)> {
        let width = self.v.len();
        self.shortest.fill(f64::INFINITY);
        self.path.fill(NONE);
        self.remaining.clear();
        // Reversed so that, among equal costs, lower column indices are preferred.
        self.remaining.extend((0..width).rev());
        self.visited_rows.clear();
        self.visited_cols.clear();

        let mut min_val = 0.0;
        let mut i = cur;
        loop {
            self.visited_rows.push(i);
            let row = &cost[i * cols..(i + 1) * cols];
            let dummy = cols + i;
            let mut index = NONE;
            let mut lowest = f64::INFINITY;
            for (it, &j) in self.remaining.iter().enumerate() {
                let c = if j < cols {
                    let c = row[j];
                    // `!(c < limit)` also catches NaN.
                    if c < limit { c } else { f64::INFINITY }
                } else if j == dummy {
                    penalty
                } else {
                    f64::INFINITY
                };
                if c < f64::INFINITY {
                    let r = min_val + c - self.u[i] - self.v[j];
                    if r < self.shortest[j] {
                        self.path[j] = i;
                        self.shortest[j] = r;
                    }
                }
                let s = self.shortest[j];
                if s < lowest || (s == lowest && s < f64::INFINITY && self.row4col[j] == NONE) {
                    lowest = s;
                    index = it;
                }
            }
            if index == NONE {
                return None;
            }
            min_val = lowest;
            let j = self.remaining.swap_remove(index);
            self.visited_cols.push(j);
            if self.row4col[j] == NONE {
                return Some((j, min_val));
            }
            i = self.row4col[j];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const INF: f64 = f64::INFINITY;

    /// Minimum total cost over every partial matching, by enumeration: any finite entry may be
    /// used (even one above the unassigned cost, to check that forbidding those is harmless).
    fn brute_force(cost: &[f64], rows: usize, cols: usize, unassigned: f64) -> f64 {
        fn go(cost: &[f64], rows: usize, cols: usize, unassigned: f64, i: usize, used: &mut [bool]) -> f64 {
            if i == rows {
                return 0.0;
            }
            let skip = if unassigned.is_nan() { INF } else { unassigned };
            let mut best = skip + go(cost, rows, cols, unassigned, i + 1, used);
            for j in 0..cols {
                let c = cost[i * cols + j];
                if used[j] || !c.is_finite() {
                    continue;
                }
                used[j] = true;
                best = best.min(c + go(cost, rows, cols, unassigned, i + 1, used));
                used[j] = false;
            }
            best
        }
        go(cost, rows, cols, unassigned, 0, &mut vec![false; cols])
    }

    /// Checks the structural invariants and that the reported cost matches the assignment.
    fn check_consistent(cost: &[f64], rows: usize, cols: usize, unassigned: f64, a: &Assignment) {
        assert_eq!(a.row_to_col.len(), rows);
        let mut used = vec![false; cols];
        let mut total = 0.0;
        for (i, c) in a.row_to_col.iter().enumerate() {
            match *c {
                Some(j) => {
                    assert!(j < cols);
                    assert!(!used[j], "column {j} used twice");
                    used[j] = true;
                    let e = cost[i * cols + j];
                    assert!(e < unassigned, "forbidden entry {e} used");
                    total += e;
                }
                None => total += unassigned,
            }
        }
        assert!(total == a.cost || (total - a.cost).abs() < 1e-9, "{total} vs {}", a.cost);
    }

    mod assign {
        use super::*;

        #[test]
        fn empty_matrix_costs_nothing() {
            assert_eq!(super::super::assign(&[], 0, 0, 1.0), Assignment { row_to_col: vec![], cost: 0.0 });
            assert_eq!(super::super::assign(&[], 0, 4, 1.0).cost, 0.0);
        }

        #[test]
        fn rows_without_columns_all_pay_the_unassigned_cost() {
            let a = super::super::assign(&[], 3, 0, 2.5);
            assert_eq!(a.row_to_col, vec![None, None, None]);
            assert_eq!(a.cost, 7.5);
        }

        #[test]
        fn classic_three_by_three() {
            // The textbook example: optimum 5 (1 + 2 + 2) on the anti-diagonal-ish permutation.
            let cost = [4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0];
            let a = super::super::assign(&cost, 3, 3, INF);
            assert_eq!(a.row_to_col, vec![Some(1), Some(0), Some(2)]);
            assert_eq!(a.cost, 5.0);
        }

        #[test]
        fn greedy_choice_is_not_optimal() {
            // Greedy takes (0,0)=1 and then (1,1)=10; optimal is 2 + 2.
            let cost = [1.0, 2.0, 2.0, 10.0];
            let a = super::super::assign(&cost, 2, 2, INF);
            assert_eq!(a.row_to_col, vec![Some(1), Some(0)]);
            assert_eq!(a.cost, 4.0);
        }

        #[test]
        fn more_columns_than_rows() {
            let cost = [5.0, 1.0, 9.0, 8.0, 7.0, 1.5, 2.0, 3.0];
            let a = super::super::assign(&cost, 2, 4, INF);
            assert_eq!(a.row_to_col, vec![Some(1), Some(2)]);
            assert_eq!(a.cost, 3.0);
        }

        #[test]
        fn more_rows_than_columns_with_infinite_unassigned_cost() {
            let cost = [1.0, 4.0, 2.0];
            let a = super::super::assign(&cost, 3, 1, INF);
            assert_eq!(a.row_to_col, vec![Some(0), None, None]);
            assert_eq!(a.cost, INF);
        }

        #[test]
        fn leaving_two_rows_unassigned_beats_a_costly_swap() {
            // Both rows want column 0. Assigning row 1 to column 1 (cost 9) is worse than 4.
            let cost = [1.0, 9.0, 2.0, 9.0];
            let a = super::super::assign(&cost, 2, 2, 4.0);
            assert_eq!(a.row_to_col, vec![Some(0), None]);
            assert_eq!(a.cost, 5.0);
        }

        #[test]
        fn entry_equal_to_unassigned_cost_is_not_allowed() {
            let a = super::super::assign(&[3.0, 3.0], 1, 2, 3.0);
            assert_eq!(a.row_to_col, vec![None]);
            assert_eq!(a.cost, 3.0);
        }

        #[test]
        fn nan_is_forbidden() {
            let cost = [f64::NAN, 2.0, 1.0, f64::NAN];
            let a = super::super::assign(&cost, 2, 2, 10.0);
            assert_eq!(a.row_to_col, vec![Some(1), Some(0)]);
            assert_eq!(a.cost, 3.0);
            let a = super::super::assign(&[f64::NAN], 1, 1, INF);
            assert_eq!(a.row_to_col, vec![None]);
        }

        #[test]
        fn gated_out_row_stays_unassigned() {
            let cost = [INF, INF, 1.0, 2.0];
            let a = super::super::assign(&cost, 2, 2, 50.0);
            assert_eq!(a.row_to_col, vec![None, Some(0)]);
            assert_eq!(a.cost, 51.0);
        }

        #[test]
        fn negative_costs() {
            let cost = [-5.0, -1.0, -2.0, -4.0];
            let a = super::super::assign(&cost, 2, 2, 0.0);
            assert_eq!(a.row_to_col, vec![Some(0), Some(1)]);
            assert_eq!(a.cost, -9.0);
        }

        #[test]
        fn negative_infinite_unassigned_cost_leaves_everything_unassigned() {
            let a = super::super::assign(&[1.0], 1, 1, f64::NEG_INFINITY);
            assert_eq!(a.row_to_col, vec![None]);
            assert_eq!(a.cost, f64::NEG_INFINITY);
        }

        #[test]
        #[should_panic(expected = "rows × cols")]
        fn wrong_length_panics() {
            super::super::assign(&[1.0, 2.0, 3.0], 2, 2, 1.0);
        }
    }

    mod solver {
        use super::*;

        #[test]
        fn reuse_across_shapes_gives_fresh_answers() {
            let mut s = Solver::new();
            let mut out = Vec::new();
            assert_eq!(s.solve(&[1.0, 2.0, 2.0, 10.0], 2, 2, INF, &mut out), 4.0);
            assert_eq!(s.solve(&[3.0, 1.0, 2.0], 1, 3, INF, &mut out), 1.0);
            assert_eq!(out, vec![Some(1)]);
            assert_eq!(s.solve(&[1.0, 1.0, 1.0], 3, 1, 0.5, &mut out), 1.5);
            assert_eq!(out, vec![None, None, None]);
            assert_eq!(s.solve(&[], 0, 0, 1.0, &mut out), 0.0);
            assert!(out.is_empty());
        }
    }

    /// A cell: mostly small reals (ties included), sometimes forbidden.
    fn cell() -> impl Strategy<Value = f64> {
        prop_oneof![
            8 => (-20i32..=40).prop_map(|x| f64::from(x) * 0.5),
            1 => Just(INF),
            1 => Just(f64::NAN),
        ]
    }

    fn problem() -> impl Strategy<Value = (usize, usize, Vec<f64>, f64)> {
        (0usize..=6, 0usize..=6).prop_flat_map(|(r, c)| {
            let unassigned = prop_oneof![
                3 => (-4i32..=30).prop_map(f64::from),
                1 => Just(INF),
            ];
            (Just(r), Just(c), proptest::collection::vec(cell(), r * c), unassigned)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn matches_brute_force((rows, cols, cost, unassigned) in problem()) {
            let a = super::assign(&cost, rows, cols, unassigned);
            check_consistent(&cost, rows, cols, unassigned, &a);
            let best = brute_force(&cost, rows, cols, unassigned);
            prop_assert!(
                a.cost == best || (a.cost - best).abs() < 1e-9,
                "solver {} vs brute force {best}: {:?}", a.cost, a.row_to_col
            );
        }

        #[test]
        fn reused_solver_agrees_with_fresh_one(
            problems in proptest::collection::vec(problem(), 1..5)
        ) {
            let mut s = Solver::new();
            let mut out = Vec::new();
            for (rows, cols, cost, unassigned) in problems {
                let total = s.solve(&cost, rows, cols, unassigned, &mut out);
                let fresh = super::assign(&cost, rows, cols, unassigned);
                prop_assert_eq!(&out, &fresh.row_to_col);
                prop_assert!(total == fresh.cost || (total - fresh.cost).abs() < 1e-9);
            }
        }
    }
}
