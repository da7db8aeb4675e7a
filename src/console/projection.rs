//! The map's projection: WGS-84 lat/lon ↔ screen points, with pan and zoom.
//!
//! A local equirectangular projection about a fixed reference latitude: over the 30 km of the
//! Macau picture its scale error is under 0.1 %, it is linear (so pan and zoom are exact and cheap
//! for 3,000 tracks a frame), and north is up. Distances the operator reads (measure tool, scale
//! bar) come from [`crate::geodesy`], not from pixels.

use eframe::egui::{Pos2, Rect, Vec2, pos2};

use crate::geodesy::LatLon;

/// Metres per degree of latitude near 22° N (WGS-84 meridian arc).
const M_PER_DEG_LAT: f64 = 110_720.0;

/// Where the map looks and how close: the state pan/zoom changes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// The geographic point at the centre of the map rectangle.
    pub centre: LatLon,
    /// Ground metres per screen point (zoom); smaller is closer.
    pub m_per_pt: f64,
    /// Latitude the east-west scale is taken at, degrees (fixed for a deployment).
    pub ref_lat_deg: f64,
}

impl View {
    /// Closest zoom, metres per point (≈ a small boat a few points long).
    pub const MIN_M_PER_PT: f64 = 0.5;
    /// Widest zoom, metres per point (the whole Pearl River mouth).
    pub const MAX_M_PER_PT: f64 = 400.0;

    /// A view centred on `centre` at `m_per_pt`.
    pub fn new(centre: LatLon, m_per_pt: f64) -> Self {
        View { centre, m_per_pt: m_per_pt.clamp(Self::MIN_M_PER_PT, Self::MAX_M_PER_PT), ref_lat_deg: centre.lat_deg }
    }

    /// The view that fits the box `(south-west, north-east)` into a rectangle of `size` points.
    pub fn fit(sw: LatLon, ne: LatLon, size: Vec2) -> Self {
        let centre = LatLon::new((sw.lat_deg + ne.lat_deg) / 2.0, (sw.lon_deg + ne.lon_deg) / 2.0);
        let v = View::new(centre, 1.0);
        let w_m = (ne.lon_deg - sw.lon_deg) * v.m_per_deg_lon();
        let h_m = (ne.lat_deg - sw.lat_deg) * M_PER_DEG_LAT;
        let m = (w_m / size.x.max(1.0) as f64).max(h_m / size.y.max(1.0) as f64);
        View { m_per_pt: m.clamp(Self::MIN_M_PER_PT, Self::MAX_M_PER_PT), ..v }
    }

    fn m_per_deg_lon(&self) -> f64 {
        M_PER_DEG_LAT * self.ref_lat_deg.to_radians().cos()
    }

    /// Screen point of a position in the map rectangle `rect`.
    pub fn to_screen(&self, rect: Rect, p: LatLon) -> Pos2 {
        self.lonlat_to_screen(rect, p.lon_deg, p.lat_deg)
    }

    /// Screen point of (lon, lat) degrees — the GeoJSON axis order, for layers.
    pub fn lonlat_to_screen(&self, rect: Rect, lon: f64, lat: f64) -> Pos2 {
        let c = rect.center();
        let x = (lon - self.centre.lon_deg) * self.m_per_deg_lon() / self.m_per_pt;
        let y = (lat - self.centre.lat_deg) * M_PER_DEG_LAT / self.m_per_pt;
        pos2(c.x + x as f32, c.y - y as f32)
    }

    /// A cheap per-frame transform for many points: `screen = (a_x + lon·k_x, a_y + lat·k_y)`.
    pub fn affine(&self, rect: Rect) -> Affine {
        let c = rect.center();
        let kx = self.m_per_deg_lon() / self.m_per_pt;
        let ky = -M_PER_DEG_LAT / self.m_per_pt;
        Affine { ax: c.x as f64 - self.centre.lon_deg * kx, ay: c.y as f64 - self.centre.lat_deg * ky, kx, ky }
    }

    /// The position under a screen point.
    pub fn to_geo(&self, rect: Rect, p: Pos2) -> LatLon {
        let c = rect.center();
        let lon = self.centre.lon_deg + (p.x - c.x) as f64 * self.m_per_pt / self.m_per_deg_lon();
        let lat = self.centre.lat_deg - (p.y - c.y) as f64 * self.m_per_pt / M_PER_DEG_LAT;
        LatLon::new(lat, lon)
    }

    /// Move the map by a screen delta (drag): the ground under the pointer follows it.
    pub fn pan(&mut self, delta: Vec2) {
        self.centre.lon_deg -= delta.x as f64 * self.m_per_pt / self.m_per_deg_lon();
        self.centre.lat_deg += delta.y as f64 * self.m_per_pt / M_PER_DEG_LAT;
    }

    /// Zoom by `factor` (> 1 closer) keeping the position under `anchor` where it is.
    pub fn zoom_at(&mut self, rect: Rect, anchor: Pos2, factor: f64) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let before = self.to_geo(rect, anchor);
        self.m_per_pt = (self.m_per_pt / factor).clamp(Self::MIN_M_PER_PT, Self::MAX_M_PER_PT);
        let after = self.to_geo(rect, anchor);
        self.centre.lat_deg += before.lat_deg - after.lat_deg;
        self.centre.lon_deg += before.lon_deg - after.lon_deg;
    }

    /// Screen points spanned by `metres` of ground.
    pub fn pts(&self, metres: f64) -> f32 {
        (metres / self.m_per_pt) as f32
    }
}

/// [`View::affine`]: the projection as two multiply-adds, for the per-frame bulk of vertices.
#[derive(Debug, Clone, Copy)]
pub struct Affine {
    ax: f64,
    ay: f64,
    kx: f64,
    ky: f64,
}

impl Affine {
    /// Screen point of (lon, lat) degrees.
    #[inline]
    pub fn apply(&self, lon: f64, lat: f64) -> Pos2 {
        pos2((self.ax + lon * self.kx) as f32, (self.ay + lat * self.ky) as f32)
    }
}

/// A "nice" scale-bar length (1, 2 or 5 × 10ⁿ metres) no longer than `max_m`.
pub fn nice_length_m(max_m: f64) -> f64 {
    if !(max_m.is_finite() && max_m > 0.0) {
        return 0.0;
    }
    let p = 10f64.powf(max_m.log10().floor());
    [5.0, 2.0, 1.0].into_iter().map(|k| k * p).find(|&l| l <= max_m).unwrap_or(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::distance_m;
    use eframe::egui::vec2;

    fn rect() -> Rect {
        Rect::from_min_size(pos2(100.0, 50.0), vec2(800.0, 600.0))
    }

    #[test]
    fn screen_and_geo_round_trip() {
        let v = View::new(LatLon::new(22.15, 113.56), 20.0);
        let p = LatLon::new(22.17, 113.53);
        let back = v.to_geo(rect(), v.to_screen(rect(), p));
        assert!((back.lat_deg - p.lat_deg).abs() < 1e-6 && (back.lon_deg - p.lon_deg).abs() < 1e-6);
        let a = v.affine(rect()).apply(p.lon_deg, p.lat_deg);
        assert!((a - v.to_screen(rect(), p)).length() < 0.01);
    }

    #[test]
    fn north_is_up_and_east_is_right() {
        let v = View::new(LatLon::new(22.15, 113.56), 20.0);
        let c = v.to_screen(rect(), v.centre);
        assert!(v.to_screen(rect(), LatLon::new(22.16, 113.56)).y < c.y);
        assert!(v.to_screen(rect(), LatLon::new(22.15, 113.57)).x > c.x);
    }

    #[test]
    fn pixel_scale_matches_geodesic_distance_within_half_a_percent() {
        let v = View::new(LatLon::new(22.15, 113.56), 10.0);
        let a = LatLon::new(22.12, 113.52);
        let b = LatLon::new(22.19, 113.60);
        let px = (v.to_screen(rect(), a) - v.to_screen(rect(), b)).length() as f64;
        let d = distance_m(a, b);
        assert!((px * 10.0 / d - 1.0).abs() < 0.005, "{} vs {d}", px * 10.0);
    }

    #[test]
    fn zoom_keeps_the_anchor_fixed_and_is_clamped() {
        let mut v = View::new(LatLon::new(22.15, 113.56), 20.0);
        let anchor = pos2(250.0, 400.0);
        let under = v.to_geo(rect(), anchor);
        v.zoom_at(rect(), anchor, 2.0);
        assert!((v.m_per_pt - 10.0).abs() < 1e-9);
        let p = v.to_screen(rect(), under);
        assert!((p - anchor).length() < 0.01);
        v.zoom_at(rect(), anchor, 1e9);
        assert_eq!(v.m_per_pt, View::MIN_M_PER_PT);
        v.zoom_at(rect(), anchor, f64::NAN);
        assert_eq!(v.m_per_pt, View::MIN_M_PER_PT);
    }

    #[test]
    fn pan_moves_the_ground_with_the_pointer() {
        let mut v = View::new(LatLon::new(22.15, 113.56), 20.0);
        let p = LatLon::new(22.16, 113.55);
        let s0 = v.to_screen(rect(), p);
        v.pan(vec2(30.0, -12.0));
        let s1 = v.to_screen(rect(), p);
        assert!((s1 - s0 - vec2(30.0, -12.0)).length() < 0.01);
    }

    #[test]
    fn fit_shows_the_whole_box() {
        let sw = LatLon::new(22.05, 113.45);
        let ne = LatLon::new(22.3, 113.7);
        let v = View::fit(sw, ne, rect().size());
        for p in [sw, ne] {
            assert!(rect().expand(1.0).contains(v.to_screen(rect(), p)));
        }
    }

    #[test]
    fn nice_lengths() {
        assert_eq!(nice_length_m(1234.0), 1000.0);
        assert_eq!(nice_length_m(2600.0), 2000.0);
        assert_eq!(nice_length_m(7000.0), 5000.0);
        assert_eq!(nice_length_m(-1.0), 0.0);
    }
}
