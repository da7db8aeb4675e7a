//! [`Zones`]: the areas rules ask about — smuggling hotspots (with a risk level), the
//! administered waters, anchorages and fairways, the airport no-fly area — plus the shore belt,
//! derived from the coastline (water within `shore_belt_m` of land).
//!
//! Zone files are GeoJSON FeatureCollections of (Multi)Polygons, validated on load (every error
//! names the file and the feature). Polygons sit behind a packed R-tree ([`BoxTree`]) over their
//! bounding boxes, so a point query tests only the few polygons whose boxes hold the point.
//! Reload on change is [`Zones::reload_if_changed`]: the caller (node, analyze) decides when to
//! poll; a set that fails validation leaves the current one in place.
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use geo::{BoundingRect, Contains, MultiPolygon, Point};

use super::error::ZoneError;
use super::raster::Raster;
use super::rtree::{Bbox, BoxTree};
use crate::coast::Coast;
use crate::geodesy::LatLon;

/// The embedded hotspots.
pub const HOTSPOTS_GEOJSON: &str = include_str!("../../assets/hotspots.geojson");
/// The embedded administered waters.
pub const WATERS_GEOJSON: &str = include_str!("../../assets/waters.geojson");
/// The embedded drone no-fly areas.
pub const NO_FLY_GEOJSON: &str = include_str!("../../assets/no-fly.geojson");
/// The embedded anchorages (illustrative).
pub const ANCHORAGES_GEOJSON: &str = include_str!("../../assets/zones/anchorages.geojson");

/// A hotspot's risk level, from its `risk` property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Risk {
    /// `low`.
    Low,
    /// `medium`.
    Medium,
    /// `high`.
    High,
}

impl Risk {
    fn parse(s: &str) -> Option<Risk> {
        match s {
            "low" => Some(Risk::Low),
            "medium" => Some(Risk::Medium),
            "high" => Some(Risk::High),
            _ => None,
        }
    }

    /// Score weight used by the engine (documented in [`super::engine`]): 0.5, 1.0, 1.5.
    pub fn weight(self) -> f64 {
        match self {
            Risk::Low => 0.5,
            Risk::Medium => 1.0,
            Risk::High => 1.5,
        }
    }
}

/// What a zone is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZoneKind {
    /// A smuggling / illegal-crossing hotspot.
    Hotspot(Risk),
    /// The administered waters (crossing its edge is a boundary crossing).
    Waters,
    /// Where ships lawfully lie still (no loitering or distress alerts).
    Anchorage,
    /// A fairway (lawful traffic lane).
    Fairway,
    /// Drone no-fly area.
    NoFly,
}

/// One zone: an id, a kind and its area.
#[derive(Debug, Clone)]
pub struct Zone {
    /// The feature's `id` property.
    pub id: String,
    /// What it is.
    pub kind: ZoneKind,
    /// Its area, lon/lat degrees.
    pub area: MultiPolygon<f64>,
}

/// The files a zone directory may hold, and the kind each holds. Only `hotspots.geojson` is
/// required.
const FILES: [(&str, FileKind); 5] = [
    ("hotspots.geojson", FileKind::Hotspots),
    ("waters.geojson", FileKind::Plain(ZoneKind::Waters)),
    ("anchorages.geojson", FileKind::Plain(ZoneKind::Anchorage)),
    ("fairways.geojson", FileKind::Plain(ZoneKind::Fairway)),
    ("no-fly.geojson", FileKind::Plain(ZoneKind::NoFly)),
];

#[derive(Debug, Clone, Copy)]
enum FileKind {
    Hotspots,
    Plain(ZoneKind),
}

/// A validated zone set with its spatial index.
#[derive(Debug, Clone)]
pub struct Zones {
    zones: Vec<Zone>,
    tree: BoxTree,
    /// A grid per zone answering most point queries without the polygon test ([`Raster`]).
    rasters: Vec<Option<Raster>>,
    /// Water within this distance of the shore is the shore belt, metres.
    pub shore_belt_m: f64,
    source: Option<(PathBuf, Option<SystemTime>)>,
}

impl Zones {
    /// Default width of the shore belt, metres.
    pub const DEFAULT_SHORE_BELT_M: f64 = 1_500.0;

    /// A zone set from zones already built (tests, tools).
    pub fn new(zones: Vec<Zone>) -> Self {
        let boxes: Vec<Bbox> = zones
            .iter()
            .map(|z| {
                z.area.bounding_rect().map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]).unwrap_or([f64::NAN; 4])
            })
            .collect();
        let rasters = zones.iter().zip(&boxes).map(|(z, b)| Raster::new(&z.area, *b)).collect();
        Zones { tree: BoxTree::new(&boxes), zones, rasters, shore_belt_m: Self::DEFAULT_SHORE_BELT_M, source: None }
    }

    /// The embedded Macau zones (hotspots, waters, anchorages, no-fly).
    ///
    /// # Errors
    /// Only if an embedded file is broken (checked by the tests).
    pub fn macau() -> Result<Self, ZoneError> {
        let mut zones = parse(HOTSPOTS_GEOJSON, "hotspots.geojson", FileKind::Hotspots)?;
        zones.extend(parse(WATERS_GEOJSON, "waters.geojson", FileKind::Plain(ZoneKind::Waters))?);
        zones.extend(parse(ANCHORAGES_GEOJSON, "zones/anchorages.geojson", FileKind::Plain(ZoneKind::Anchorage))?);
        zones.extend(parse(NO_FLY_GEOJSON, "no-fly.geojson", FileKind::Plain(ZoneKind::NoFly))?);
        Ok(Zones::new(zones))
    }

    /// Load `hotspots.geojson` (required) and `waters`, `anchorages`, `fairways`, `no-fly`
    /// (`.geojson`, optional) from `dir` (or its `zones/` subfolder, as in `assets/`).
    ///
    /// # Errors
    /// A missing `hotspots.geojson`, an unreadable file or a feature that fails validation.
    pub fn from_dir(dir: &Path) -> Result<Self, ZoneError> {
        let mut zones = Vec::new();
        for (name, kind) in FILES {
            // `assets/` keeps the extra zone files under `zones/`: accept both layouts.
            let path = match (dir.join(name), dir.join("zones").join(name)) {
                (p, alt) if !p.exists() && alt.exists() => alt,
                (p, _) => p,
            };
            if !path.exists() && !matches!(kind, FileKind::Hotspots) {
                continue;
            }
            let file = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|source| ZoneError::Io { file: file.clone(), source })?;
            zones.extend(parse(&text, &file, kind)?);
        }
        let mut z = Zones::new(zones);
        z.source = Some((dir.to_path_buf(), newest_mtime(dir)));
        Ok(z)
    }

    /// Reload from the directory this set came from if any of its files changed since.
    /// Returns `Ok(true)` when reloaded; on a validation error the current set stays.
    ///
    /// # Errors
    /// The new files' [`ZoneError`].
    pub fn reload_if_changed(&mut self) -> Result<bool, ZoneError> {
        let Some((dir, seen)) = &self.source else { return Ok(false) };
        let now = newest_mtime(dir);
        if now == *seen {
            return Ok(false);
        }
        let mut fresh = Zones::from_dir(dir)?;
        fresh.shore_belt_m = self.shore_belt_m;
        *self = fresh;
        Ok(true)
    }

    /// Every zone.
    pub fn all(&self) -> &[Zone] {
        &self.zones
    }

    /// Whether zone `i` contains the position: its grid where that knows, else the polygon.
    #[inline]
    fn inside(&self, i: usize, p: LatLon) -> bool {
        let area = &self.zones[i].area;
        match &self.rasters[i] {
            Some(r) => r.contains(area, p.lon_deg, p.lat_deg),
            None => area.contains(&Point::new(p.lon_deg, p.lat_deg)),
        }
    }

    /// Call `f` with every zone containing the position.
    pub fn containing(&self, p: LatLon, mut f: impl FnMut(&Zone)) {
        self.tree.query_point(p.lon_deg, p.lat_deg, |i| {
            if self.inside(i, p) {
                f(&self.zones[i])
            }
        });
    }

    /// The highest-risk hotspot containing the position, with its index in [`Zones::all`].
    pub fn hotspot_at(&self, p: LatLon) -> Option<(usize, Risk)> {
        let mut best: Option<(usize, Risk)> = None;
        self.tree.query_point(p.lon_deg, p.lat_deg, |i| {
            if let ZoneKind::Hotspot(r) = self.zones[i].kind
                && best.is_none_or(|b| r > b.1)
                && self.inside(i, p)
            {
                best = Some((i, r));
            }
        });
        best
    }

    /// Whether some zone of `kind` contains the position.
    pub fn is_in(&self, p: LatLon, kind: ZoneKind) -> bool {
        // The kind is checked before the polygon test (the costly part), and the first hit ends it.
        let mut hit = false;
        self.tree.query_point(p.lon_deg, p.lat_deg, |i| {
            hit = hit || (self.zones[i].kind == kind && self.inside(i, p));
        });
        hit
    }

    /// Whether the set has any zone of `kind` (a set without waters never reports crossings).
    pub fn has(&self, kind: ZoneKind) -> bool {
        self.zones.iter().any(|z| z.kind == kind)
    }

    /// How much wider than the belt [`Zones::in_shore_belt_hinted`] probes, metres.
    pub const SHORE_PROBE_M: f64 = 500.0;

    /// [`Zones::in_shore_belt`], the same answer, remembering in `hint` (one per track) where
    /// the shore was last probed: with no shore within the belt plus [`Zones::SHORE_PROBE_M`]
    /// of that point, a position less than the probe distance (less 1 m for rounding) from it
    /// is outside the belt (triangle inequality), with no search at all. Near the shore the
    /// exact test runs, and the wide probe is repeated only after half the probe distance.
    pub fn in_shore_belt_hinted(&self, coast: &Coast, p: LatLon, hint: &std::cell::Cell<Option<ShoreHint>>) -> bool {
        let belt = self.shore_belt_m;
        if !(belt.is_finite() && belt <= 20_000.0) {
            return self.in_shore_belt(coast, p);
        }
        let xy = coast.plane().to_xy(p);
        let exact = |xy: [f64; 2]| !coast.is_land_xy(xy) && coast.shore_within_xy(xy, belt.next_up());
        if let Some(h) = hint.get().filter(|h| h.belt_m == belt) {
            let moved = (xy[0] - h.xy[0]).hypot(xy[1] - h.xy[1]);
            if h.far && moved < Self::SHORE_PROBE_M - 1.0 {
                return false;
            }
            if !h.far && moved < 0.5 * Self::SHORE_PROBE_M {
                return exact(xy);
            }
        }
        let far = !coast.shore_within_xy(xy, belt + Self::SHORE_PROBE_M);
        hint.set(Some(ShoreHint { xy, belt_m: belt, far }));
        !far && exact(xy)
    }

    /// Whether the position is water within [`Zones::shore_belt_m`] of the shore.
    pub fn in_shore_belt(&self, coast: &Coast, p: LatLon) -> bool {
        // A bounded search (only the grid cells within the belt) instead of the full nearest-shore
        // search: `shore_within_xy` is strict, so widen by one ulp to keep `distance <= belt`.
        // (A belt too wide for that to be cheap, or not finite, takes the full search.)
        if !(self.shore_belt_m.is_finite() && self.shore_belt_m <= 20_000.0) {
            return !coast.is_land(p) && coast.distance_to_shore_m(p) <= self.shore_belt_m;
        }
        let xy = coast.plane().to_xy(p);
        !coast.is_land_xy(xy) && coast.shore_within_xy(xy, self.shore_belt_m.next_up())
    }
}

/// Where a track's shore belt question was last settled by a wider probe (plane metres), so
/// that a track far from the shore is not searched for shore edges on every update
/// ([`Zones::in_shore_belt_hinted`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShoreHint {
    xy: [f64; 2],
    /// The belt width it was probed for, metres.
    belt_m: f64,
    /// No shore within the belt plus [`Zones::SHORE_PROBE_M`] of `xy`.
    far: bool,
}

fn newest_mtime(dir: &Path) -> Option<SystemTime> {
    FILES.iter().filter_map(|(n, _)| std::fs::metadata(dir.join(n)).and_then(|m| m.modified()).ok()).max()
}

/// Parse and validate one zone file.
fn parse(text: &str, file: &str, kind: FileKind) -> Result<Vec<Zone>, ZoneError> {
    let gj: geojson::GeoJson =
        text.parse().map_err(|e: geojson::Error| ZoneError::NotGeoJson { file: file.into(), why: e.to_string() })?;
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        return Err(ZoneError::NotGeoJson { file: file.into(), why: "top level is not a FeatureCollection".into() });
    };
    let mut out = Vec::new();
    for (i, f) in fc.features.iter().enumerate() {
        let id = f.property("id").and_then(|v| v.as_str()).map(str::to_owned).unwrap_or_else(|| format!("#{i}"));
        let bad = |why| ZoneError::BadFeature { file: file.into(), feature: id.clone(), why };
        let g = f.geometry.as_ref().ok_or_else(|| bad("no geometry"))?;
        let area = match geo::Geometry::<f64>::try_from(&g.value).map_err(|_| bad("unreadable geometry"))? {
            geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
            geo::Geometry::MultiPolygon(m) => m,
            // Lines (a runway centre line in no-fly.geojson) are drawing aids, not areas.
            geo::Geometry::LineString(_) | geo::Geometry::MultiLineString(_) | geo::Geometry::Point(_) => continue,
            _ => return Err(bad("not a Polygon or MultiPolygon")),
        };
        for p in &area {
            if p.exterior().0.len() < 4 {
                return Err(bad("a ring has fewer than 4 positions"));
            }
            let ok = p.exterior().coords().chain(p.interiors().iter().flat_map(|r| r.coords())).all(|c| {
                c.x.is_finite() && c.y.is_finite() && (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y)
            });
            if !ok {
                return Err(bad("a coordinate is non-finite or outside lon ±180 / lat ±90"));
            }
        }
        let kind = match kind {
            FileKind::Plain(k) => k,
            FileKind::Hotspots => {
                let r = f.property("risk").and_then(|v| v.as_str()).ok_or_else(|| bad("no `risk` property"))?;
                ZoneKind::Hotspot(Risk::parse(r).ok_or_else(|| bad("`risk` is not low, medium or high"))?)
            }
        };
        out.push(Zone { id, kind, area });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    mod macau {
        use super::*;

        #[test]
        fn loads_every_embedded_zone() {
            let z = Zones::macau().unwrap();
            assert_eq!(z.all().iter().filter(|z| matches!(z.kind, ZoneKind::Hotspot(_))).count(), 12);
            assert!(z.has(ZoneKind::Waters) && z.has(ZoneKind::Anchorage) && z.has(ZoneKind::NoFly));
        }

        #[test]
        fn hac_sa_hotspot_is_high_risk() {
            let z = Zones::macau().unwrap();
            let (i, r) = z.hotspot_at(LatLon::new(22.1205, 113.580)).expect("inside Hac Sa hotspot");
            assert_eq!(z.all()[i].id, "hac-sa-long-chao-kok");
            assert_eq!(r, Risk::High);
        }

        #[test]
        fn open_sea_far_south_is_outside_the_waters() {
            let z = Zones::macau().unwrap();
            assert!(!z.is_in(LatLon::new(21.9, 113.6), ZoneKind::Waters));
            assert!(z.is_in(LatLon::new(22.075, 113.665), ZoneKind::Anchorage));
        }

        #[test]
        fn shore_belt_is_water_near_land() {
            let z = Zones::macau().unwrap();
            let coast = Coast::macau();
            assert!(z.in_shore_belt(&coast, LatLon::new(22.1205, 113.580)));
            assert!(!z.in_shore_belt(&coast, LatLon::new(22.0, 113.75)));
        }

        #[test]
        fn the_bounded_shore_belt_test_agrees_with_the_nearest_shore_distance() {
            let z = Zones::macau().unwrap();
            let coast = Coast::macau();
            let mut inside = 0;
            for i in 0..60 {
                for j in 0..60 {
                    let p = LatLon::new(22.0 + 0.004 * i as f64, 113.45 + 0.005 * j as f64);
                    let full = !coast.is_land(p) && coast.distance_to_shore_m(p) <= z.shore_belt_m;
                    assert_eq!(z.in_shore_belt(&coast, p), full, "{p:?}");
                    inside += usize::from(full);
                }
            }
            assert!(inside > 100, "the grid should straddle the belt: {inside}");
        }

        #[test]
        fn the_hinted_shore_belt_test_agrees_along_tracks_in_and_out_of_the_belt() {
            let z = Zones::macau().unwrap();
            let coast = Coast::macau();
            let (mut skipped, mut flips) = (0, 0);
            // Tracks sweeping the area west to east in 20 m steps (a 25 kn craft at 1.5 s).
            for i in 0..30 {
                let hint = std::cell::Cell::new(None);
                let mut last = None;
                for k in 0..1_500 {
                    let p = LatLon::new(22.0 + 0.008 * i as f64, 113.45 + 0.000_2 * k as f64);
                    let want = z.in_shore_belt(&coast, p);
                    let before = hint.get();
                    assert_eq!(z.in_shore_belt_hinted(&coast, p, &hint), want, "{p:?}");
                    skipped += usize::from(before.is_some() && before == hint.get() && !want);
                    flips += usize::from(last.is_some_and(|l| l != want));
                    last = Some(want);
                }
            }
            assert!(skipped > 1_000 && flips > 20, "skipped {skipped}, flips {flips}");
        }
    }

    mod validation {
        use super::*;

        #[test]
        fn errors_name_the_file_and_feature() {
            let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x1","risk":"extreme"},
                "geometry":{"type":"Polygon","coordinates":[[[113.5,22.1],[113.6,22.1],[113.6,22.2],[113.5,22.1]]]}}]}"#;
            let e = parse(text, "hot.geojson", FileKind::Hotspots).unwrap_err().to_string();
            assert!(e.contains("hot.geojson") && e.contains("x1") && e.contains("risk"), "{e}");
        }

        #[test]
        fn out_of_range_coordinates_are_refused() {
            let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"w"},
                "geometry":{"type":"Polygon","coordinates":[[[213.5,22.1],[113.6,22.1],[113.6,22.2],[213.5,22.1]]]}}]}"#;
            assert!(matches!(
                parse(text, "w.geojson", FileKind::Plain(ZoneKind::Waters)),
                Err(ZoneError::BadFeature { .. })
            ));
        }

        #[test]
        fn not_geojson_is_refused() {
            assert!(matches!(parse("{", "w.geojson", FileKind::Hotspots), Err(ZoneError::NotGeoJson { .. })));
        }
    }

    mod reload {
        use super::*;

        #[test]
        fn picks_up_a_changed_file_and_keeps_the_old_set_on_error() {
            let dir = std::env::temp_dir().join(format!("seawarden-zones-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("hotspots.geojson"), HOTSPOTS_GEOJSON).unwrap();
            let mut z = Zones::from_dir(&dir).unwrap();
            assert_eq!(z.all().len(), 12);
            assert!(!z.reload_if_changed().unwrap());
            // A file with a bad feature: refused, the old set stays.
            std::thread::sleep(std::time::Duration::from_millis(20));
            std::fs::write(dir.join("waters.geojson"), r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"bad"},"geometry":null}]}"#).unwrap();
            let bumped = SystemTime::now() + std::time::Duration::from_secs(5);
            std::fs::File::options()
                .write(true)
                .open(dir.join("waters.geojson"))
                .unwrap()
                .set_modified(bumped)
                .unwrap();
            assert!(z.reload_if_changed().is_err());
            assert_eq!(z.all().len(), 12);
            std::fs::write(dir.join("waters.geojson"), WATERS_GEOJSON).unwrap();
            let bumped = SystemTime::now() + std::time::Duration::from_secs(10);
            std::fs::File::options()
                .write(true)
                .open(dir.join("waters.geojson"))
                .unwrap()
                .set_modified(bumped)
                .unwrap();
            assert!(z.reload_if_changed().unwrap());
            assert!(z.has(ZoneKind::Waters));
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}
