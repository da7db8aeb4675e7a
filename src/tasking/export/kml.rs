//! KML for Google Earth and GIS tools: the flight route (heights relative to the ground), one
//! placemark per waypoint, the target, and the no-fly zones as red polygons.
//!
//! # References
//! OGC KML 2.2 (OGC 07-147r2). Coordinates are `lon,lat,alt` tuples.

use std::io;

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::{ExportError, MissionWriter};
use crate::geodesy::{destination, LatLon};
use crate::tasking::geofence::ZoneShape;
use crate::tasking::mission::{Action, Mission, MissionEnd};

/// Writes KML 2.2 documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Kml;

type W<'a> = Writer<&'a mut dyn io::Write>;

fn text(w: &mut W<'_>, tag: &str, s: &str) -> io::Result<()> {
    w.create_element(tag).write_text_content(BytesText::new(s))?;
    Ok(())
}

fn coords(pts: &[(LatLon, f64)]) -> String {
    pts.iter().map(|(p, a)| format!("{:.7},{:.7},{:.1}", p.lon_deg, p.lat_deg, a)).collect::<Vec<_>>().join(" ")
}

fn style(w: &mut W<'_>, id: &str, line: &str, poly: Option<&str>) -> io::Result<()> {
    w.create_element("Style").with_attribute(("id", id)).write_inner_content(|w| {
        w.create_element("LineStyle").write_inner_content(|w| {
            text(w, "color", line)?;
            text(w, "width", "3")
        })?;
        if let Some(fill) = poly {
            w.create_element("PolyStyle").write_inner_content(|w| text(w, "color", fill))?;
        }
        Ok(())
    })?;
    Ok(())
}

fn point_placemark(w: &mut W<'_>, name: &str, desc: &str, p: LatLon, alt_m: f64) -> io::Result<()> {
    w.create_element("Placemark").write_inner_content(|w| {
        text(w, "name", name)?;
        text(w, "description", desc)?;
        w.create_element("Point").write_inner_content(|w| {
            text(w, "altitudeMode", "relativeToGround")?;
            text(w, "coordinates", &coords(&[(p, alt_m)]))
        })?;
        Ok(())
    })?;
    Ok(())
}

impl MissionWriter for Kml {
    fn write(&self, m: &Mission, out: &mut dyn io::Write) -> Result<(), ExportError> {
        let mut w: W<'_> = Writer::new_with_indent(out, b' ', 1);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        w.create_element("kml").with_attribute(("xmlns", "http://www.opengis.net/kml/2.2")).write_inner_content(
            |w| {
                w.create_element("Document").write_inner_content(|w| {
                    text(w, "name", &m.name)?;
                    text(w, "description", &format!("Seawarden drone mission, pattern {}", m.pattern))?;
                    // KML colours are aabbggrr.
                    style(w, "route", "ff00ffff", None)?;
                    style(w, "nofly", "ff0000ff", Some("400000ff"))?;
                    let mut route = vec![(m.launch, 0.0), (m.launch, m.takeoff_alt_m)];
                    route.extend(m.waypoints.iter().map(|x| (x.position, x.alt_m)));
                    match m.end {
                        MissionEnd::ReturnToLaunch => route.extend([(m.launch, m.takeoff_alt_m), (m.launch, 0.0)]),
                        MissionEnd::Land(p) => route.push((p, 0.0)),
                    }
                    w.create_element("Placemark").write_inner_content(|w| {
                        text(w, "name", "Route")?;
                        text(w, "styleUrl", "#route")?;
                        w.create_element("LineString").write_inner_content(|w| {
                            text(w, "altitudeMode", "relativeToGround")?;
                            text(w, "coordinates", &coords(&route))
                        })?;
                        Ok(())
                    })?;
                    point_placemark(w, "Launch", "launch / home", m.launch, 0.0)?;
                    w.create_element("Folder").write_inner_content(|w| {
                        text(w, "name", "Waypoints")?;
                        for (i, x) in m.waypoints.iter().enumerate() {
                            let desc = match x.action {
                                Action::Pass => format!("{:.0} m", x.alt_m),
                                Action::Loiter { radius_m, time_s: Some(t) } => {
                                    format!("{:.0} m, loiter {radius_m:.0} m for {t:.0} s", x.alt_m)
                                }
                                Action::Loiter { radius_m, time_s: None } => {
                                    format!("{:.0} m, loiter {radius_m:.0} m", x.alt_m)
                                }
                            };
                            point_placemark(w, &format!("WP {}", i + 1), &desc, x.position, x.alt_m)?;
                        }
                        Ok(())
                    })?;
                    if let Some(t) = &m.target {
                        let name = t.track_id.as_deref().map_or("Target".to_string(), |id| format!("Track {id}"));
                        let desc = format!("{:.1} kn, course {:.0}°", t.sog_mps / crate::geodesy::MPS_PER_KNOT, t.cog_deg);
                        point_placemark(w, &name, &desc, t.position, 0.0)?;
                    }
                    w.create_element("Folder").write_inner_content(|w| {
                        text(w, "name", "No-fly zones")?;
                        for z in &m.no_fly {
                            let ring: Vec<LatLon> = match &z.shape {
                                ZoneShape::Polygon(r) => r.clone(),
                                ZoneShape::Circle { center, radius_m } => (0..=72)
                                    .map(|k| {
                                        let (lat, lon) =
                                            destination(center.lat_deg, center.lon_deg, k as f64 * 5.0, *radius_m);
                                        LatLon::new(lat, lon)
                                    })
                                    .collect(),
                            };
                            let mut ring: Vec<(LatLon, f64)> = ring.into_iter().map(|p| (p, 0.0)).collect();
                            if ring.first().map(|f| f.0) != ring.last().map(|l| l.0) {
                                ring.push(ring[0]); // KML rings are closed
                            }
                            w.create_element("Placemark").write_inner_content(|w| {
                                text(w, "name", &z.id)?;
                                text(w, "description", &z.name)?;
                                text(w, "styleUrl", "#nofly")?;
                                w.create_element("Polygon").write_inner_content(|w| {
                                    w.create_element("outerBoundaryIs").write_inner_content(|w| {
                                        w.create_element("LinearRing")
                                            .write_inner_content(|w| text(w, "coordinates", &coords(&ring)))?;
                                        Ok(())
                                    })?;
                                    Ok(())
                                })?;
                                Ok(())
                            })?;
                        }
                        Ok(())
                    })?;
                    Ok(())
                })?;
                Ok(())
            },
        )?;
        let out = w.into_inner();
        out.write_all(b"\n")?;
        Ok(())
    }

    fn extension(&self) -> &'static str {
        "kml"
    }
}
