//! [`World`]: the fixed geography a scenario plays on: coast, router, sites and hotspots.

use std::sync::{Arc, OnceLock};

use crate::coast::{Sites, WaterRouter};
use crate::geodesy::LatLon;

/// The embedded hotspot areas (illustrative; see `assets/GEODATA-SOURCES.md`).
pub const MACAU_HOTSPOTS_GEOJSON: &str = include_str!("../../assets/hotspots.geojson");

/// A smuggling / illegal-crossing hotspot: a named water area near a shore.
#[derive(Debug, Clone, PartialEq)]
pub struct Hotspot {
    /// Stable id (episodes' `zone`).
    pub id: String,
    /// `high` or `medium`.
    pub risk: String,
    /// Vertex-average centre of the exterior ring.
    pub centre: LatLon,
}

/// Everything a scenario needs that does not change with the seed. Building the router takes a
/// moment, so [`World::macau`] builds it once per process and shares it.
#[derive(Debug)]
pub struct World {
    /// Coast and water routing.
    pub router: WaterRouter,
    /// Monitoring sites (radar, IR, AIS receivers).
    pub sites: Sites,
    /// Hotspots, in file order.
    pub hotspots: Vec<Hotspot>,
}

impl World {
    /// The Macau world from the embedded assets, built once.
    pub fn macau() -> Arc<World> {
        static W: OnceLock<Arc<World>> = OnceLock::new();
        W.get_or_init(|| {
            let t = std::time::Instant::now();
            let w = World { router: WaterRouter::macau(), sites: Sites::macau(), hotspots: macau_hotspots() };
            tracing::debug!(elapsed_ms = t.elapsed().as_millis() as u64, "built the Macau world (coast index, water grid)");
            Arc::new(w)
        })
        .clone()
    }

    /// The hotspot with this id.
    pub fn hotspot(&self, id: &str) -> Option<&Hotspot> {
        self.hotspots.iter().find(|h| h.id == id)
    }
}

/// The embedded hotspots. Malformed features are skipped (the file is checked by tests).
fn macau_hotspots() -> Vec<Hotspot> {
    let Ok(geojson::GeoJson::FeatureCollection(fc)) = MACAU_HOTSPOTS_GEOJSON.parse::<geojson::GeoJson>() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in &fc.features {
        let prop = |k: &str| f.property(k).and_then(|v| v.as_str()).map(str::to_owned);
        let (Some(id), Some(g)) = (prop("id"), f.geometry.as_ref()) else { continue };
        let Ok(geo::Geometry::Polygon(p)) = geo::Geometry::<f64>::try_from(&g.value) else { continue };
        let ring: Vec<_> = p.exterior().coords().collect();
        let n = ring.len().saturating_sub(1).max(1);
        let (sx, sy) = ring.iter().take(n).fold((0.0, 0.0), |(x, y), c| (x + c.x, y + c.y));
        out.push(Hotspot { id, risk: prop("risk").unwrap_or_default(), centre: LatLon::new(sy / n as f64, sx / n as f64) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_12_hotspots_load_with_water_near_their_centres() {
        let w = World::macau();
        assert_eq!(w.hotspots.len(), 12);
        for h in &w.hotspots {
            assert!(w.router.nearest_clear(h.centre, 1_000.0).is_some(), "{}", h.id);
        }
    }
}
