//! No-fly zones and the geometric tests a drone mission must pass before it is exported.
//!
//! Zones come from `assets/no-fly.geojson` (an ASSUMED airport exclusion: a 5 km circle and two
//! approach funnels; see `assets/GEODATA-SOURCES.md`). A feature whose `kind` is `circle` is kept
//! as an exact circle (its `center` and `radius_m` properties), other polygons as polygons; lines
//! (the runway centreline) are not zones. The tests run in a local tangent plane at each zone,
//! exact to centimetres at the ranges a drone flies.

use nalgebra::Vector2;

use crate::geodesy::{Enu, LatLon};

/// The reference no-fly zones shipped in `assets/`, so the CLI and tests need no file path.
pub const MACAU_NO_FLY_GEOJSON: &str = include_str!("../../assets/no-fly.geojson");

/// The shape of a no-fly zone.
#[derive(Debug, Clone, PartialEq)]
pub enum ZoneShape {
    /// Everything within `radius_m` of `center` (an aerodrome exclusion circle).
    Circle {
        /// Centre of the circle.
        center: LatLon,
        /// Radius, metres.
        radius_m: f64,
    },
    /// The inside of a simple polygon (an approach funnel); the ring need not be closed.
    Polygon(Vec<LatLon>),
}

/// One area a drone must not enter, with the id and name a refusal reports.
#[derive(Debug, Clone)]
pub struct NoFlyZone {
    /// Stable id from the GeoJSON (`mfm-5km`).
    pub id: String,
    /// Human-readable name for messages and exports.
    pub name: String,
    /// The area.
    pub shape: ZoneShape,
    frame: Enu,
    /// The polygon ring in `frame`, metres (empty for a circle).
    ring_en: Vec<Vector2<f64>>,
}

impl NoFlyZone {
    /// A zone from its shape; the local frame for the tests is set up here once.
    pub fn new(id: impl Into<String>, name: impl Into<String>, shape: ZoneShape) -> Self {
        let origin = match &shape {
            ZoneShape::Circle { center, .. } => *center,
            ZoneShape::Polygon(ring) => ring.first().copied().unwrap_or(LatLon::new(0.0, 0.0)),
        };
        let frame = Enu::at(origin);
        let ring_en = match &shape {
            ZoneShape::Circle { .. } => Vec::new(),
            ZoneShape::Polygon(ring) => {
                let mut r: Vec<_> = ring.iter().map(|p| frame.to_en(*p)).collect();
                if r.len() > 1 && r.first() == r.last() {
                    r.pop();
                }
                r
            }
        };
        NoFlyZone { id: id.into(), name: name.into(), shape, frame, ring_en }
    }

    /// True when `p` lies inside the zone (the boundary counts as inside).
    pub fn contains(&self, p: LatLon) -> bool {
        let q = self.frame.to_en(p);
        match &self.shape {
            ZoneShape::Circle { radius_m, .. } => q.norm() <= *radius_m,
            ZoneShape::Polygon(_) => point_in_ring(q, &self.ring_en),
        }
    }

    /// True when the straight leg `a → b` touches the zone anywhere, not only at its ends.
    pub fn intersects_leg(&self, a: LatLon, b: LatLon) -> bool {
        let (pa, pb) = (self.frame.to_en(a), self.frame.to_en(b));
        match &self.shape {
            ZoneShape::Circle { radius_m, .. } => segment_point_distance(pa, pb, Vector2::zeros()) <= *radius_m,
            ZoneShape::Polygon(_) => {
                if point_in_ring(pa, &self.ring_en) || point_in_ring(pb, &self.ring_en) {
                    return true;
                }
                let n = self.ring_en.len();
                (0..n).any(|i| segments_intersect(pa, pb, self.ring_en[i], self.ring_en[(i + 1) % n]))
            }
        }
    }
}

/// Why the no-fly file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GeofenceError {
    /// The text is not JSON.
    #[error("no-fly GeoJSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A feature lacks what its kind needs (`kind = circle` without `center`/`radius_m`).
    #[error("no-fly GeoJSON feature {index} ({id}): {what}")]
    Feature {
        /// Position of the feature in `features`.
        index: usize,
        /// Its `id` property, or `?`.
        id: String,
        /// What is missing or malformed.
        what: &'static str,
    },
}

/// The set of zones a mission is checked against.
#[derive(Debug, Clone, Default)]
pub struct Geofence {
    /// Every zone, in file order (so a refusal names the first one the leg meets).
    pub zones: Vec<NoFlyZone>,
}

impl Geofence {
    /// The reference Macau airport zones from `assets/no-fly.geojson`.
    pub fn macau() -> Self {
        // The embedded asset is checked by the unit tests below; it cannot fail at run time.
        Self::from_geojson(MACAU_NO_FLY_GEOJSON).unwrap_or_default()
    }

    /// Zones from a GeoJSON FeatureCollection (see the module doc for how features map to zones).
    ///
    /// # Errors
    /// [`GeofenceError`] when the text is not JSON or a circle lacks its centre or radius.
    pub fn from_geojson(text: &str) -> Result<Self, GeofenceError> {
        let v: serde_json::Value = serde_json::from_str(text)?;
        let mut zones = Vec::new();
        let features = v.get("features").and_then(|f| f.as_array()).cloned().unwrap_or_default();
        for (index, f) in features.iter().enumerate() {
            let props = f.get("properties").cloned().unwrap_or_default();
            let id = props.get("id").and_then(|s| s.as_str()).unwrap_or("?").to_string();
            let name = props.get("name").and_then(|s| s.as_str()).unwrap_or(&id).to_string();
            let err = |what| GeofenceError::Feature { index, id: id.clone(), what };
            let geometry = f.get("geometry").cloned().unwrap_or_default();
            let gtype = geometry.get("type").and_then(|t| t.as_str()).unwrap_or("");
            if props.get("kind").and_then(|k| k.as_str()) == Some("circle") {
                let c = props.get("center").and_then(|c| c.as_array()).ok_or_else(|| err("circle without center"))?;
                let (lon, lat) = (c.first().and_then(|x| x.as_f64()), c.get(1).and_then(|x| x.as_f64()));
                let (Some(lon), Some(lat)) = (lon, lat) else { return Err(err("circle center is not [lon, lat]")) };
                let r = props.get("radius_m").and_then(|r| r.as_f64()).ok_or_else(|| err("circle without radius_m"))?;
                zones.push(NoFlyZone::new(id.clone(), name, ZoneShape::Circle { center: LatLon::new(lat, lon), radius_m: r }));
                continue;
            }
            let rings: Vec<&serde_json::Value> = match gtype {
                "Polygon" => geometry["coordinates"].as_array().and_then(|r| r.first()).into_iter().collect(),
                "MultiPolygon" => geometry["coordinates"]
                    .as_array()
                    .map(|ps| ps.iter().filter_map(|p| p.as_array().and_then(|r| r.first())).collect())
                    .unwrap_or_default(),
                _ => continue, // lines and points are context, not zones
            };
            for ring in rings {
                let pts: Vec<LatLon> = ring
                    .as_array()
                    .ok_or_else(|| err("polygon ring is not an array"))?
                    .iter()
                    .map(|c| match (c.get(0).and_then(|x| x.as_f64()), c.get(1).and_then(|x| x.as_f64())) {
                        (Some(lon), Some(lat)) => Ok(LatLon::new(lat, lon)),
                        _ => Err(err("polygon vertex is not [lon, lat]")),
                    })
                    .collect::<Result<_, _>>()?;
                if pts.len() < 3 {
                    return Err(err("polygon ring with fewer than 3 vertices"));
                }
                zones.push(NoFlyZone::new(id.clone(), name.clone(), ZoneShape::Polygon(pts)));
            }
        }
        Ok(Geofence { zones })
    }

    /// The first zone the straight leg `a → b` touches, if any.
    pub fn first_violation(&self, a: LatLon, b: LatLon) -> Option<&NoFlyZone> {
        self.zones.iter().find(|z| z.intersects_leg(a, b))
    }

    /// The first zone containing `p`, if any.
    pub fn zone_containing(&self, p: LatLon) -> Option<&NoFlyZone> {
        self.zones.iter().find(|z| z.contains(p))
    }
}

/// Even-odd rule; points on an edge may go either way, which the leg test covers separately.
fn point_in_ring(p: Vector2<f64>, ring: &[Vector2<f64>]) -> bool {
    let n = ring.len();
    let mut inside = false;
    let mut j = n.wrapping_sub(1);
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        j = i;
    }
    inside
}

fn segment_point_distance(a: Vector2<f64>, b: Vector2<f64>, p: Vector2<f64>) -> f64 {
    let ab = b - a;
    let len2 = ab.norm_squared();
    let t = if len2 == 0.0 { 0.0 } else { ((p - a).dot(&ab) / len2).clamp(0.0, 1.0) };
    (a + ab * t - p).norm()
}

fn cross(o: Vector2<f64>, a: Vector2<f64>, b: Vector2<f64>) -> f64 {
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
}

/// Closed-segment intersection (touching counts), robust enough for metre-scale geometry.
fn segments_intersect(p1: Vector2<f64>, p2: Vector2<f64>, q1: Vector2<f64>, q2: Vector2<f64>) -> bool {
    let (d1, d2) = (cross(q1, q2, p1), cross(q1, q2, p2));
    let (d3, d4) = (cross(p1, p2, q1), cross(p1, p2, q2));
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0)) && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0)) {
        return true;
    }
    let on = |a: Vector2<f64>, b: Vector2<f64>, p: Vector2<f64>, d: f64| d == 0.0 && segment_point_distance(a, b, p) < 1e-9;
    on(q1, q2, p1, d1) || on(q1, q2, p2, d2) || on(p1, p2, q1, d3) || on(p1, p2, q2, d4)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARP: LatLon = LatLon::new(22.14944, 113.59139);

    mod from_geojson {
        use super::*;

        #[test]
        fn the_macau_file_has_the_circle_and_two_funnels() {
            let g = Geofence::from_geojson(MACAU_NO_FLY_GEOJSON).unwrap();
            let ids: Vec<_> = g.zones.iter().map(|z| z.id.as_str()).collect();
            assert_eq!(ids, ["mfm-5km", "mfm-rwy16-approach", "mfm-rwy34-approach"]);
            assert!(matches!(g.zones[0].shape, ZoneShape::Circle { radius_m, .. } if radius_m == 5000.0));
        }

        #[test]
        fn a_circle_without_radius_is_an_error_naming_the_feature() {
            let text = r#"{"features":[{"properties":{"id":"z","kind":"circle","center":[113.5,22.1]},"geometry":null}]}"#;
            let e = Geofence::from_geojson(text).unwrap_err().to_string();
            assert!(e.contains("feature 0 (z)") && e.contains("radius_m"), "{e}");
        }
    }

    mod contains {
        use super::*;

        #[test]
        fn the_airport_is_inside_and_the_outer_harbour_is_not() {
            let g = Geofence::macau();
            assert_eq!(g.zone_containing(ARP).map(|z| z.id.as_str()), Some("mfm-5km"));
            assert!(g.zone_containing(LatLon::new(22.1979, 113.5590)).is_none());
        }

        #[test]
        fn a_point_far_down_the_rwy34_funnel_is_inside_it() {
            let g = Geofence::macau();
            let z = g.zone_containing(LatLon::new(22.05, 113.63)).unwrap();
            assert_eq!(z.id, "mfm-rwy34-approach");
        }
    }

    mod intersects_leg {
        use super::*;

        #[test]
        fn a_leg_passing_the_circle_with_both_ends_outside_is_caught() {
            let g = Geofence::macau();
            // West to east straight through the ARP's latitude, 8 km either side.
            let (a, b) = (LatLon::new(22.1494, 113.51), LatLon::new(22.1494, 113.67));
            assert!(g.zone_containing(a).is_none() && g.zone_containing(b).is_none());
            assert_eq!(g.first_violation(a, b).map(|z| z.id.as_str()), Some("mfm-5km"));
        }

        #[test]
        fn a_leg_clipping_only_a_funnel_names_the_funnel() {
            let g = Geofence::macau();
            let (a, b) = (LatLon::new(22.06, 113.58), LatLon::new(22.06, 113.68));
            assert_eq!(g.first_violation(a, b).map(|z| z.id.as_str()), Some("mfm-rwy34-approach"));
        }

        #[test]
        fn a_leg_along_the_peninsula_west_shore_is_clear() {
            let g = Geofence::macau();
            assert!(g.first_violation(LatLon::new(22.20, 113.535), LatLon::new(22.185, 113.529)).is_none());
        }
    }
}
