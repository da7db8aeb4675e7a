//! [`Coast`]: land polygons behind a uniform-grid spatial index: is this point land, does this
//! straight leg touch land, how far is the shore.

use std::path::Path;

use super::CoastError;
use super::plane::Plane;
use crate::geodesy::LatLon;

/// The embedded Macau coastline (OSM land polygons, ±50 m; see `assets/GEODATA-SOURCES.md`).
pub const MACAU_COAST_GEOJSON: &str = include_str!("../../assets/macau-coast.geojson");

/// Edge length of the index cells, metres. Most cells are then either empty (open water or deep
/// inland, answered from a precomputed flag) or hold a handful of edges.
const INDEX_CELL_M: f64 = 250.0;

/// One polygon edge in plane metres, `[x0, y0, x1, y1]`.
type Edge = [f64; 4];

/// The land polygons of a coastline and a spatial index over their edges.
///
/// Why a uniform grid and not an R-tree: the hot queries are long straight segments (radar and
/// camera lines of sight up to 12 km, vessel legs), and walking the cells a segment passes through
/// (Amanatides–Woo) visits only the edges near it, where an R-tree envelope query of a diagonal
/// 12 km segment would return half the coast. Point queries in cells without edges are answered
/// from a flag computed once per cell centre. A query costs well under a microsecond in release,
/// so the simulator can afford several per vessel per sensor per scan.
///
/// All geometry lives in one [`Plane`] centred on the data's bounding box, so the answers for a
/// [`LatLon`] and for its plane coordinates are the same.
#[derive(Debug, Clone)]
pub struct Coast {
    plane: Plane,
    edges: Vec<Edge>,
    /// Edges that only close a polygon along the clipping box: land for `is_land`, not shore.
    clip: Vec<bool>,
    min_ll: LatLon,
    max_ll: LatLon,
    grid: Grid,
    /// Edge indices per cell: `items[start[c]..start[c + 1]]`.
    start: Vec<u32>,
    items: Vec<u32>,
    /// Whether each cell's centre is on land.
    centre_land: Vec<bool>,
}

/// A uniform grid over a rectangle of plane metres.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Grid {
    pub(crate) x0: f64,
    pub(crate) y0: f64,
    pub(crate) cell_m: f64,
    pub(crate) nx: usize,
    pub(crate) ny: usize,
}

impl Grid {
    /// Cell coordinates (may be out of range) of a plane point.
    #[inline]
    pub(crate) fn cell_of(&self, p: [f64; 2]) -> (i64, i64) {
        (((p[0] - self.x0) / self.cell_m).floor() as i64, ((p[1] - self.y0) / self.cell_m).floor() as i64)
    }

    #[inline]
    pub(crate) fn index(&self, ix: i64, iy: i64) -> Option<usize> {
        (ix >= 0 && iy >= 0 && (ix as usize) < self.nx && (iy as usize) < self.ny)
            .then(|| iy as usize * self.nx + ix as usize)
    }

    #[inline]
    pub(crate) fn centre(&self, ix: usize, iy: usize) -> [f64; 2] {
        [self.x0 + (ix as f64 + 0.5) * self.cell_m, self.y0 + (iy as f64 + 0.5) * self.cell_m]
    }

    /// The cell nearest to `p` (by centre, within `max_m`) that `usable` accepts, found by
    /// searching square rings outward: the router and the distance fields both snap a boat
    /// standing on a pier or a beach onto water this way, so they agree on where it starts.
    pub(crate) fn nearest_where(&self, p: [f64; 2], max_m: f64, usable: impl Fn(usize) -> bool) -> Option<usize> {
        let (cx, cy) = self.cell_of(p);
        let cx = cx.clamp(0, self.nx as i64 - 1);
        let cy = cy.clamp(0, self.ny as i64 - 1);
        if let Some(c) = self.index(cx, cy)
            && usable(c)
            && self.cell_of(p) == (cx, cy)
        {
            return Some(c);
        }
        let max_k = (max_m / self.cell_m).ceil() as i64 + 1;
        let mut best: Option<(f64, usize)> = None;
        for k in 0..=max_k {
            for iy in (cy - k)..=(cy + k) {
                for ix in (cx - k)..=(cx + k) {
                    if (iy - cy).abs() != k && (ix - cx).abs() != k {
                        continue;
                    }
                    let Some(c) = self.index(ix, iy) else { continue };
                    if !usable(c) {
                        continue;
                    }
                    let q = self.centre(ix as usize, iy as usize);
                    let d = (q[0] - p[0]).hypot(q[1] - p[1]);
                    if d <= max_m && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
                        best = Some((d, c));
                    }
                }
            }
            if let Some((d, _)) = best
                && d <= (k as f64) * self.cell_m
            {
                break;
            }
        }
        best.map(|(_, c)| c)
    }

    /// Calls `visit` with the index of every cell the segment `a`–`b` passes through, in order
    /// from `a`, until `visit` returns `true` (then returns `true`).
    pub(crate) fn walk(&self, a: [f64; 2], b: [f64; 2], mut visit: impl FnMut(usize) -> bool) -> bool {
        // Work in cell units; clip the segment's parameter range to the grid rectangle.
        let (ax, ay) = ((a[0] - self.x0) / self.cell_m, (a[1] - self.y0) / self.cell_m);
        let (dx, dy) = ((b[0] - a[0]) / self.cell_m, (b[1] - a[1]) / self.cell_m);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, d, hi) in [(ax, dx, self.nx as f64), (ay, dy, self.ny as f64)] {
            if d == 0.0 {
                if p < 0.0 || p >= hi {
                    return false;
                }
            } else {
                let (ta, tb) = ((0.0 - p) / d, (hi - p) / d);
                t0 = t0.max(ta.min(tb));
                t1 = t1.min(ta.max(tb));
            }
        }
        if t0 > t1 {
            return false;
        }
        let clamp = |v: f64, n: usize| (v.floor() as i64).clamp(0, n as i64 - 1);
        let (mut ix, mut iy) = (clamp(ax + t0 * dx, self.nx), clamp(ay + t0 * dy, self.ny));
        let (ex, ey) = (clamp(ax + t1 * dx, self.nx), clamp(ay + t1 * dy, self.ny));
        let (sx, sy) = (dx.signum() as i64, dy.signum() as i64);
        let next = |i: i64, p: f64, d: f64| {
            if d > 0.0 {
                (i as f64 + 1.0 - p) / d
            } else if d < 0.0 {
                (i as f64 - p) / d
            } else {
                f64::INFINITY
            }
        };
        let (mut tx, mut ty) = (next(ix, ax, dx), next(iy, ay, dy));
        let (ddx, ddy) = (if dx != 0.0 { 1.0 / dx.abs() } else { f64::INFINITY }, if dy != 0.0 { 1.0 / dy.abs() } else { f64::INFINITY });
        for _ in 0..(self.nx + self.ny + 2) {
            if visit(iy as usize * self.nx + ix as usize) {
                return true;
            }
            if ix == ex && iy == ey {
                break;
            }
            if tx < ty {
                if tx > t1 {
                    break;
                }
                ix += sx;
                tx += ddx;
            } else {
                if ty > t1 {
                    break;
                }
                iy += sy;
                ty += ddy;
            }
            if ix < 0 || iy < 0 || ix as usize >= self.nx || iy as usize >= self.ny {
                break;
            }
        }
        false
    }
}

/// Twice the signed area of the triangle `a, b, c`: positive when `c` is left of `a → b`.
#[inline]
fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// Where segment `a + t (b − a)` first touches segment `c`–`d`, as the largest touching `t` when
/// they overlap collinearly; `None` when they do not touch.
#[inline]
fn touch_t(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> Option<f64> {
    let r = [b[0] - a[0], b[1] - a[1]];
    let s = [d[0] - c[0], d[1] - c[1]];
    let denom = r[0] * s[1] - r[1] * s[0];
    let qp = [c[0] - a[0], c[1] - a[1]];
    if denom.abs() > 1e-12 * (r[0].hypot(r[1]) * s[0].hypot(s[1])).max(1e-300) {
        let t = (qp[0] * s[1] - qp[1] * s[0]) / denom;
        let u = (qp[0] * r[1] - qp[1] * r[0]) / denom;
        return ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u)).then_some(t);
    }
    // Parallel: touching only if collinear and overlapping.
    if orient(a, b, c).abs() > 1e-9 * r[0].hypot(r[1]).max(1.0) {
        return None;
    }
    let rr = r[0] * r[0] + r[1] * r[1];
    if rr == 0.0 {
        return None;
    }
    let tc = (qp[0] * r[0] + qp[1] * r[1]) / rr;
    let td = ((d[0] - a[0]) * r[0] + (d[1] - a[1]) * r[1]) / rr;
    let (lo, hi) = (tc.min(td).max(0.0), tc.max(td).min(1.0));
    (lo <= hi).then_some(hi)
}

/// Whether two segments cross at a single interior point (for parity counting).
#[inline]
fn crosses_properly(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> bool {
    let (d1, d2) = (orient(c, d, a), orient(c, d, b));
    let (d3, d4) = (orient(a, b, c), orient(a, b, d));
    ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0)) && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
}

/// Distance from `p` to segment `[x0, y0, x1, y1]`.
#[inline]
fn point_segment_m(p: [f64; 2], e: &Edge) -> f64 {
    let (vx, vy) = (e[2] - e[0], e[3] - e[1]);
    let (wx, wy) = (p[0] - e[0], p[1] - e[1]);
    let vv = vx * vx + vy * vy;
    let t = if vv > 0.0 { ((wx * vx + wy * vy) / vv).clamp(0.0, 1.0) } else { 0.0 };
    // Plain square root, not `hypot` (several times slower in libm, and the shore-approach rule
    // asks this for every fast track on every update): metre magnitudes cannot overflow.
    let (dx, dy) = (wx - t * vx, wy - t * vy);
    (dx * dx + dy * dy).sqrt()
}

impl Coast {
    /// The Macau coastline embedded from `assets/macau-coast.geojson`.
    pub fn macau() -> Self {
        // The embedded asset is parsed by this crate's tests (`coast::land::tests`), so a parse
        // failure here would be a build of a broken asset, not a runtime condition.
        Self::from_geojson_str(MACAU_COAST_GEOJSON, "assets/macau-coast.geojson").expect("embedded coastline parses")
    }

    /// Land polygons from a GeoJSON file (a FeatureCollection of Polygons/MultiPolygons, land
    /// inside).
    ///
    /// # Errors
    /// [`CoastError::Io`] if unreadable, or as [`Coast::from_geojson_str`].
    pub fn from_path(path: &Path) -> Result<Self, CoastError> {
        let text = std::fs::read_to_string(path).map_err(|source| CoastError::Io { path: path.to_owned(), source })?;
        Self::from_geojson_str(&text, &path.display().to_string())
    }

    /// Land polygons from GeoJSON text; `what` names the source in errors.
    ///
    /// # Errors
    /// [`CoastError::GeoJson`] when the text is not a GeoJSON FeatureCollection,
    /// [`CoastError::NotPolygon`] for a feature that is not a (multi)polygon, [`CoastError::Empty`]
    /// when there are no polygons.
    pub fn from_geojson_str(text: &str, what: &str) -> Result<Self, CoastError> {
        let rings = polygon_rings(text, what)?;
        if rings.is_empty() {
            return Err(CoastError::Empty { what: what.to_owned() });
        }
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for ring in &rings {
            for &[lon, lat] in ring {
                lo = [lo[0].min(lon), lo[1].min(lat)];
                hi = [hi[0].max(lon), hi[1].max(lat)];
            }
        }
        let min_ll = LatLon::new(lo[1], lo[0]);
        let max_ll = LatLon::new(hi[1], hi[0]);
        let plane = Plane::at(LatLon::new((lo[1] + hi[1]) / 2.0, (lo[0] + hi[0]) / 2.0));
        let on_box = |v: f64, a: f64, b: f64| (v - a).abs() < 1e-9 || (v - b).abs() < 1e-9;
        let mut edges = Vec::new();
        let mut clip = Vec::new();
        for ring in &rings {
            for w in ring.windows(2) {
                let (p, q) = (w[0], w[1]);
                if p == q {
                    continue;
                }
                let a = plane.to_xy(LatLon::new(p[1], p[0]));
                let b = plane.to_xy(LatLon::new(q[1], q[0]));
                edges.push([a[0], a[1], b[0], b[1]]);
                clip.push(
                    (p[0] == q[0] && on_box(p[0], lo[0], hi[0])) || (p[1] == q[1] && on_box(p[1], lo[1], hi[1])),
                );
            }
        }
        let a = plane.to_xy(min_ll);
        let b = plane.to_xy(max_ll);
        let pad = INDEX_CELL_M;
        let grid = Grid {
            x0: a[0] - pad,
            y0: a[1] - pad,
            cell_m: INDEX_CELL_M,
            nx: ((b[0] - a[0] + 2.0 * pad) / INDEX_CELL_M).ceil() as usize,
            ny: ((b[1] - a[1] + 2.0 * pad) / INDEX_CELL_M).ceil() as usize,
        };
        // Register every edge in every cell its bounding box touches: a superset, so no segment
        // or point query can miss an edge through a float tie at a cell boundary.
        let n = grid.nx * grid.ny;
        let mut per_cell: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (i, e) in edges.iter().enumerate() {
            let (cx0, cy0) = grid.cell_of([e[0].min(e[2]), e[1].min(e[3])]);
            let (cx1, cy1) = grid.cell_of([e[0].max(e[2]), e[1].max(e[3])]);
            for iy in cy0.max(0)..=cy1.min(grid.ny as i64 - 1) {
                for ix in cx0.max(0)..=cx1.min(grid.nx as i64 - 1) {
                    per_cell[iy as usize * grid.nx + ix as usize].push(i as u32);
                }
            }
        }
        let mut start = Vec::with_capacity(n + 1);
        let mut items = Vec::new();
        for c in &per_cell {
            start.push(items.len() as u32);
            items.extend_from_slice(c);
        }
        start.push(items.len() as u32);
        // Cell-centre land flags by scanlines: crossing number of a ray to +x (half-open rule).
        let mut centre_land = vec![false; n];
        let mut xs = Vec::new();
        for iy in 0..grid.ny {
            let y = grid.centre(0, iy)[1];
            xs.clear();
            for e in &edges {
                let (y0, y1) = (e[1], e[3]);
                if (y0 <= y && y < y1) || (y1 <= y && y < y0) {
                    xs.push(e[0] + (y - y0) / (y1 - y0) * (e[2] - e[0]));
                }
            }
            xs.sort_by(f64::total_cmp);
            for ix in 0..grid.nx {
                let x = grid.centre(ix, iy)[0];
                let right = xs.len() - xs.partition_point(|&v| v <= x);
                centre_land[iy * grid.nx + ix] = right % 2 == 1;
            }
        }
        Ok(Coast { plane, edges, clip, min_ll, max_ll, grid, start, items, centre_land })
    }

    /// The metric frame all of this coast's geometry lives in.
    pub fn plane(&self) -> &Plane {
        &self.plane
    }

    /// South-west and north-east corners of the land data's bounding box (the clip box).
    pub fn bbox(&self) -> (LatLon, LatLon) {
        (self.min_ll, self.max_ll)
    }

    /// Number of polygon edges, for logs.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    #[inline]
    fn cell_edges(&self, c: usize) -> &[u32] {
        &self.items[self.start[c] as usize..self.start[c + 1] as usize]
    }

    /// Whether a position is on land. Outside the data's bounding box everything is water.
    pub fn is_land(&self, p: LatLon) -> bool {
        self.is_land_xy(self.plane.to_xy(p))
    }

    /// [`Coast::is_land`] for a point in [`Coast::plane`] metres.
    pub fn is_land_xy(&self, p: [f64; 2]) -> bool {
        let (ix, iy) = self.grid.cell_of(p);
        let Some(c) = self.grid.index(ix, iy) else { return false };
        let centre = self.grid.centre(ix as usize, iy as usize);
        let mut land = self.centre_land[c];
        // Every edge between p and its cell's centre crosses this cell, so it is registered here:
        // each proper crossing flips land/water.
        for &e in self.cell_edges(c) {
            let e = &self.edges[e as usize];
            if crosses_properly(p, centre, [e[0], e[1]], [e[2], e[3]]) {
                land = !land;
            }
        }
        land
    }

    /// Whether the straight leg `a`–`b` touches land anywhere (endpoints included).
    pub fn crosses_land(&self, a: LatLon, b: LatLon) -> bool {
        self.crosses_land_xy(self.plane.to_xy(a), self.plane.to_xy(b))
    }

    /// [`Coast::crosses_land`] in plane metres.
    pub fn crosses_land_xy(&self, a: [f64; 2], b: [f64; 2]) -> bool {
        if self.is_land_xy(a) || self.is_land_xy(b) {
            return true;
        }
        // Both ends are water, so the leg is all water unless it touches an edge.
        self.grid.walk(a, b, |c| {
            self.cell_edges(c).iter().any(|&e| {
                let e = &self.edges[e as usize];
                touch_t(a, b, [e[0], e[1]], [e[2], e[3]]).is_some()
            })
        })
    }

    /// Whether the line of sight from a mast at `from` to `to` is blocked by land farther than
    /// `skip_m` from the mast: the land the mast itself stands on (sites are ~20 m inland) does
    /// not block, as in the coverage model of `assets/GEODATA-SOURCES.md` (150 m).
    ///
    /// # Units
    /// Plane metres; `skip_m` in metres.
    pub fn sight_blocked_xy(&self, from: [f64; 2], to: [f64; 2], skip_m: f64) -> bool {
        if self.is_land_xy(to) {
            return true;
        }
        let len = (to[0] - from[0]).hypot(to[1] - from[1]);
        if len <= skip_m {
            return false;
        }
        let t_skip = skip_m / len;
        // `to` is water: land beyond the skip distance implies an edge crossing beyond it.
        self.grid.walk(from, to, |c| {
            self.cell_edges(c).iter().any(|&e| {
                let e = &self.edges[e as usize];
                touch_t(from, to, [e[0], e[1]], [e[2], e[3]]).is_some_and(|t| t > t_skip)
            })
        })
    }

    /// [`Coast::sight_blocked_xy`] for positions.
    pub fn sight_blocked(&self, from: LatLon, to: LatLon, skip_m: f64) -> bool {
        self.sight_blocked_xy(self.plane.to_xy(from), self.plane.to_xy(to), skip_m)
    }

    /// Whether any shore edge lies within `r_m` of `p` (plane metres): a bounded, cheap form of
    /// [`Coast::distance_to_shore_xy`] for building margins.
    pub fn shore_within_xy(&self, p: [f64; 2], r_m: f64) -> bool {
        let (cx0, cy0) = self.grid.cell_of([p[0] - r_m, p[1] - r_m]);
        let (cx1, cy1) = self.grid.cell_of([p[0] + r_m, p[1] + r_m]);
        for iy in cy0..=cy1 {
            for ix in cx0..=cx1 {
                let Some(c) = self.grid.index(ix, iy) else { continue };
                for &e in self.cell_edges(c) {
                    if !self.clip[e as usize] && point_segment_m(p, &self.edges[e as usize]) < r_m {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Distance from a position to the nearest shoreline (on land or on water). The straight
    /// edges that only close polygons along the clipping box are not shore and are ignored.
    ///
    /// # Units
    /// Degrees in, metres out (`f64::INFINITY` if the coast has no shore edges).
    pub fn distance_to_shore_m(&self, p: LatLon) -> f64 {
        self.distance_to_shore_xy(self.plane.to_xy(p))
    }

    /// [`Coast::distance_to_shore_m`] in plane metres.
    pub fn distance_to_shore_xy(&self, p: [f64; 2]) -> f64 {
        let (cx, cy) = self.grid.cell_of(p);
        let mut best = f64::INFINITY;
        let max_ring = (self.grid.nx + self.grid.ny) as i64 + cx.abs() + cy.abs();
        for k in 0..=max_ring {
            // Cells in ring k + 1 are at least k cells away from any point of p's cell.
            for iy in (cy - k)..=(cy + k) {
                let full_row = iy == cy - k || iy == cy + k;
                let mut ix = cx - k;
                while ix <= cx + k {
                    if let Some(c) = self.grid.index(ix, iy) {
                        for &e in self.cell_edges(c) {
                            if !self.clip[e as usize] {
                                best = best.min(point_segment_m(p, &self.edges[e as usize]));
                            }
                        }
                    }
                    ix += if full_row || k == 0 { 1 } else { 2 * k };
                }
            }
            if best <= k as f64 * self.grid.cell_m {
                break;
            }
        }
        best
    }
}

/// Every ring (exterior and holes) of every polygon, as `[lon, lat]` vertex lists.
fn polygon_rings(text: &str, what: &str) -> Result<Vec<Vec<[f64; 2]>>, CoastError> {
    let gj: geojson::GeoJson =
        text.parse().map_err(|e: geojson::Error| CoastError::GeoJson { what: what.to_owned(), message: e.to_string() })?;
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        return Err(CoastError::GeoJson { what: what.to_owned(), message: "not a FeatureCollection".into() });
    };
    let mut rings = Vec::new();
    for (index, f) in fc.features.iter().enumerate() {
        let not_polygon = || CoastError::NotPolygon { what: what.to_owned(), index };
        let g = f.geometry.as_ref().ok_or_else(not_polygon)?;
        let g: geo::Geometry<f64> = geo::Geometry::try_from(&g.value).map_err(|_| not_polygon())?;
        let polys = match g {
            geo::Geometry::Polygon(p) => vec![p],
            geo::Geometry::MultiPolygon(mp) => mp.0,
            _ => return Err(not_polygon()),
        };
        for p in polys {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                let mut r: Vec<[f64; 2]> = ring.coords().map(|c| [c.x, c.y]).collect();
                if r.first() != r.last()
                    && let Some(&first) = r.first()
                {
                    r.push(first);
                }
                rings.push(r);
            }
        }
    }
    Ok(rings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coast() -> Coast {
        Coast::macau()
    }

    mod is_land {
        use super::*;

        #[test]
        fn airport_reference_point_is_land() {
            assert!(coast().is_land(LatLon::new(22.14944, 113.59139)));
        }

        #[test]
        fn sai_van_bridge_mid_span_is_water() {
            assert!(!coast().is_land(LatLon::new(22.17222, 113.53611)));
        }

        #[test]
        fn every_site_mast_is_on_land() {
            let c = coast();
            for s in crate::coast::Sites::macau().iter() {
                assert!(c.is_land(s.position()), "{}", s.id);
            }
        }

        #[test]
        fn outside_the_box_is_water() {
            assert!(!coast().is_land(LatLon::new(22.2, 113.75)));
        }

        #[test]
        fn agrees_with_a_plain_crossing_number_everywhere() {
            // The index answers from cell flags plus local parity; a brute-force crossing number
            // over all edges must agree on a dense lattice.
            let c = coast();
            let (lo, hi) = c.bbox();
            let mut checked = 0;
            for i in 0..60 {
                for j in 0..60 {
                    let p = LatLon::new(
                        lo.lat_deg + (hi.lat_deg - lo.lat_deg) * (i as f64 + 0.37) / 60.0,
                        lo.lon_deg + (hi.lon_deg - lo.lon_deg) * (j as f64 + 0.61) / 60.0,
                    );
                    let xy = c.plane.to_xy(p);
                    let mut inside = false;
                    for e in &c.edges {
                        if (e[1] > xy[1]) != (e[3] > xy[1]) && xy[0] < e[0] + (xy[1] - e[1]) / (e[3] - e[1]) * (e[2] - e[0]) {
                            inside = !inside;
                        }
                    }
                    assert_eq!(c.is_land(p), inside, "{p:?}");
                    checked += 1;
                }
            }
            assert_eq!(checked, 3600);
        }
    }

    mod crosses_land {
        use super::*;

        #[test]
        fn a_leg_across_taipa_crosses() {
            // Outer Harbour approaches to Cheoc Van bay, straight through Taipa and Coloane.
            assert!(coast().crosses_land(LatLon::new(22.185, 113.575), LatLon::new(22.095, 113.56)));
        }

        #[test]
        fn a_leg_in_open_water_east_of_coloane_does_not() {
            assert!(!coast().crosses_land(LatLon::new(22.10, 113.62), LatLon::new(22.13, 113.64)));
        }

        #[test]
        fn a_leg_ending_on_land_crosses() {
            assert!(coast().crosses_land(LatLon::new(22.17222, 113.53611), LatLon::new(22.14944, 113.59139)));
        }
    }

    mod distance_to_shore_m {
        use super::*;

        #[test]
        fn sai_van_bridge_mid_span_is_about_550_m_out() {
            // GEODATA-SOURCES.md check results: 547 m from the coastline.
            let d = coast().distance_to_shore_m(LatLon::new(22.17222, 113.53611));
            assert!((d - 547.0).abs() < 15.0, "{d}");
        }

        #[test]
        fn airport_reference_point_is_about_180_m_inland() {
            let d = coast().distance_to_shore_m(LatLon::new(22.14944, 113.59139));
            assert!((d - 181.0).abs() < 15.0, "{d}");
        }

        #[test]
        fn hac_sa_beach_is_on_the_shore() {
            let d = coast().distance_to_shore_m(LatLon::new(22.12286, 113.57245));
            assert!(d < 25.0, "{d}");
        }
    }

    mod sight_blocked {
        use super::*;

        #[test]
        fn the_mast_own_land_does_not_block_but_far_land_does() {
            let c = coast();
            let site = LatLon::new(22.124111, 113.581245); // long-chao-kok, 20 m inland
            // South-east over open water: clear despite starting on land.
            let (lat, lon) = crate::geodesy::destination(site.lat_deg, site.lon_deg, 150.0, 5_000.0);
            assert!(!c.sight_blocked(site, LatLon::new(lat, lon), 150.0));
            // North-west, across Coloane to the Cotai channel: blocked.
            assert!(c.sight_blocked(site, LatLon::new(22.134583, 113.545), 150.0));
        }
    }
}
