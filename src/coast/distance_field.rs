//! [`WaterGrid`] and [`DistanceField`]: one Dijkstra pass over the [`WaterRouter`]'s water grid
//! from one start, then the water distance to any point is a lookup and a route to it is a walk
//! back along parent cells, string-pulled: no A* per query.
//!
//! The pass is lazy and cheap: a field only grows as far as it is asked to
//! ([`DistanceField::ensure_m`]), so a fleet planner pays for the water around each boat that
//! matters to its targets, not for the whole 26 × 28 km map. The moves each cell allows are
//! precomputed once per grid as a 16-bit mask, and the queue is a bucket ring (Dial's
//! algorithm: bucket width = the smallest step cost, so a bucket's cells are final when it is
//! reached), with no heap and no bounds checks in the inner loop.
//!
//! The grid is the router's own (same origin, cell size and shore margin; its usable cells are
//! read back through [`WaterRouter::is_clear_xy`]), so a field and the router agree on which
//! water is open. Steps go to the 16 neighbours (8 adjacent plus the 8 knight moves), which keeps
//! the grid distance within about 2.7 % above the straight-line distance in open water, against
//! 8 % for 8 neighbours.
//!
//! # References
//! - E. W. Dijkstra, *A note on two problems in connexion with graphs*, Numer. Math. 1, 1959.
//! - R. B. Dial, *Algorithm 360: shortest-path forest with topological ordering*, CACM 12(11),
//!   1969 (the bucket queue).
//! - N. Rivera, C. Hernández, J. A. Baier, *Grid pathfinding on the 2^k neighborhoods*, AAAI 2017
//!   (the error of 8- and 16-neighbour grid distances).

use super::CoastError;
use super::land::Grid;
use super::router::WaterRouter;

/// How far from a point to look for a usable cell when the point itself is in the shore margin,
/// metres (as the router does for route ends).
const NEAREST_MAX_M: f64 = 2_000.0;

/// Field distances are integer centimetres, so the search order is exact and deterministic.
const CM_PER_M: f64 = 100.0;

/// The router's water grid as plain data: which cells are usable, shared by every field.
#[derive(Debug, Clone)]
pub struct WaterGrid {
    grid: Grid,
    free: Vec<bool>,
    /// Per cell, bit `k` set when step `k` of [`WaterGrid::steps`] leads to a usable cell
    /// without cutting a blocked one.
    moves: Vec<u16>,
    /// The 16 steps: index offset and cost in centimetres.
    steps: [(isize, u32); 16],
}

/// The 16 moves as `(dx, dy, relative cost, cells that must be free besides the target)`: for
/// a diagonal the two it cuts between, for a knight move the two it passes through.
fn move_table() -> [(i64, i64, f64, [(i64, i64); 2]); 16] {
    let (s2, s5) = (std::f64::consts::SQRT_2, 5f64.sqrt());
    let mut v = [(0, 0, 0.0, [(0, 0), (0, 0)]); 16];
    let mut k = 0;
    for (dx, dy) in [(1i64, 0i64), (-1, 0), (0, 1), (0, -1)] {
        v[k] = (dx, dy, 1.0, [(0, 0), (0, 0)]);
        k += 1;
    }
    for (dx, dy) in [(1i64, 1i64), (1, -1), (-1, 1), (-1, -1)] {
        v[k] = (dx, dy, s2, [(dx, 0), (0, dy)]);
        k += 1;
    }
    for (dx, dy) in [(2i64, 1i64), (2, -1), (-2, 1), (-2, -1)] {
        v[k] = (dx, dy, s5, [(dx / 2, 0), (dx / 2, dy)]);
        k += 1;
    }
    for (dx, dy) in [(1i64, 2i64), (-1, 2), (1, -2), (-1, -2)] {
        v[k] = (dx, dy, s5, [(0, dy / 2), (dx, dy / 2)]);
        k += 1;
    }
    v
}

/// Ring size of the bucket queue: a step costs at most √5 buckets, so a relaxation lands at
/// most 3 buckets ahead of the one being processed.
const RING: usize = 4;

impl WaterGrid {
    /// The grid of `router` (same geometry, same usable cells).
    ///
    /// Costs one [`WaterRouter::is_clear_xy`] and one 16-move mask per cell (about 290 000 for
    /// Macau, about 10 ms of CPU in release).
    pub fn of(router: &WaterRouter) -> Self {
        let coast = router.coast();
        let (lo, hi) = coast.bbox();
        let a = coast.plane().to_xy(lo);
        let b = coast.plane().to_xy(hi);
        let cell_m = router.options().cell_m;
        let grid = Grid {
            x0: a[0],
            y0: a[1],
            cell_m,
            nx: ((b[0] - a[0]) / cell_m).ceil() as usize,
            ny: ((b[1] - a[1]) / cell_m).ceil() as usize,
        };
        let mut free = vec![false; grid.nx * grid.ny];
        for iy in 0..grid.ny {
            for ix in 0..grid.nx {
                free[iy * grid.nx + ix] = router.is_clear_xy(grid.centre(ix, iy));
            }
        }
        let table = move_table();
        let (nx, ny) = (grid.nx as i64, grid.ny as i64);
        let is_free = |x: i64, y: i64| x >= 0 && y >= 0 && x < nx && y < ny && free[(y * nx + x) as usize];
        let mut moves = vec![0u16; free.len()];
        for cy in 0..ny {
            for cx in 0..nx {
                if !free[(cy * nx + cx) as usize] {
                    continue;
                }
                let mut mask = 0u16;
                for (k, &(dx, dy, _, via)) in table.iter().enumerate() {
                    if is_free(cx + dx, cy + dy) && via.iter().all(|&(vx, vy)| is_free(cx + vx, cy + vy)) {
                        mask |= 1 << k;
                    }
                }
                moves[(cy * nx + cx) as usize] = mask;
            }
        }
        let cell_cm = grid.cell_m * CM_PER_M;
        let mut steps = [(0isize, 0u32); 16];
        for (k, &(dx, dy, rel, _)) in table.iter().enumerate() {
            steps[k] = ((dy * nx + dx) as isize, (cell_cm * rel).round() as u32);
        }
        WaterGrid { grid, free, moves, steps }
    }

    fn centre(&self, c: usize) -> [f64; 2] {
        self.grid.centre(c % self.grid.nx, c / self.grid.nx)
    }

    /// Whether the straight leg `a`–`b` only passes through usable cells (as
    /// [`WaterRouter::is_leg_clear_xy`]).
    pub fn is_leg_clear_xy(&self, a: [f64; 2], b: [f64; 2]) -> bool {
        let (ax, ay) = self.grid.cell_of(a);
        let (bx, by) = self.grid.cell_of(b);
        if self.grid.index(ax, ay).is_none() || self.grid.index(bx, by).is_none() {
            return false;
        }
        !self.grid.walk(a, b, |c| !self.free[c])
    }

    /// The usable cell nearest to `p` within `max_m`, by a ring search.
    fn nearest_free(&self, p: [f64; 2], max_m: f64) -> Option<usize> {
        self.grid.nearest_where(p, max_m, |c| self.free[c])
    }

    /// The water distance field from `from` (plane metres), empty until grown with
    /// [`DistanceField::ensure_m`] (nothing is searched here).
    ///
    /// # Errors
    /// [`CoastError::NoWaterNear`] when no usable cell lies within 2 km of `from`.
    pub fn field_from(&self, router: &WaterRouter, from: [f64; 2]) -> Result<DistanceField<'_>, CoastError> {
        let no_water = || {
            let ll = router.coast().plane().to_latlon(from);
            CoastError::NoWaterNear { lat: ll.lat_deg, lon: ll.lon_deg }
        };
        let s = self.nearest_free(from, NEAREST_MAX_M).ok_or_else(no_water)?;
        let sc = self.centre(s);
        if s != self.grid.index(self.grid.cell_of(from).0, self.grid.cell_of(from).1).unwrap_or(usize::MAX)
            && router.coast().crosses_land_xy(from, sc)
        {
            return Err(no_water());
        }
        let n = self.free.len();
        let start_cm = ((sc[0] - from[0]).hypot(sc[1] - from[1]) * CM_PER_M).round() as u32;
        let mut f = DistanceField {
            grid: self,
            from,
            start: s,
            dist: vec![u32::MAX; n],
            parent: vec![u32::MAX; n],
            ring: Default::default(),
            bucket: (start_cm / self.bucket_cm()) as u64,
            settled_cm: 0,
            done: false,
        };
        f.dist[s] = start_cm;
        f.ring[f.bucket as usize % RING].push((start_cm, s as u32));
        Ok(f)
    }

    /// Bucket width of the queue: the smallest step cost (one cell straight).
    fn bucket_cm(&self) -> u32 {
        self.steps[0].1.max(1)
    }
}

/// Water distances from one start to every usable cell of a [`WaterGrid`], with the parent of
/// each cell on its shortest grid path.
#[derive(Debug, Clone)]
pub struct DistanceField<'g> {
    grid: &'g WaterGrid,
    from: [f64; 2],
    start: usize,
    /// Centimetres from `from`; `u32::MAX` where not reached yet. Final below `settled_cm`.
    dist: Vec<u32>,
    parent: Vec<u32>,
    /// The bucket queue: `(distance, cell)` entries, bucket `b` at `ring[b % RING]`.
    ring: [Vec<(u32, u32)>; RING],
    /// The bucket to process next.
    bucket: u64,
    /// Every cell nearer than this (centimetres) has its final distance.
    settled_cm: u64,
    /// The whole reachable water is settled.
    done: bool,
}

impl DistanceField<'_> {
    /// Grows the field until every cell within `radius_m` of water distance from the start has
    /// its final distance (or all reachable water is done). Cheap when already that far.
    pub fn ensure_m(&mut self, radius_m: f64) {
        let want = (radius_m.max(0.0) * CM_PER_M).ceil() as u64;
        let g = self.grid;
        let w = g.bucket_cm() as u64;
        while !self.done && self.settled_cm <= want {
            let slot = self.bucket as usize % RING;
            let mut items = std::mem::take(&mut self.ring[slot]);
            for &(d, c) in &items {
                let c = c as usize;
                if d != self.dist[c] {
                    continue;
                }
                let mut mask = g.moves[c];
                while mask != 0 {
                    let k = mask.trailing_zeros() as usize;
                    mask &= mask - 1;
                    let (off, cost) = g.steps[k];
                    let m = (c as isize + off) as usize;
                    let nd = d + cost;
                    if nd < self.dist[m] {
                        self.dist[m] = nd;
                        self.parent[m] = c as u32;
                        self.ring[(nd as u64 / w) as usize % RING].push((nd, m as u32));
                    }
                }
            }
            items.clear();
            self.ring[slot] = items;
            self.bucket += 1;
            self.settled_cm = self.bucket * w;
            if self.ring.iter().all(Vec::is_empty) {
                self.done = true;
            }
        }
    }

    /// How far the field is final, metres: any cell not reached is at least this far by water.
    pub fn settled_m(&self) -> f64 {
        if self.done { f64::INFINITY } else { self.settled_cm as f64 / CM_PER_M }
    }

    /// Whether cell `c` has its final distance.
    fn is_final(&self, c: usize) -> bool {
        self.dist[c] != u32::MAX && (self.done || (self.dist[c] as u64) < self.settled_cm)
    }
    /// The start point, plane metres.
    pub fn from_xy(&self) -> [f64; 2] {
        self.from
    }

    /// The reached cell that best serves `p`: its own cell, else the nearby usable cell with the
    /// smallest distance plus straight offset (for points in the shore margin).
    fn cell_for(&self, p: [f64; 2]) -> Option<(usize, f64)> {
        let g = &self.grid.grid;
        let (cx, cy) = g.cell_of(p);
        let val = |c: usize| {
            let q = self.grid.centre(c);
            self.dist[c] as f64 / CM_PER_M + (q[0] - p[0]).hypot(q[1] - p[1])
        };
        if let Some(c) = g.index(cx, cy)
            && self.is_final(c)
        {
            return Some((c, val(c)));
        }
        let mut best: Option<(usize, f64)> = None;
        for k in 1..=3i64 {
            for iy in (cy - k)..=(cy + k) {
                for ix in (cx - k)..=(cx + k) {
                    if (iy - cy).abs() != k && (ix - cx).abs() != k {
                        continue;
                    }
                    let Some(c) = g.index(ix, iy) else { continue };
                    if !self.is_final(c) {
                        continue;
                    }
                    let v = val(c);
                    if best.is_none_or(|(_, b)| v < b) {
                        best = Some((c, v));
                    }
                }
            }
            if best.is_some() {
                break;
            }
        }
        best
    }

    /// The water distance from the start to `p` along the grid, or `None` where the water
    /// around `p` is not reached (land, another basin, or farther than the field has grown:
    /// then it is at least [`DistanceField::settled_m`]).
    ///
    /// # Units
    /// Plane metres in and out. An upper bound on the string-pulled route's length, at most
    /// about 3 % above it in open water.
    pub fn distance_m(&self, p: [f64; 2]) -> Option<f64> {
        self.cell_for(p).map(|(_, d)| d)
    }

    /// For a point in usable water the field has not reached yet: how far it is at least
    /// ([`DistanceField::settled_m`]). `None` when `p` has a distance, or lies in land, the shore
    /// margin or off the grid (where nothing bounds it).
    pub fn at_least_m(&self, p: [f64; 2]) -> Option<f64> {
        let g = &self.grid.grid;
        let (cx, cy) = g.cell_of(p);
        let c = g.index(cx, cy)?;
        (self.grid.free[c] && !self.is_final(c)).then(|| self.settled_m())
    }

    /// A route from the start to `p` (both included) whose every leg is on water: the grid path
    /// back along parent cells, string-pulled, each leg checked with
    /// [`Coast::crosses_land_xy`](super::Coast::crosses_land_xy) (as [`WaterRouter::route_xy`]).
    ///
    /// # Errors
    /// [`CoastError::Unreachable`] where the water around `p` is not reached,
    /// [`CoastError::LegCrossesLand`] if a string-pulled leg touches land (a bug guard).
    pub fn route_xy(&self, router: &WaterRouter, p: [f64; 2]) -> Result<Vec<[f64; 2]>, CoastError> {
        let coast = router.coast();
        let plane = coast.plane();
        let from = self.from;
        let clear = |a: [f64; 2], b: [f64; 2]| self.grid.is_leg_clear_xy(a, b) && !coast.crosses_land_xy(a, b);
        if clear(from, p) {
            return Ok(vec![from, p]);
        }
        let Some((goal, _)) = self.cell_for(p) else {
            let (a, b) = (plane.to_latlon(from), plane.to_latlon(p));
            return Err(CoastError::Unreachable {
                from_lat: a.lat_deg,
                from_lon: a.lon_deg,
                to_lat: b.lat_deg,
                to_lon: b.lon_deg,
            });
        };
        let mut cells = vec![goal];
        let mut k = goal;
        while k != self.start {
            k = self.parent[k] as usize;
            cells.push(k);
        }
        cells.reverse();
        let centre = |c: usize| self.grid.centre(c);
        // String-pulling as the router does, but anchored on the real ends: from each anchor go
        // as far along the cell path as the leg stays in usable cells.
        let mut pts = vec![from];
        let mut anchor = from;
        let mut i = 0;
        let last = cells.len() - 1;
        while !clear(anchor, p) {
            let mut j = i;
            while j < last && self.grid.is_leg_clear_xy(anchor, centre(cells[j + 1])) {
                j += 1;
            }
            if centre(cells[j]) == anchor {
                // Already on this cell and its path successor is not in sight (cannot happen for
                // adjacent usable cells; guards the loop).
                if j == last {
                    break;
                }
                j += 1;
            }
            anchor = centre(cells[j]);
            pts.push(anchor);
            i = j;
            if j == last {
                break;
            }
        }
        if *pts.last().unwrap_or(&from) != p {
            pts.push(p);
        }
        pts.dedup();
        for (k, w) in pts.windows(2).enumerate() {
            if coast.crosses_land_xy(w[0], w[1]) {
                let ll = plane.to_latlon(w[0]);
                return Err(CoastError::LegCrossesLand { leg: k, lat: ll.lat_deg, lon: ll.lon_deg });
            }
        }
        Ok(pts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::LatLon;
    use std::sync::OnceLock;

    fn router() -> &'static WaterRouter {
        static R: OnceLock<WaterRouter> = OnceLock::new();
        R.get_or_init(WaterRouter::macau)
    }

    fn len(r: &[[f64; 2]]) -> f64 {
        r.windows(2).map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1])).sum()
    }

    mod route_xy {
        use super::*;

        #[test]
        fn round_taipa_and_coloane_agrees_with_the_router_within_three_percent() {
            let r = router();
            let plane = *r.coast().plane();
            // Outer Harbour to Cheoc Van, snapped to usable water.
            let near = |p| r.nearest_clear(p, 2_000.0).unwrap();
            let (a, b) =
                (plane.to_xy(near(LatLon::new(22.19, 113.57))), plane.to_xy(near(LatLon::new(22.10, 113.556))));
            let g = WaterGrid::of(r);
            let mut f = g.field_from(r, a).unwrap();
            f.ensure_m(f64::INFINITY);
            let path = f.route_xy(r, b).unwrap();
            for w in path.windows(2) {
                assert!(!r.coast().crosses_land_xy(w[0], w[1]));
            }
            let exact = len(&r.route_xy(a, b).unwrap());
            let d = f.distance_m(b).unwrap();
            assert!(d >= len(&path) - 1.0, "the field bounds its own route: {d} vs {}", len(&path));
            assert!((len(&path) - exact).abs() / exact < 0.03, "{} vs {exact}", len(&path));
            assert!((d - exact) / exact < 0.03, "{d} vs {exact}");
        }

        #[test]
        fn open_water_is_one_leg() {
            let r = router();
            let plane = *r.coast().plane();
            let (a, b) = (plane.to_xy(LatLon::new(22.10, 113.62)), plane.to_xy(LatLon::new(22.13, 113.64)));
            let g = WaterGrid::of(r);
            let mut f = g.field_from(r, a).unwrap();
            f.ensure_m(5_000.0);
            assert_eq!(f.route_xy(r, b).unwrap().len(), 2);
        }

        #[test]
        fn a_field_grown_in_steps_agrees_with_one_grown_at_once() {
            let r = router();
            let plane = *r.coast().plane();
            let g = WaterGrid::of(r);
            let a = plane.to_xy(LatLon::new(22.192, 113.561));
            let mut full = g.field_from(r, a).unwrap();
            full.ensure_m(f64::INFINITY);
            let mut lazy = g.field_from(r, a).unwrap();
            for radius in [500.0, 2_000.0, 6_000.0, 12_000.0] {
                lazy.ensure_m(radius);
                assert!(lazy.settled_m() > radius);
                for p in [LatLon::new(22.18, 113.565), LatLon::new(22.135, 113.5495), LatLon::new(22.10, 113.556)] {
                    let p = plane.to_xy(p);
                    match (lazy.distance_m(p), full.distance_m(p)) {
                        (Some(l), Some(f)) => assert_eq!(l, f, "at radius {radius}"),
                        (None, Some(f)) => assert!(f + 200.0 > radius, "{f} m is within {radius} m: must be settled"),
                        (l, f) => panic!("{l:?} vs {f:?}"),
                    }
                }
            }
        }

        #[test]
        fn a_start_deep_inland_is_refused() {
            let r = router();
            let g = WaterGrid::of(r);
            let p = r.coast().plane().to_xy(LatLon::new(22.25, 113.50));
            assert!(matches!(g.field_from(r, p), Err(CoastError::NoWaterNear { .. })));
        }
    }
}
