//! Colours: a dark night-watch palette (control rooms run dimmed), with risk and severity hues
//! that stay distinguishable for red-green colour-blind operators (orange/red vs blue/cyan).

use eframe::egui::Color32;

use crate::alert::Severity;
use crate::anomaly::zones::Risk;

/// Open water.
pub const WATER: Color32 = Color32::from_rgb(14, 30, 48);
/// Land fill.
pub const LAND: Color32 = Color32::from_rgb(52, 56, 50);
/// Shore outline.
pub const SHORE: Color32 = Color32::from_rgb(110, 118, 100);
/// Administered-waters boundary.
pub const WATERS: Color32 = Color32::from_rgb(90, 150, 210);
/// Drone no-fly zone.
pub const NO_FLY: Color32 = Color32::from_rgb(200, 110, 230);
/// Camera sector outline.
pub const SECTOR: Color32 = Color32::from_rgba_premultiplied(45, 60, 45, 70);
/// Radar range ring.
pub const RADAR_RING: Color32 = Color32::from_rgba_premultiplied(25, 55, 60, 70);
/// Site marker.
pub const SITE: Color32 = Color32::from_rgb(240, 240, 240);
/// Track with an AIS identity.
pub const IDENTIFIED: Color32 = Color32::from_rgb(90, 200, 255);
/// Dark target (no AIS).
pub const DARK: Color32 = Color32::from_rgb(255, 140, 40);
/// Selected track highlight.
pub const SELECTED: Color32 = Color32::from_rgb(255, 255, 120);
/// Measure tool.
pub const MEASURE: Color32 = Color32::from_rgb(255, 255, 255);

/// A hotspot's outline colour by risk.
pub fn risk(r: Risk) -> Color32 {
    match r {
        Risk::High => Color32::from_rgb(240, 70, 60),
        Risk::Medium => Color32::from_rgb(240, 160, 40),
        Risk::Low => Color32::from_rgb(220, 210, 80),
    }
}

/// An alert's colour by severity.
pub fn severity(s: Severity) -> Color32 {
    match s {
        Severity::Critical => Color32::from_rgb(255, 60, 60),
        Severity::High => Color32::from_rgb(255, 140, 40),
        Severity::Medium => Color32::from_rgb(230, 210, 70),
        Severity::Low => Color32::from_rgb(150, 170, 190),
    }
}
