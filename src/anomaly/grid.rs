//! [`CellGrid`]: items grouped by square grid cell, built once per update, so that the pairing
//! pass finds a track's neighbours (its row of three cells, for each of three rows) by two
//! array reads instead of a bisection over a sorted list: at 5 000 tracks the bisections and the
//! sort were a fifth of the engine's own time.
//!
//! Items keep their insertion order within a cell, and cells are laid out row by row (`y`, then
//! `x`), so a row of three neighbouring cells is one contiguous slice, in exactly the order a
//! list sorted by (cell, insertion index) holds them.

/// `x.floor() as i64`, the same value for every `x` (NaN 0, saturating), without the libm call
/// `floor` is on x86-64 without SSE4.1: grid cells are taken several times per track per update
/// (pairing, zone rasters, the R-tree grid, the night cache), and `floor` was 3 % of the
/// engine's time at 5 000 tracks.
#[inline]
pub fn floor_i64(x: f64) -> i64 {
    // `as` truncates toward zero and saturates (NaN to 0); below zero that is one too high
    // unless `x` is whole.
    let t = x as i64;
    if (t as f64) > x { t.saturating_sub(1) } else { t }
}

/// The cell of `v` (a coordinate already scaled to cells) on an axis of `n` cells, clamped to
/// it: the zone rasters and the zone index's grid both place points this way.
#[inline]
pub fn clamped_cell(v: f64, n: usize) -> usize {
    floor_i64(v).clamp(0, n as i64 - 1) as usize
}

/// Items by cell. Dense (a counting sort over the occupied extent, plus a one-cell margin) when
/// that extent has at most [`CellGrid::DENSE_CELLS_PER_ITEM`] cells per item; otherwise sorted by
/// (cell, index) and found by bisection (tracks spread over a very wide area).
#[derive(Debug, Clone)]
pub struct CellGrid<E> {
    /// The items, grouped by cell.
    entries: Vec<E>,
    /// Sorted mode: each entry's cell, parallel to `entries`.
    keys: Vec<(i64, i64)>,
    /// Dense mode: where each cell's items start in `entries` (one more than the cells).
    starts: Vec<u32>,
    /// Dense mode: the cell of the grid's first row and column (one below the extent's).
    origin: (i64, i64),
    /// Dense mode: cells per row.
    width: usize,
    /// Dense mode: rows.
    height: usize,
    dense: bool,
    /// Scratch: (cell, item) as given, before grouping.
    scratch: Vec<((i64, i64), E)>,
}

impl<E> Default for CellGrid<E> {
    fn default() -> Self {
        CellGrid {
            entries: Vec::new(),
            keys: Vec::new(),
            starts: Vec::new(),
            origin: (0, 0),
            width: 0,
            height: 0,
            dense: false,
            scratch: Vec::new(),
        }
    }
}

impl<E: Copy> CellGrid<E> {
    /// Most cells per item for the dense layout (its `starts` array is this many `u32`s per
    /// item at worst).
    pub const DENSE_CELLS_PER_ITEM: usize = 16;

    /// Group `items` ((row, column) cell, item) by cell, keeping their order within a cell;
    /// buffers are reused across calls.
    pub fn build(&mut self, items: impl IntoIterator<Item = ((i64, i64), E)>) {
        self.scratch.clear();
        self.scratch.extend(items);
        self.entries.clear();
        self.keys.clear();
        let n = self.scratch.len();
        let (mut y0, mut y1, mut x0, mut x1) = (i64::MAX, i64::MIN, i64::MAX, i64::MIN);
        for &((y, x), _) in &self.scratch {
            (y0, y1, x0, x1) = (y0.min(y), y1.max(y), x0.min(x), x1.max(x));
        }
        // With a margin of one cell all round, so that a neighbour of any item is inside.
        let grid = || -> Option<((i64, i64), usize, usize)> {
            let origin = (y0.checked_sub(1)?, x0.checked_sub(1)?);
            let h = usize::try_from(y1.checked_add(1)?.checked_sub(origin.0)?.checked_add(1)?).ok()?;
            let w = usize::try_from(x1.checked_add(1)?.checked_sub(origin.1)?.checked_add(1)?).ok()?;
            let cells = h.checked_mul(w)?;
            (n > 0 && u32::try_from(n).is_ok() && cells <= n.max(256) * Self::DENSE_CELLS_PER_ITEM)
                .then_some((origin, w, h))
        };
        match grid() {
            Some((origin, w, h)) => {
                let c = w * h;
                self.dense = true;
                (self.origin, self.width, self.height) = (origin, w, h);
                self.starts.clear();
                self.starts.resize(c + 1, 0);
                for &(k, _) in &self.scratch {
                    let i = self.cell(k);
                    self.starts[i + 1] += 1;
                }
                for i in 0..c {
                    self.starts[i + 1] += self.starts[i];
                }
                // Scatter in input order (a stable counting sort); `starts[i]` walks to the end
                // of cell i, that is to where cell i + 1 starts, and is shifted back below.
                let first = self.scratch[0].1;
                self.entries.resize(n, first);
                for &(k, e) in &self.scratch {
                    let i = self.cell(k);
                    let at = &mut self.starts[i];
                    self.entries[*at as usize] = e;
                    *at += 1;
                }
                for i in (1..=c).rev() {
                    self.starts[i] = self.starts[i - 1];
                }
                self.starts[0] = 0;
            }
            _ => {
                self.dense = false;
                // Stable: equal cells keep input order.
                self.scratch.sort_by_key(|e| e.0);
                self.keys.extend(self.scratch.iter().map(|e| e.0));
                self.entries.extend(self.scratch.iter().map(|e| e.1));
            }
        }
    }

    /// Dense mode: the index of cell `(y, x)` (inside the grid).
    #[inline]
    fn cell(&self, (y, x): (i64, i64)) -> usize {
        (y - self.origin.0) as usize * self.width + (x - self.origin.1) as usize
    }

    /// The items of cells `(y, x - 1)`, `(y, x)` and `(y, x + 1)`, by cell then input order.
    /// In dense mode `y` must be within one row, and `x` within the extent, of an item's cell
    /// (the pairing pass asks only about its items' cells and the rows beside them).
    #[inline]
    pub fn row3(&self, y: i64, x: i64) -> &[E] {
        if self.dense {
            let (ry, cx) = (y.wrapping_sub(self.origin.0), x.wrapping_sub(self.origin.1));
            if !(0..self.height as i64).contains(&ry) || !(1..self.width as i64 - 1).contains(&cx) {
                return &[];
            }
            let i = ry as usize * self.width + cx as usize;
            &self.entries[self.starts[i - 1] as usize..self.starts[i + 2] as usize]
        } else {
            let (lo, hi) = ((y, x.saturating_sub(1)), (y, x.saturating_add(1)));
            let from = self.keys.partition_point(|k| *k < lo);
            let to = from + self.keys[from..].partition_point(|k| *k <= hi);
            &self.entries[from..to]
        }
    }

    /// Whether the dense layout is in use (for tests).
    pub fn is_dense(&self) -> bool {
        self.dense
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference: every item in the three cells, sorted by (cell, input index).
    fn reference(items: &[((i64, i64), u32)], y: i64, x: i64) -> Vec<u32> {
        let mut v: Vec<_> = items.iter().filter(|(c, _)| c.0 == y && (x - 1..=x + 1).contains(&c.1)).collect();
        v.sort_by_key(|(c, i)| (*c, *i));
        v.into_iter().map(|(_, i)| *i).collect()
    }

    fn check(items: &[((i64, i64), u32)], g: &mut CellGrid<u32>) {
        g.build(items.iter().copied());
        for &((y, x), _) in items {
            for dy in -1..=1 {
                assert_eq!(g.row3(y + dy, x), reference(items, y + dy, x).as_slice(), "cell ({}, {x})", y + dy);
            }
        }
    }

    proptest! {
        /// Dense (a compact layout) and sorted (items spread far apart) both return exactly the
        /// items of the three cells in (cell, index) order, including when reused.
        #[test]
        fn a_row_of_three_cells_is_exactly_its_items_in_cell_then_input_order(
            cells in prop::collection::vec((-6i64..6, -6i64..6), 0..120),
            far in prop::collection::vec((-1_000_000i64..1_000_000, -1_000_000i64..1_000_000), 1..40),
        ) {
            let mut g = CellGrid::default();
            let items: Vec<_> = cells.iter().enumerate().map(|(i, &c)| (c, i as u32)).collect();
            check(&items, &mut g);
            prop_assert!(items.is_empty() || g.is_dense());
            let spread: Vec<_> =
                cells.iter().chain(&far).chain(&[(9_000_000, -9_000_000)]).enumerate().map(|(i, &c)| (c, i as u32)).collect();
            check(&spread, &mut g);
            prop_assert!(!g.is_dense());
            check(&items, &mut g);
        }
    }

    proptest! {
        #[test]
        fn floor_i64_is_floor_as_i64(x in prop::num::f64::ANY, k in -3_000_000i64..3_000_000, f in 0.0f64..1.0) {
            prop_assert_eq!(floor_i64(x), x.floor() as i64);
            let y = k as f64 + f;
            prop_assert_eq!(floor_i64(y), y.floor() as i64);
            prop_assert_eq!(floor_i64(-y), (-y).floor() as i64);
        }
    }

    #[test]
    fn floor_i64_at_the_edges() {
        for x in [
            0.0,
            -0.0,
            0.5,
            -0.5,
            -1.0,
            1.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9.3e18,
            -9.3e18,
            -9_223_372_036_854_775_808.0,
            9_223_372_036_854_775_807.0,
            -4_503_599_627_370_496.5,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            1e-300,
            -1e-300,
        ] {
            assert_eq!(floor_i64(x), x.floor() as i64, "{x}");
        }
    }

    #[test]
    fn extreme_cells_fall_back_to_sorting_without_overflow() {
        let items = [((i64::MIN, i64::MAX), 0u32), ((i64::MAX, i64::MIN), 1), ((0, 0), 2), ((0, 1), 3)];
        let mut g = CellGrid::default();
        g.build(items.iter().copied());
        assert!(!g.is_dense());
        assert_eq!(g.row3(0, 0), &[2, 3]);
        assert_eq!(g.row3(i64::MIN, i64::MAX), &[0]);
        assert_eq!(g.row3(i64::MAX, i64::MIN), &[1]);
    }
}
