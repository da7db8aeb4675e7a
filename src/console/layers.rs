//! The vector base map: land and water from the shipped OSM coastline, the administered waters,
//! smuggling hotspots by risk, the airport no-fly zone and the 13 monitoring sites with their
//! camera sectors and radar range rings. No internet tiles: a control room may be air-gapped.
//!
//! Loaded once (GeoJSON → lon/lat rings, land triangulated with earcut), then drawn every frame
//! through [`View::affine`]: a few thousand vertices, a fraction of a millisecond.

use std::path::Path;

use eframe::egui::{self, Align2, Color32, FontId, Mesh, Painter, Pos2, Rect, Shape, Stroke};
use geo::TriangulateEarcut;

use super::projection::{Affine, View};
use super::theme;
use crate::anomaly::zones::{HOTSPOTS_GEOJSON, NO_FLY_GEOJSON, Risk, WATERS_GEOJSON};
use crate::coast::Sites;
use crate::coast::land::MACAU_COAST_GEOJSON;
use crate::geodesy::{LatLon, destination};

/// The attribution the ODbL requires on every map view.
pub const ATTRIBUTION: &str = "© OpenStreetMap contributors";

/// Radar instrumented range drawn as a ring, metres (sites.toml does not give one).
pub const RADAR_RANGE_M: f64 = 12_000.0;

/// Why a base-map layer could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LayerError {
    /// The file could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Not a GeoJSON FeatureCollection of polygons.
    #[error("{what}: {why}")]
    GeoJson {
        /// The source.
        what: String,
        /// What is wrong.
        why: String,
    },
    /// sites.toml is unusable.
    #[error("sites: {0}")]
    Sites(String),
}

/// One closed ring, (lon, lat) degrees.
pub type Ring = Vec<[f64; 2]>;

/// A named area: its outer and inner rings.
#[derive(Debug, Clone)]
pub struct Area {
    /// The feature's `id` (or `#index`).
    pub id: String,
    /// The feature's `name`, or its id.
    pub name: String,
    /// Rings, (lon, lat).
    pub rings: Vec<Ring>,
    /// Where to put its label, (lon, lat).
    pub label_at: [f64; 2],
}

/// A hotspot: an area with a risk level.
#[derive(Debug, Clone)]
pub struct Hotspot {
    /// The area.
    pub area: Area,
    /// Its risk.
    pub risk: Risk,
}

/// Everything static on the map.
#[derive(Debug, Clone)]
pub struct Basemap {
    /// Land triangles: vertices (lon, lat) and index triples.
    land_vertices: Vec<[f64; 2]>,
    land_indices: Vec<u32>,
    /// Land outlines (the shore), (lon, lat).
    pub shore: Vec<Ring>,
    /// Administered waters.
    pub waters: Vec<Area>,
    /// Hotspots by risk.
    pub hotspots: Vec<Hotspot>,
    /// Drone no-fly areas.
    pub no_fly: Vec<Area>,
    /// Monitoring sites.
    pub sites: Sites,
    /// South-west and north-east corners of the coastline data.
    pub bbox: (LatLon, LatLon),
}

/// Which layers to draw (the operator toggles them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerToggles {
    /// Hotspot areas.
    pub hotspots: bool,
    /// Waters boundary.
    pub waters: bool,
    /// No-fly zone.
    pub no_fly: bool,
    /// Camera sectors.
    pub sectors: bool,
    /// Radar range rings.
    pub radar_rings: bool,
}

impl Default for LayerToggles {
    fn default() -> Self {
        LayerToggles { hotspots: true, waters: true, no_fly: true, sectors: true, radar_rings: true }
    }
}

/// A feature's properties and its area.
type Feature = (serde_json::Map<String, serde_json::Value>, geo::MultiPolygon<f64>);

fn features(text: &str, what: &str) -> Result<Vec<Feature>, LayerError> {
    let bad = |why: String| LayerError::GeoJson { what: what.into(), why };
    let gj: geojson::GeoJson = text.parse().map_err(|e: geojson::Error| bad(e.to_string()))?;
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        return Err(bad("top level is not a FeatureCollection".into()));
    };
    let mut out = Vec::new();
    for (i, f) in fc.features.into_iter().enumerate() {
        let Some(g) = f.geometry.as_ref() else { continue };
        let mp = match geo::Geometry::<f64>::try_from(&g.value).map_err(|e| bad(format!("feature {i}: {e}")))? {
            geo::Geometry::Polygon(p) => geo::MultiPolygon::new(vec![p]),
            geo::Geometry::MultiPolygon(m) => m,
            _ => continue, // lines and points are drawing aids, not areas
        };
        let mut props = f.properties.unwrap_or_default();
        props.entry("id").or_insert_with(|| serde_json::Value::String(format!("#{i}")));
        out.push((props, mp));
    }
    Ok(out)
}

fn rings_of(mp: &geo::MultiPolygon<f64>) -> Vec<Ring> {
    let mut rings = Vec::new();
    for p in mp {
        rings.push(p.exterior().coords().map(|c| [c.x, c.y]).collect());
        for r in p.interiors() {
            rings.push(r.coords().map(|c| [c.x, c.y]).collect());
        }
    }
    rings
}

fn area(props: &serde_json::Map<String, serde_json::Value>, mp: &geo::MultiPolygon<f64>) -> Area {
    use geo::Centroid;
    let s = |k: &str| props.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let id = s("id").unwrap_or_default();
    let c = mp.centroid().map(|p| [p.x(), p.y()]).unwrap_or([0.0, 0.0]);
    Area { name: s("name").unwrap_or_else(|| id.clone()), id, rings: rings_of(mp), label_at: c }
}

impl Basemap {
    /// The embedded Macau data (coastline, waters, hotspots, no-fly, sites).
    ///
    /// # Errors
    /// Only if an embedded asset is broken (the tests load it).
    pub fn macau() -> Result<Self, LayerError> {
        Self::from_texts(MACAU_COAST_GEOJSON, WATERS_GEOJSON, HOTSPOTS_GEOJSON, NO_FLY_GEOJSON, Sites::macau())
    }

    /// Load from an assets directory laid out like `assets/` (operator-supplied data).
    ///
    /// # Errors
    /// An unreadable or malformed file, named in the error.
    pub fn from_dir(dir: &Path) -> Result<Self, LayerError> {
        let read = |name: &str| {
            let p = dir.join(name);
            std::fs::read_to_string(&p).map_err(|source| LayerError::Io { path: p.display().to_string(), source })
        };
        let sites = Sites::from_path(&dir.join("sites.toml")).map_err(|e| LayerError::Sites(e.to_string()))?;
        Self::from_texts(
            &read("macau-coast.geojson")?,
            &read("waters.geojson")?,
            &read("hotspots.geojson")?,
            &read("no-fly.geojson")?,
            sites,
        )
    }

    fn from_texts(coast: &str, waters: &str, hotspots: &str, no_fly: &str, sites: Sites) -> Result<Self, LayerError> {
        let land = features(coast, "coastline")?;
        if land.is_empty() {
            return Err(LayerError::GeoJson { what: "coastline".into(), why: "no land polygons".into() });
        }
        let mut land_vertices = Vec::new();
        let mut land_indices = Vec::new();
        let mut shore = Vec::new();
        let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
        for (_, mp) in &land {
            for poly in mp {
                let raw = poly.earcut_triangles_raw();
                let base = land_vertices.len() as u32;
                for v in &raw.vertices {
                    lo = [lo[0].min(v[0]), lo[1].min(v[1])];
                    hi = [hi[0].max(v[0]), hi[1].max(v[1])];
                }
                land_vertices.extend(raw.vertices.iter().copied());
                land_indices.extend(raw.triangle_indices.iter().map(|&i| base + i as u32));
            }
            shore.extend(rings_of(mp));
        }
        let hotspots = features(hotspots, "hotspots")?
            .iter()
            .map(|(p, mp)| {
                let risk = match p.get("risk").and_then(|v| v.as_str()) {
                    Some("high") => Risk::High,
                    Some("low") => Risk::Low,
                    _ => Risk::Medium,
                };
                Hotspot { area: area(p, mp), risk }
            })
            .collect();
        Ok(Basemap {
            land_vertices,
            land_indices,
            shore,
            waters: features(waters, "waters")?.iter().map(|(p, mp)| area(p, mp)).collect(),
            hotspots,
            no_fly: features(no_fly, "no-fly")?.iter().map(|(p, mp)| area(p, mp)).collect(),
            sites,
            bbox: (LatLon::new(lo[1], lo[0]), LatLon::new(hi[1], hi[0])),
        })
    }

    /// Number of land triangles (for tests and the log).
    pub fn land_triangles(&self) -> usize {
        self.land_indices.len() / 3
    }

    /// Draw water, land and the static overlays into `rect`.
    pub fn draw(&self, painter: &Painter, rect: Rect, view: &View, layers: LayerToggles) {
        let t = view.affine(rect);
        painter.rect_filled(rect, 0.0, theme::WATER);
        // Land: one mesh, projected each frame.
        let mut mesh = Mesh::default();
        mesh.reserve_vertices(self.land_vertices.len());
        mesh.reserve_triangles(self.land_indices.len() / 3);
        for v in &self.land_vertices {
            mesh.colored_vertex(t.apply(v[0], v[1]), theme::LAND);
        }
        mesh.indices.extend_from_slice(&self.land_indices);
        painter.add(Shape::mesh(mesh));
        for r in &self.shore {
            painter.add(Shape::closed_line(project(&t, r), Stroke::new(1.0, theme::SHORE)));
        }
        if layers.waters {
            for a in &self.waters {
                for r in &a.rings {
                    dashed(painter, &project(&t, r), Stroke::new(1.5, theme::WATERS));
                }
            }
        }
        if layers.no_fly {
            for a in &self.no_fly {
                for r in &a.rings {
                    let pts = project(&t, r);
                    painter.add(Shape::closed_line(pts, Stroke::new(1.5, theme::NO_FLY)));
                }
                let p = t.apply(a.label_at[0], a.label_at[1]);
                painter.text(p, Align2::CENTER_CENTER, "NO-FLY (drones)", FontId::proportional(11.0), theme::NO_FLY);
            }
        }
        if layers.hotspots {
            for h in &self.hotspots {
                let c = theme::risk(h.risk);
                for r in &h.area.rings {
                    let pts = project(&t, r);
                    painter.add(Shape::closed_line(pts, Stroke::new(1.5, c)));
                }
                if view.m_per_pt < 40.0 {
                    let p = t.apply(h.area.label_at[0], h.area.label_at[1]);
                    painter.text(
                        p,
                        Align2::CENTER_CENTER,
                        &h.area.id,
                        FontId::proportional(10.0),
                        c.gamma_multiply(0.9),
                    );
                }
            }
        }
        self.draw_sites(painter, rect, view, layers);
    }

    fn draw_sites(&self, painter: &Painter, rect: Rect, view: &View, layers: LayerToggles) {
        let ir_m = self.sites.ir_nominal_range_km.unwrap_or(6.0) * 1000.0;
        for s in self.sites.iter() {
            let c = view.to_screen(rect, s.position());
            if layers.sectors {
                let from = s.sector.from_deg;
                let width = s.sector.width_deg();
                let n = (width / 5.0).ceil().max(2.0) as usize;
                let mut pts = vec![c];
                for i in 0..=n {
                    let b = from + width * i as f64 / n as f64;
                    let (la, lo) = destination(s.lat, s.lon, b, ir_m);
                    pts.push(view.to_screen(rect, LatLon::new(la, lo)));
                }
                pts.push(c);
                painter.add(Shape::line(pts, Stroke::new(1.0, theme::SECTOR)));
            }
            if layers.radar_rings && s.radar {
                let r = view.pts(RADAR_RANGE_M);
                painter.circle_stroke(c, r, Stroke::new(1.0, theme::RADAR_RING));
            }
            let sq = Rect::from_center_size(c, egui::vec2(7.0, 7.0));
            painter.rect_filled(sq, 1.0, theme::SITE);
            if view.m_per_pt < 60.0 {
                painter.text(
                    c + egui::vec2(6.0, -6.0),
                    Align2::LEFT_BOTTOM,
                    &s.id,
                    FontId::proportional(10.0),
                    theme::SITE,
                );
            }
        }
    }
}

fn project(t: &Affine, r: &Ring) -> Vec<Pos2> {
    r.iter().map(|p| t.apply(p[0], p[1])).collect()
}

fn dashed(painter: &Painter, pts: &[Pos2], stroke: Stroke) {
    painter.extend(Shape::dashed_line(pts, stroke, 8.0, 5.0));
}

/// The attribution line, always drawn bottom-right of the map.
pub fn draw_attribution(painter: &Painter, rect: Rect) {
    let font = FontId::proportional(11.0);
    let pos = rect.right_bottom() + egui::vec2(-4.0, -3.0);
    let galley = painter.layout_no_wrap(ATTRIBUTION.to_string(), font, Color32::from_gray(20));
    let bg = Rect::from_min_size(pos - galley.size(), galley.size()).expand(2.0);
    painter.rect_filled(bg, 2.0, Color32::from_white_alpha(190));
    painter.galley(bg.min + egui::vec2(2.0, 2.0), galley, Color32::from_gray(20));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_macau_map_loads_every_layer() {
        let m = Basemap::macau().unwrap();
        assert!(m.land_triangles() > 100, "{}", m.land_triangles());
        assert_eq!(m.sites.len(), 13);
        assert!(!m.waters.is_empty() && !m.no_fly.is_empty());
        assert!(m.hotspots.iter().any(|h| h.risk == Risk::High));
        let (sw, ne) = m.bbox;
        assert!(sw.lat_deg < 22.1 && ne.lat_deg > 22.25 && sw.lon_deg < 113.5 && ne.lon_deg > 113.6);
    }

    #[test]
    fn a_broken_file_is_an_error_naming_it() {
        let e = Basemap::from_texts("{not json", WATERS_GEOJSON, HOTSPOTS_GEOJSON, NO_FLY_GEOJSON, Sites::macau());
        assert!(e.unwrap_err().to_string().starts_with("coastline"));
        let empty = r#"{"type":"FeatureCollection","features":[]}"#;
        let e = Basemap::from_texts(empty, WATERS_GEOJSON, HOTSPOTS_GEOJSON, NO_FLY_GEOJSON, Sites::macau());
        assert!(e.unwrap_err().to_string().contains("no land"));
    }

    #[test]
    fn land_triangles_cover_a_land_point_and_not_the_sea() {
        // Taipa (land) and the open sea south of Coloane.
        let m = Basemap::macau().unwrap();
        let inside = |p: [f64; 2]| {
            m.land_indices.chunks(3).any(|t| {
                let [a, b, c] = [t[0], t[1], t[2]].map(|i| m.land_vertices[i as usize]);
                let s =
                    |p1: [f64; 2], p2: [f64; 2]| (p[0] - p2[0]) * (p1[1] - p2[1]) - (p1[0] - p2[0]) * (p[1] - p2[1]);
                let (d1, d2, d3) = (s(a, b), s(b, c), s(c, a));
                !((d1 < 0.0 || d2 < 0.0 || d3 < 0.0) && (d1 > 0.0 || d2 > 0.0 || d3 > 0.0))
            })
        };
        assert!(inside([113.5560, 22.1570]), "Taipa should be land");
        assert!(!inside([113.5600, 22.0800]), "open sea should be water");
    }
}
