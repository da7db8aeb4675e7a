//! Where a sensor's mast is, from its name: `ir-<site>` and `radar-<site>` name a site of the
//! built-in `sites.toml` (DESIGN "Alerts batch contract"). The edge node and `seawarden analyze`
//! read measurement lines that carry only lat/lon and a circular error; knowing the mast lets the
//! tracker put an IR detection back into its native bearing/range form.
use std::collections::HashMap;
use std::sync::OnceLock;

use nalgebra::Vector2;

use crate::coast::Sites;
use crate::geodesy::{Enu, LatLon};

fn table() -> &'static HashMap<String, LatLon> {
    static T: OnceLock<HashMap<String, LatLon>> = OnceLock::new();
    T.get_or_init(|| Sites::macau().iter().map(|s| (s.id.clone(), s.position())).collect())
}

/// The site id a sensor name refers to (`ir-ka-ho` → `ka-ho`), if it is a built-in site.
pub fn site_of(sensor: &str) -> Option<&'static str> {
    let id = sensor.strip_prefix("ir-").or_else(|| sensor.strip_prefix("radar-"))?;
    table().get_key_value(id).map(|(k, _)| k.as_str())
}

/// The mast of `sensor`'s site in `frame`, metres east/north, if the name refers to a built-in
/// site.
pub fn mast_en(sensor: &str, frame: &Enu) -> Option<Vector2<f64>> {
    let id = site_of(sensor)?;
    table().get(id).map(|p| frame.to_en(*p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_camera_named_after_a_site_has_that_sites_mast() {
        let sites = Sites::macau();
        let s = &sites.as_slice()[0];
        let frame = Enu::at(s.position());
        let p = mast_en(&format!("ir-{}", s.id), &frame).unwrap();
        assert!(p.norm() < 1e-6, "{p}");
        assert_eq!(site_of(&format!("radar-{}", s.id)), Some(s.id.as_str()));
        assert!(mast_en("ir-nowhere", &frame).is_none());
        assert!(mast_en("ais", &frame).is_none());
    }
}
