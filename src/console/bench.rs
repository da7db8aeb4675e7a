//! Headless frame time: the whole console (panels, map, tracks, labels) laid out and tessellated
//! by egui on the CPU, without a window or GPU. What it leaves out — uploading and drawing the
//! triangles — is GPU work that is small next to this for a 2-D map.

use std::time::Instant;

use eframe::egui::{self, RawInput, Rect, pos2, vec2};

use super::app::ConsoleApp;
use super::feed::Feed;
use super::synth;

/// Frame-time figures, milliseconds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FrameTimes {
    /// Tracks in the picture.
    pub tracks: usize,
    /// Tracks drawn in the last frame (inside the view, passing the filter).
    pub drawn: usize,
    /// Labels placed in the last frame.
    pub labels: usize,
    /// Frames timed.
    pub frames: usize,
    /// Screen size, points.
    pub size: [f32; 2],
    /// Median frame time (UI + tessellation).
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// Worst.
    pub max_ms: f64,
    /// Frames per second the median allows.
    pub fps_p50: f64,
}

/// Time `frames` frames of the console holding `tracks` synthetic tracks at `size` points.
///
/// # Errors
/// Only if the embedded map fails to load.
pub fn frame_times(tracks: usize, frames: usize, size: [f32; 2]) -> anyhow::Result<FrameTimes> {
    let mut app = ConsoleApp::macau(Feed::None)?;
    for m in synth::picture(tracks, 10, 40, 7) {
        app.ingest(&m);
    }
    let ctx = egui::Context::default();
    let screen = Rect::from_min_size(pos2(0.0, 0.0), vec2(size[0], size[1]));
    let mut times = Vec::with_capacity(frames);
    for i in 0..frames + 3 {
        let mut input = RawInput { screen_rect: Some(screen), ..Default::default() };
        // Move the pointer over the map so the cursor readout and hover paths run too.
        input.events.push(egui::Event::PointerMoved(pos2(size[0] / 2.0 + (i % 50) as f32, size[1] / 2.0)));
        let t = Instant::now();
        let mut out = ctx.run_ui(input, |ui| app.ui(ui));
        // No renderer takes the font atlas here; drop the texture updates deliberately.
        out.textures_delta.clear();
        let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
        std::hint::black_box(prims);
        if i >= 3 {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let q = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    Ok(FrameTimes {
        tracks: app.picture.tracks.len(),
        drawn: app.map.drawn,
        labels: app.map.labelled,
        frames,
        size,
        p50_ms: q(0.5),
        p95_ms: q(0.95),
        max_ms: q(1.0),
        fps_p50: 1000.0 / q(0.5),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn frame_times_run_headless_and_draw_the_tracks() {
        let r = super::frame_times(200, 2, [1366.0, 768.0]).unwrap();
        assert_eq!(r.tracks, 200);
        assert!(r.drawn > 50 && r.labels > 0, "{r:?}");
        assert!(r.p50_ms > 0.0 && r.p50_ms <= r.max_ms);
    }
}
