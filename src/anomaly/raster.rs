//! [`Raster`]: a coarse grid over one zone's bounding box that answers most point-in-zone
//! questions without the polygon test. Every track asks for its hotspot and whether it is in the
//! administered waters on every update; at 5 000 tracks the ring tests of those polygons (the
//! waters have 300 vertices) were a tenth of the engine's time.
//!
//! # Exactness
//! A cell that no polygon edge touches is wholly inside or wholly outside, like its centre
//! (the centre is tested once with the polygon's own `contains` at build time). A point is
//! answered from the grid only when its cell *and the eight around it* are untouched: the point
//! and the centre then lie in one edge-free rectangle, so the segment between them crosses no
//! edge, whatever rounding put the point in that cell. Every other point takes the polygon
//! test, so the answer is always that of `contains` (a point on the boundary is not contained,
//! and is never in an untouched cell).
use geo::{Contains, MultiPolygon, Point};

use super::grid::clamped_cell;

/// Cells per side.
const N: usize = 128;

/// What the grid knows of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Outside,
    Inside,
    /// Near an edge: ask the polygon.
    Unknown,
}

/// The grid of one zone: [`Raster::contains`] equals `area.contains(point)`.
#[derive(Debug, Clone)]
pub struct Raster {
    x0: f64,
    y0: f64,
    /// Cells per degree along x and y.
    sx: f64,
    sy: f64,
    cells: Vec<Cell>,
}

impl Raster {
    /// The grid of `area` over its bounding box `[min_x, min_y, max_x, max_y]`, or `None` for a
    /// degenerate or non-finite box (such a zone always takes the polygon test).
    pub fn new(area: &MultiPolygon<f64>, bbox: [f64; 4]) -> Option<Raster> {
        let (w, h) = (bbox[2] - bbox[0], bbox[3] - bbox[1]);
        if !(w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite()) {
            return None;
        }
        let mut r =
            Raster { x0: bbox[0], y0: bbox[1], sx: N as f64 / w, sy: N as f64 / h, cells: vec![Cell::Unknown; N * N] };
        // Touched cells: every edge, cut into pieces no longer than a cell, marks the cells of
        // each piece's box widened by a margin far above rounding.
        let mut touched = vec![false; N * N];
        let (ex, ey) = (w * 1e-6, h * 1e-6);
        let rings = area.0.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
        for ring in rings {
            for l in ring.lines() {
                let (a, b) = (l.start, l.end);
                let pieces = (((b.x - a.x).abs() * r.sx).max((b.y - a.y).abs() * r.sy).ceil() as usize).clamp(1, 4 * N);
                for k in 0..pieces {
                    let (t0, t1) = (k as f64 / pieces as f64, (k + 1) as f64 / pieces as f64);
                    let (xa, ya) = (a.x + (b.x - a.x) * t0, a.y + (b.y - a.y) * t0);
                    let (xb, yb) = (a.x + (b.x - a.x) * t1, a.y + (b.y - a.y) * t1);
                    let (i0, j0) = r.cell_of(xa.min(xb) - ex, ya.min(yb) - ey);
                    let (i1, j1) = r.cell_of(xa.max(xb) + ex, ya.max(yb) + ey);
                    for j in j0..=j1 {
                        for i in i0..=i1 {
                            touched[j * N + i] = true;
                        }
                    }
                }
            }
        }
        // Untouched cells next to each other along a row share their side: one polygon test per
        // run of them.
        let mut known = vec![Cell::Unknown; N * N];
        for j in 0..N {
            let mut run: Option<Cell> = None;
            for i in 0..N {
                if touched[j * N + i] {
                    run = None;
                    continue;
                }
                let c = *run.get_or_insert_with(|| {
                    let (x, y) = (r.x0 + (i as f64 + 0.5) / r.sx, r.y0 + (j as f64 + 0.5) / r.sy);
                    if area.contains(&Point::new(x, y)) { Cell::Inside } else { Cell::Outside }
                });
                known[j * N + i] = c;
            }
        }
        // Answer only where the cell and its eight neighbours are untouched (never on the border).
        for j in 1..N - 1 {
            for i in 1..N - 1 {
                let clear = (j - 1..=j + 1).all(|jj| (i - 1..=i + 1).all(|ii| !touched[jj * N + ii]));
                if clear {
                    r.cells[j * N + i] = known[j * N + i];
                }
            }
        }
        Some(r)
    }

    /// The cell holding `(x, y)`, clamped to the grid.
    fn cell_of(&self, x: f64, y: f64) -> (usize, usize) {
        (clamped_cell((x - self.x0) * self.sx, N), clamped_cell((y - self.y0) * self.sy, N))
    }

    /// Whether `area` contains `(x, y)`: from the grid where it knows, else `area.contains`.
    /// `area` must be the one the grid was built from.
    #[inline]
    pub fn contains(&self, area: &MultiPolygon<f64>, x: f64, y: f64) -> bool {
        let (i, j) = self.cell_of(x, y);
        match self.cells[j * N + i] {
            Cell::Inside => true,
            Cell::Outside => false,
            Cell::Unknown => area.contains(&Point::new(x, y)),
        }
    }

    /// Share of cells the grid answers by itself (tests, tuning).
    pub fn known_share(&self) -> f64 {
        self.cells.iter().filter(|c| **c != Cell::Unknown).count() as f64 / (N * N) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::zones::Zones;
    use geo::BoundingRect;

    #[test]
    fn agrees_with_the_polygon_test_on_every_macau_zone() {
        let zones = Zones::macau().unwrap();
        let mut known = 0.0;
        for z in zones.all() {
            let b = z.area.bounding_rect().unwrap();
            let bbox = [b.min().x, b.min().y, b.max().x, b.max().y];
            let r = Raster::new(&z.area, bbox).unwrap();
            known += r.known_share();
            // A dense irregular sample of the box, its edges, and every vertex.
            for k in 0..20_000 {
                let (fx, fy) = (((k * 7919) % 10_007) as f64 / 10_006.0, ((k * 104_729) % 9_973) as f64 / 9_972.0);
                let (x, y) = (bbox[0] + fx * (bbox[2] - bbox[0]), bbox[1] + fy * (bbox[3] - bbox[1]));
                assert_eq!(r.contains(&z.area, x, y), z.area.contains(&Point::new(x, y)), "{} at {x},{y}", z.id);
            }
            for p in z.area.0.iter().flat_map(|p| p.exterior().points()) {
                assert_eq!(r.contains(&z.area, p.x(), p.y()), z.area.contains(&p), "{} vertex", z.id);
            }
        }
        assert!(known / zones.all().len() as f64 > 0.5, "the grids answer too little: {known}");
    }

    #[test]
    fn a_degenerate_box_has_no_grid() {
        let zones = Zones::macau().unwrap();
        assert!(Raster::new(&zones.all()[0].area, [1.0, 1.0, 1.0, 2.0]).is_none());
    }
}
