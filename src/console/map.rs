//! The map widget: base map, tracks (symbols by source and class, heading vectors, trails,
//! de-cluttered labels), alert rings, the selected track's covariance ellipse, the measure tool,
//! scale bar, cursor position and the OSM attribution. Pan with drag or arrow keys, zoom with the
//! wheel, pinch or `+`/`-`, `Home` to fit, `M` to measure range and bearing.

use std::collections::HashSet;

use eframe::egui::{Align2, Color32, FontId, Key, Mesh, Painter, Pos2, Rect, Sense, Shape, Stroke, Ui, pos2, vec2};

use super::alerts::AlertQueue;
use super::layers::{Basemap, LayerToggles, draw_attribution};
use super::projection::{View, nice_length_m};
use super::theme;
use super::tracks::{SourceKind, TrackFilter, TrackKey, TrackState, TrackStore, VesselClass};
use crate::geodesy::{LatLon, METRES_PER_NMI, MPS_PER_KNOT, bearing_deg, distance_m};

/// Heading vectors show where a track will be this many seconds ahead.
pub const VECTOR_AHEAD_S: f64 = 60.0;
/// A click selects the nearest track within this many points.
pub const PICK_RADIUS_PT: f32 = 14.0;

/// The measure tool's two ends.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Measure {
    /// First click.
    pub a: Option<LatLon>,
    /// Second click (until then the cursor).
    pub b: Option<LatLon>,
}

/// The map's own state across frames.
#[derive(Debug, Clone)]
pub struct MapState {
    /// The view; `None` until the first frame fits the coastline.
    pub view: Option<View>,
    /// Layer toggles.
    pub layers: LayerToggles,
    /// Draw history trails.
    pub trails: bool,
    /// Draw labels.
    pub labels: bool,
    /// Measure mode on.
    pub measuring: bool,
    /// The measurement.
    pub measure: Measure,
    /// Where the map was drawn last frame (tests and jump-to use it).
    pub rect: Rect,
    /// Position under the cursor.
    pub cursor: Option<LatLon>,
    /// Tracks drawn last frame.
    pub drawn: usize,
    /// Labels drawn last frame.
    pub labelled: usize,
}

impl Default for MapState {
    fn default() -> Self {
        MapState {
            view: None,
            layers: LayerToggles::default(),
            trails: true,
            labels: true,
            measuring: false,
            measure: Measure::default(),
            rect: Rect::NOTHING,
            cursor: None,
            drawn: 0,
            labelled: 0,
        }
    }
}

impl MapState {
    /// Centre the map on a position (alert jump), zooming in if far out.
    pub fn jump_to(&mut self, p: LatLon) {
        if let Some(v) = &mut self.view {
            v.centre = p;
            v.m_per_pt = v.m_per_pt.min(15.0);
        } else {
            self.view = Some(View::new(p, 15.0));
        }
    }

    /// Screen position of a geographic point in last frame's map (for tests).
    pub fn screen_of(&self, p: LatLon) -> Option<Pos2> {
        self.view.map(|v| v.to_screen(self.rect, p))
    }
}

/// What the operator did on the map this frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapOutput {
    /// A track was clicked.
    pub clicked: Option<TrackKey>,
    /// Empty water was clicked (clears the selection).
    pub clicked_empty: bool,
}

/// Everything the map draws besides the base map.
pub struct MapInputs<'a> {
    /// The base map.
    pub basemap: &'a Basemap,
    /// Tracks.
    pub tracks: &'a TrackStore,
    /// Alerts (rings at open alerts).
    pub alerts: &'a AlertQueue,
    /// Which tracks to show.
    pub filter: &'a TrackFilter,
    /// The selected track.
    pub selected: Option<&'a TrackKey>,
    /// Tracks with an open alert (drawn above the rest, labels first).
    pub alerted: &'a HashSet<TrackKey>,
    /// Seconds since start, for the flash.
    pub time_s: f64,
}

/// Draw the map into all of `ui`'s remaining space and handle its input.
pub fn show(ui: &mut Ui, st: &mut MapState, inp: &MapInputs<'_>) -> MapOutput {
    let (rect, resp) = ui.allocate_exact_size(ui.available_size().max(vec2(64.0, 64.0)), Sense::click_and_drag());
    st.rect = rect;
    let (sw, ne) = inp.basemap.bbox;
    let view = st.view.get_or_insert_with(|| View::fit(sw, ne, rect.size()));
    let mut out = MapOutput::default();

    // Input: pan, zoom, keys.
    if resp.dragged() && !st.measuring {
        view.pan(resp.drag_delta());
    }
    if resp.hovered() {
        let (scroll, zoom, pointer) = ui.input(|i| (i.smooth_scroll_delta(), i.zoom_delta(), i.pointer.hover_pos()));
        let anchor = pointer.unwrap_or(rect.center());
        if zoom != 1.0 {
            view.zoom_at(rect, anchor, zoom as f64);
        } else if scroll.y != 0.0 {
            view.zoom_at(rect, anchor, (scroll.y as f64 / 200.0).exp());
        }
    }
    if !ui.ctx().egui_wants_keyboard_input() {
        let step = 60.0;
        let keys = ui.input(|i| {
            [
                Key::ArrowLeft,
                Key::ArrowRight,
                Key::ArrowUp,
                Key::ArrowDown,
                Key::Plus,
                Key::Equals,
                Key::Minus,
                Key::Home,
                Key::M,
                Key::Escape,
            ]
            .map(|k| i.key_pressed(k))
        });
        let [l, r, u, d, plus, eq, minus, home, m, esc] = keys;
        if l {
            view.pan(vec2(step, 0.0));
        }
        if r {
            view.pan(vec2(-step, 0.0));
        }
        if u {
            view.pan(vec2(0.0, step));
        }
        if d {
            view.pan(vec2(0.0, -step));
        }
        if plus || eq {
            view.zoom_at(rect, rect.center(), 1.5);
        }
        if minus {
            view.zoom_at(rect, rect.center(), 1.0 / 1.5);
        }
        if home {
            *view = View::fit(sw, ne, rect.size());
        }
        if m {
            st.measuring = !st.measuring;
            st.measure = Measure::default();
        }
        if esc {
            st.measuring = false;
            st.measure = Measure::default();
        }
    }
    let view = *view;
    st.cursor = resp.hover_pos().map(|p| view.to_geo(rect, p));

    // Clicks: measure, or pick the nearest shown track.
    if resp.clicked() {
        if let Some(p) = resp.interact_pointer_pos() {
            let g = view.to_geo(rect, p);
            if st.measuring {
                st.measure = match st.measure {
                    Measure { a: Some(a), b: None } => Measure { a: Some(a), b: Some(g) },
                    _ => Measure { a: Some(g), b: None },
                };
            } else {
                match pick(&view, rect, p, inp) {
                    Some(k) => out.clicked = Some(k),
                    None => out.clicked_empty = true,
                }
            }
        }
    }

    let painter = ui.painter_at(rect);
    inp.basemap.draw(&painter, rect, &view, st.layers);
    let (drawn, labelled) = draw_tracks(&painter, rect, &view, st, inp);
    st.drawn = drawn;
    st.labelled = labelled;
    draw_alert_rings(&painter, rect, &view, inp);
    draw_measure(&painter, rect, &view, st);
    draw_overlays(&painter, rect, &view, st);
    out
}

fn pick(view: &View, rect: Rect, p: Pos2, inp: &MapInputs<'_>) -> Option<TrackKey> {
    let t = view.affine(rect);
    let mut best: Option<(f32, &TrackState)> = None;
    for tr in inp.tracks.iter().filter(|tr| inp.filter.passes(tr)) {
        let d = (t.apply(tr.report.lon, tr.report.lat) - p).length();
        if d <= PICK_RADIUS_PT && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, tr));
        }
    }
    best.map(|(_, t)| t.key.clone())
}

fn symbol_size(class: VesselClass) -> f32 {
    match class {
        VesselClass::SmallCraft => 4.0,
        VesselClass::Vessel => 6.5,
        VesselClass::Unknown => 5.0,
    }
}

/// Append a track symbol to the mesh: shape by source (circle AIS, square radar, diamond IR,
/// hexagon fused), colour by identity, size by class.
fn symbol(mesh: &mut Mesh, c: Pos2, t: &TrackState, color: Color32) {
    let r = symbol_size(t.class);
    let ring = |n: usize, radius: f32, phase: f32| -> Vec<Pos2> {
        (0..n)
            .map(|i| {
                let a = phase + std::f32::consts::TAU * i as f32 / n as f32;
                c + vec2(a.cos(), a.sin()) * radius
            })
            .collect()
    };
    let pts = match t.source {
        SourceKind::Ais => ring(10, r, 0.0),
        SourceKind::Radar => ring(4, r * std::f32::consts::SQRT_2, std::f32::consts::FRAC_PI_4),
        SourceKind::Ir => ring(4, r * 1.3, 0.0),
        SourceKind::Fused => ring(6, r * 1.2, 0.0),
    };
    for (k, a) in pts.iter().enumerate() {
        quad(mesh, *a, pts[(k + 1) % pts.len()], 1.5, color);
    }
    if t.source == SourceKind::Fused {
        quad(mesh, c - vec2(1.2, 0.0), c + vec2(1.2, 0.0), 2.4, color);
    }
}

fn draw_tracks(painter: &Painter, rect: Rect, view: &View, st: &MapState, inp: &MapInputs<'_>) -> (usize, usize) {
    let t = view.affine(rect);
    let vis = rect.expand(30.0);
    let mut shapes: Vec<Shape> = Vec::with_capacity(inp.tracks.len() * 2);
    // Trails and heading vectors: thin quads in one mesh, not thousands of anti-aliased paths
    // (the tessellator's feathering was most of the frame with 3,000 tracks).
    let mut lines = Mesh::default();
    let mut shown: Vec<(&TrackState, Pos2)> = Vec::new();
    for tr in inp.tracks.iter() {
        if !inp.filter.passes(tr) {
            continue;
        }
        let c = t.apply(tr.report.lon, tr.report.lat);
        if !vis.contains(c) {
            continue;
        }
        let color = if tr.dark { theme::DARK } else { theme::IDENTIFIED };
        if st.trails && !tr.trail.is_empty() {
            let faded = color.gamma_multiply(0.45);
            let mut prev: Option<Pos2> = None;
            for p in tr.trail.iter().map(|p| t.apply(p.lon, p.lat)).chain(std::iter::once(c)) {
                if let Some(a) = prev {
                    quad(&mut lines, a, p, 1.0, faded);
                }
                prev = Some(p);
            }
        }
        let ahead = (tr.report.sog_kn * MPS_PER_KNOT * VECTOR_AHEAD_S) as f32 / view.m_per_pt as f32;
        if tr.report.sog_kn > 0.5 {
            let a = (tr.report.cog_deg as f32).to_radians();
            let len = ahead.max(symbol_size(tr.class) + 4.0);
            quad(&mut lines, c, c + vec2(a.sin(), -a.cos()) * len, 1.3, color);
        }
        symbol(&mut lines, c, tr, color);
        shown.push((tr, c));
    }
    if let Some(sel) = inp.selected.and_then(|k| inp.tracks.get(k)) {
        let c = t.apply(sel.report.lon, sel.report.lat);
        draw_covariance(&mut shapes, view, c, sel);
        shapes.push(Shape::circle_stroke(c, 11.0, Stroke::new(2.0, theme::SELECTED)));
    }
    painter.add(Shape::mesh(lines));
    painter.extend(shapes);
    let labelled = if st.labels { draw_labels(painter, rect, &mut shown, inp) } else { 0 };
    (shown.len(), labelled)
}

/// A straight segment `a`–`b` of `width` points as two triangles (no anti-aliasing feather).
fn quad(mesh: &mut Mesh, a: Pos2, b: Pos2, width: f32, color: Color32) {
    let d = b - a;
    let len = d.length();
    if len < 0.5 {
        return;
    }
    let n = vec2(-d.y, d.x) / len * (width / 2.0);
    let i = mesh.vertices.len() as u32;
    for p in [a + n, a - n, b - n, b + n] {
        mesh.colored_vertex(p, color);
    }
    mesh.add_triangle(i, i + 1, i + 2);
    mesh.add_triangle(i, i + 2, i + 3);
}

/// The 2σ error ellipse's semi-axes (m) and the major axis's angle (radians from east,
/// counter-clockwise) of a covariance `[n_n, n_e, e_e]` (m²), as the bus carries it.
pub fn ellipse_2sigma(cov_ne_m2: [f64; 3]) -> Option<(f64, f64, f64)> {
    let [nn, en, ee] = cov_ne_m2;
    if !(ee >= 0.0 && nn >= 0.0 && en.is_finite()) {
        return None;
    }
    // Eigen-decomposition of the symmetric 2×2 matrix [[ee, en], [en, nn]].
    let tr = ee + nn;
    let det = ee * nn - en * en;
    let disc = ((tr * tr / 4.0) - det).max(0.0).sqrt();
    let (l1, l2) = (tr / 2.0 + disc, (tr / 2.0 - disc).max(0.0));
    let theta = 0.5 * (2.0 * en).atan2(ee - nn);
    Some((2.0 * l1.sqrt(), 2.0 * l2.sqrt(), theta))
}

/// The 2σ error ellipse from the covariance, or a circle from `sigma_m`.
fn draw_covariance(shapes: &mut Vec<Shape>, view: &View, c: Pos2, t: &TrackState) {
    let (a, b, angle) = match (t.report.cov_ne_m2.and_then(ellipse_2sigma), t.report.sigma_m) {
        (Some(e), _) => e,
        (_, Some(s)) => (2.0 * s, 2.0 * s, 0.0),
        _ => return,
    };
    let (ra, rb) = (view.pts(a).max(2.0), view.pts(b).max(2.0));
    let pts: Vec<Pos2> = (0..36)
        .map(|i| {
            let u = std::f64::consts::TAU * i as f64 / 36.0;
            let (x, y) = (ra as f64 * u.cos(), rb as f64 * u.sin());
            let (ex, ny) = (x * angle.cos() - y * angle.sin(), x * angle.sin() + y * angle.cos());
            pos2(c.x + ex as f32, c.y - ny as f32)
        })
        .collect();
    shapes.push(Shape::closed_line(pts, Stroke::new(1.0, theme::SELECTED)));
}

/// Labels, most important first, each only where it overlaps no label already placed (a grid of
/// occupied cells makes the test O(cells) per label).
fn draw_labels(painter: &Painter, rect: Rect, shown: &mut [(&TrackState, Pos2)], inp: &MapInputs<'_>) -> usize {
    const CELL: f32 = 8.0;
    const MAX_LABELS: usize = 400;
    let prio = |t: &TrackState| -> (u8, u8, i64) {
        let sel = inp.selected.is_some_and(|k| *k == t.key);
        (
            !sel as u8,
            !inp.alerted.contains(&t.key) as u8,
            -((t.report.sog_kn * 10.0) as i64) + if t.dark { -10_000 } else { 0 },
        )
    };
    shown.sort_by_cached_key(|(t, _)| prio(t));
    let cols = (rect.width() / CELL).ceil() as usize + 1;
    let rows = (rect.height() / CELL).ceil() as usize + 1;
    let mut grid = vec![false; cols * rows];
    let font = FontId::proportional(11.0);
    // Keep the scale bar, cursor readout and attribution readable.
    let reserved = [
        Rect::from_min_max(rect.left_bottom() - vec2(0.0, 76.0), rect.left_bottom() + vec2(230.0, 0.0)),
        Rect::from_min_max(rect.right_bottom() - vec2(200.0, 20.0), rect.right_bottom()),
    ];
    let mut n = 0;
    for (t, c) in shown.iter() {
        if n >= MAX_LABELS {
            break;
        }
        let anchor = *c + vec2(8.0, -14.0);
        if !rect.contains(anchor) {
            continue;
        }
        let (ax, ay) = (((anchor.x - rect.min.x) / CELL) as usize, ((anchor.y - rect.min.y) / CELL) as usize);
        if grid[ay.min(rows - 1) * cols + ax.min(cols - 1)] {
            continue; // the label's first cell is taken: skip without building its text
        }
        let text = t.label();
        let w = 6.2 * text.chars().count() as f32;
        let r = Rect::from_min_size(*c + vec2(8.0, -14.0), vec2(w, 13.0));
        if !rect.contains_rect(r) || reserved.iter().any(|k| k.intersects(r)) {
            continue;
        }
        let (x0, y0) = (((r.min.x - rect.min.x) / CELL) as usize, ((r.min.y - rect.min.y) / CELL) as usize);
        let (x1, y1) = (((r.max.x - rect.min.x) / CELL) as usize, ((r.max.y - rect.min.y) / CELL) as usize);
        let free = (y0..=y1.min(rows - 1)).all(|y| (x0..=x1.min(cols - 1)).all(|x| !grid[y * cols + x]));
        if !free {
            continue;
        }
        for y in y0..=y1.min(rows - 1) {
            for x in x0..=x1.min(cols - 1) {
                grid[y * cols + x] = true;
            }
        }
        let color = if t.dark { theme::DARK } else { Color32::from_gray(220) };
        painter.text(r.left_top(), Align2::LEFT_TOP, text, font.clone(), color);
        n += 1;
    }
    n
}

fn draw_alert_rings(painter: &Painter, rect: Rect, view: &View, inp: &MapInputs<'_>) {
    let flash = (inp.time_s * 3.0).sin() > 0.0;
    for e in inp.alerts.sorted(false).into_iter().take(200) {
        let p = view.to_screen(rect, LatLon::new(e.alert.lat, e.alert.lon));
        if !rect.contains(p) {
            continue;
        }
        let col = theme::severity(e.alert.severity);
        let hot = e.state == super::alerts::AlertState::New && e.alert.severity >= crate::alert::Severity::High;
        let w = if hot && flash { 3.0 } else { 1.5 };
        painter.circle_stroke(p, 16.0, Stroke::new(w, col));
    }
}

fn draw_measure(painter: &Painter, rect: Rect, view: &View, st: &MapState) {
    let Some(a) = st.measure.a else { return };
    let Some(b) = st.measure.b.or(st.cursor) else { return };
    let (pa, pb) = (view.to_screen(rect, a), view.to_screen(rect, b));
    painter.line_segment([pa, pb], Stroke::new(1.5, theme::MEASURE));
    painter.circle_filled(pa, 3.0, theme::MEASURE);
    let d = distance_m(a, b);
    let text = format!("{:.2} nm  {:.2} km  {:05.1}°T", d / METRES_PER_NMI, d / 1000.0, bearing_deg(a, b));
    label_box(painter, pb + vec2(10.0, 10.0), &text);
}

fn label_box(painter: &Painter, at: Pos2, text: &str) {
    let g = painter.layout_no_wrap(text.to_string(), FontId::monospace(12.0), Color32::WHITE);
    let r = Rect::from_min_size(at, g.size()).expand(3.0);
    painter.rect_filled(r, 3.0, Color32::from_black_alpha(200));
    painter.galley(at, g, Color32::WHITE);
}

fn draw_overlays(painter: &Painter, rect: Rect, view: &View, st: &MapState) {
    // Scale bar, bottom-left.
    let len_m = nice_length_m(view.m_per_pt * 160.0);
    let w = view.pts(len_m);
    let base = rect.left_bottom() + vec2(12.0, -14.0);
    let stroke = Stroke::new(2.0, Color32::WHITE);
    painter.line_segment([base, base + vec2(w, 0.0)], stroke);
    painter.line_segment([base, base + vec2(0.0, -6.0)], stroke);
    painter.line_segment([base + vec2(w, 0.0), base + vec2(w, -6.0)], stroke);
    let txt = if len_m >= 1000.0 { format!("{} km", len_m / 1000.0) } else { format!("{len_m} m") };
    painter.text(base + vec2(w / 2.0, -4.0), Align2::CENTER_BOTTOM, txt, FontId::proportional(11.0), Color32::WHITE);
    // Cursor position above it.
    if let Some(c) = st.cursor {
        label_box(painter, rect.left_bottom() + vec2(10.0, -58.0), &format!("{:.5}°N {:.5}°E", c.lat_deg, c.lon_deg));
    }
    if st.measuring {
        label_box(painter, rect.left_top() + vec2(10.0, 10.0), "MEASURE: click two points (M / Esc to end)");
    }
    draw_attribution(painter, rect);
}
