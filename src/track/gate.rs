//! Gating: chi-square thresholds on the innovation's Mahalanobis distance, and a uniform spatial
//! grid over the scan's detections so each track only tests the few detections near it. Building
//! the grid is a counting sort (O(detections)); a query touches the cells under the gate's
//! bounding box, so gating costs O(tracks + detections) at realistic densities instead of
//! O(tracks × detections).
use nalgebra::Vector2;

/// Squared-Mahalanobis gate thresholds for measurement dimensions 1 to 4.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gate {
    /// `thresholds[k - 1]` for dimension `k`.
    pub thresholds: [f64; 4],
}

impl Gate {
    /// Gates that keep a true detection with probability `p`.
    pub fn with_probability(p: f64) -> Self {
        Gate { thresholds: std::array::from_fn(|k| chi2_quantile(k + 1, p)) }
    }
    /// Threshold for a measurement of dimension `dim` (1..=4).
    #[inline]
    pub fn threshold(&self, dim: usize) -> f64 {
        self.thresholds[dim.clamp(1, 4) - 1]
    }
}

/// Complementary error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7).
fn erfc(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y = t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let r = y * (-x * x).exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// Chi-square survival function for k = 1..4 degrees of freedom (closed forms).
fn chi2_sf(k: usize, x: f64) -> f64 {
    let h = x / 2.0;
    match k {
        1 => erfc(h.sqrt()),
        2 => (-h).exp(),
        3 => erfc(h.sqrt()) + (2.0 * x / std::f64::consts::PI).sqrt() * (-h).exp(),
        _ => (-h).exp() * (1.0 + h),
    }
}

/// The `p` quantile of chi-square with `k` (1..=4) degrees of freedom, by bisection.
///
/// # Examples
/// ```
/// use seawarden::track::gate::chi2_quantile;
/// assert!((chi2_quantile(2, 0.99) - 9.2103).abs() < 1e-3);
/// assert!((chi2_quantile(1, 0.999) - 10.828).abs() < 1e-2);
/// ```
pub fn chi2_quantile(k: usize, p: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 500.0_f64);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if chi2_sf(k, mid) > 1.0 - p { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

/// A uniform grid over points, stored compressed (cell start offsets + point indices).
#[derive(Debug, Clone, Default)]
pub struct Grid {
    x0: f64,
    y0: f64,
    cell: f64,
    nx: usize,
    ny: usize,
    starts: Vec<u32>,
    items: Vec<u32>,
    cells: Vec<u32>,
}

impl Grid {
    /// Rebuild over `points` (index, east/north), reusing buffers. `cell_m` is a hint: it grows
    /// when the points are spread so widely that the grid would have more cells than ~4× points.
    pub fn build(&mut self, points: impl Iterator<Item = (u32, Vector2<f64>)> + Clone, cell_m: f64) {
        let (mut minx, mut miny, mut maxx, mut maxy) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        let mut n = 0usize;
        for (_, p) in points.clone() {
            minx = minx.min(p.x);
            miny = miny.min(p.y);
            maxx = maxx.max(p.x);
            maxy = maxy.max(p.y);
            n += 1;
        }
        self.items.clear();
        self.cells.clear();
        if n == 0 {
            self.nx = 0;
            self.ny = 0;
            self.starts.clear();
            return;
        }
        let mut cell = cell_m;
        let max_cells = (4 * n + 64) as f64;
        while ((maxx - minx) / cell + 1.0) * ((maxy - miny) / cell + 1.0) > max_cells {
            cell *= 2.0;
        }
        self.x0 = minx;
        self.y0 = miny;
        self.cell = cell;
        self.nx = ((maxx - minx) / cell) as usize + 1;
        self.ny = ((maxy - miny) / cell) as usize + 1;
        let ncell = self.nx * self.ny;
        self.starts.clear();
        self.starts.resize(ncell + 1, 0);
        for (_, p) in points.clone() {
            let c = self.cell_of(p);
            self.cells.push(c as u32);
            self.starts[c + 1] += 1;
        }
        for i in 0..ncell {
            self.starts[i + 1] += self.starts[i];
        }
        self.items.resize(n, 0);
        // Fill using a running cursor per cell (reuse `cells` as the per-point cell index).
        let mut cursor: Vec<u32> = self.starts[..ncell].to_vec();
        for (k, (idx, _)) in points.enumerate() {
            let c = self.cells[k] as usize;
            self.items[cursor[c] as usize] = idx;
            cursor[c] += 1;
        }
    }

    #[inline]
    fn cell_of(&self, p: Vector2<f64>) -> usize {
        let cx = (((p.x - self.x0) / self.cell) as usize).min(self.nx - 1);
        let cy = (((p.y - self.y0) / self.cell) as usize).min(self.ny - 1);
        cy * self.nx + cx
    }

    /// Call `f` with every point index whose cell overlaps the square of half-side `r_m`
    /// around `c` (a superset of the points within `r_m`).
    #[inline]
    pub fn query(&self, c: Vector2<f64>, r_m: f64, mut f: impl FnMut(u32)) {
        if self.nx == 0 || !(c.x.is_finite() && c.y.is_finite() && r_m.is_finite()) {
            return;
        }
        let lo_x = ((c.x - r_m - self.x0) / self.cell).floor();
        let hi_x = ((c.x + r_m - self.x0) / self.cell).floor();
        let lo_y = ((c.y - r_m - self.y0) / self.cell).floor();
        let hi_y = ((c.y + r_m - self.y0) / self.cell).floor();
        if hi_x < 0.0 || hi_y < 0.0 || lo_x >= self.nx as f64 || lo_y >= self.ny as f64 {
            return;
        }
        let (x0, x1) = (lo_x.max(0.0) as usize, (hi_x as usize).min(self.nx - 1));
        let (y0, y1) = (lo_y.max(0.0) as usize, (hi_y as usize).min(self.ny - 1));
        for cy in y0..=y1 {
            let row = cy * self.nx;
            let (a, b) = (self.starts[row + x0] as usize, self.starts[row + x1 + 1] as usize);
            for &i in &self.items[a..b] {
                f(i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod chi2_quantile {
        use super::*;
        #[test]
        fn matches_tables_for_one_to_four_dimensions() {
            // 0.999 quantiles: 10.828, 13.816, 16.266, 18.467.
            for (k, q) in [(1, 10.828), (2, 13.816), (3, 16.266), (4, 18.467)] {
                assert!((chi2_quantile(k, 0.999) - q).abs() < 0.01, "k={k}");
            }
        }
    }

    mod grid {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn query_returns_every_point_within_the_radius(
                pts in proptest::collection::vec((-5000.0..5000.0f64, -5000.0..5000.0f64), 0..200),
                cx in -6000.0..6000.0f64, cy in -6000.0..6000.0f64, r in 0.0..3000.0f64, cell in 50.0..2000.0f64,
            ) {
                let pv: Vec<Vector2<f64>> = pts.iter().map(|&(x, y)| Vector2::new(x, y)).collect();
                let mut g = Grid::default();
                g.build(pv.iter().enumerate().map(|(i, p)| (i as u32, *p)), cell);
                let mut got = Vec::new();
                g.query(Vector2::new(cx, cy), r, |i| got.push(i));
                let c = Vector2::new(cx, cy);
                for (i, p) in pv.iter().enumerate() {
                    if (p - c).norm() <= r { prop_assert!(got.contains(&(i as u32))); }
                }
                let mut dedup = got.clone(); dedup.sort(); dedup.dedup();
                prop_assert_eq!(dedup.len(), got.len());
            }
        }
    }
}
