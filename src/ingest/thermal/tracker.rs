//! The image-plane tracker: detections frame to frame → steady boxes at a few hertz.
//!
//! A detector sees each frame alone, so its boxes jitter and a whitecap can pass for a boat for a
//! frame or two. [`ImageTracker`] associates blobs with tracks in pixel space (greedy nearest
//! centre inside a gate that grows with the box), smooths each box with an α-β filter, confirms a
//! track after `confirm_hits` hits and drops it after `max_misses` misses. Confirmed tracks are
//! reported at most every `report_interval_s`, which is what the main tracker wants from an IR
//! camera running at 25–60 frames a second.
//!
//! # References
//! α-β tracking: T. R. Benedict and G. W. Bordner, "Synthesis of an optimal set of radar
//! track-while-scan smoothing equations", *IRE Trans. Automatic Control* 7(4), 1962.

use super::detector::Blob;

/// Settings of [`ImageTracker`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageTrackerConfig {
    /// Gate on the centre distance, pixels, added to half the box diagonal.
    pub gate_px: f32,
    /// Position gain of the α-β filter (0..1): higher follows the detector more closely.
    pub alpha: f32,
    /// Velocity gain of the α-β filter.
    pub beta: f32,
    /// Gain for the box size (sizes change slowly; a low gain calms the jitter).
    pub size_gain: f32,
    /// Hits before a track is confirmed and reported.
    pub confirm_hits: u32,
    /// Consecutive misses after which a track is dropped.
    pub max_misses: u32,
    /// Shortest time between two reports of one track, seconds.
    pub report_interval_s: f64,
}

impl Default for ImageTrackerConfig {
    fn default() -> Self {
        ImageTrackerConfig {
            gate_px: 8.0,
            alpha: 0.5,
            beta: 0.1,
            size_gain: 0.3,
            confirm_hits: 3,
            max_misses: 5,
            report_interval_s: 0.25,
        }
    }
}

/// One object followed across frames, in pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageTrack {
    /// Stable id for the life of the tracker.
    pub id: u64,
    /// Smoothed box centre, pixels.
    pub centre: (f32, f32),
    /// Centre velocity, pixels per second.
    pub velocity: (f32, f32),
    /// Smoothed box size (width, height), pixels.
    pub size: (f32, f32),
    /// Hits so far.
    pub hits: u32,
    /// Consecutive misses.
    pub misses: u32,
    /// Time of the last update, seconds.
    pub last_time_s: f64,
    /// Time of the last report, seconds (`-∞` before the first).
    pub last_report_s: f64,
    /// The last associated blob, for its score, contrast and class.
    pub last_blob: Blob,
}

impl ImageTrack {
    /// Whether the track has been seen often enough to report.
    pub fn confirmed(&self, config: &ImageTrackerConfig) -> bool {
        self.hits >= config.confirm_hits
    }

    /// The smoothed box as a blob (score, class and contrast of the last hit), for geolocation.
    pub fn blob(&self) -> Blob {
        let w = self.size.0.max(1.0);
        let h = self.size.1.max(1.0);
        Blob {
            x: (self.centre.0 - w / 2.0).round().max(0.0) as u32,
            y: (self.centre.1 - h / 2.0).round().max(0.0) as u32,
            w: w.round() as u32,
            h: h.round() as u32,
            ..self.last_blob
        }
    }
}

/// Frame-to-frame association and smoothing of detector blobs (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct ImageTracker {
    config: ImageTrackerConfig,
    tracks: Vec<ImageTrack>,
    next_id: u64,
    pairs: Vec<(f32, usize, usize)>,
    used: Vec<bool>,
}

impl ImageTracker {
    /// A tracker with `config` and no tracks.
    pub fn new(config: ImageTrackerConfig) -> ImageTracker {
        ImageTracker { config, ..Default::default() }
    }

    /// The live tracks, confirmed or not.
    pub fn tracks(&self) -> &[ImageTrack] {
        &self.tracks
    }

    /// Folds in one frame's blobs taken at `time_s`: predict, associate, update or miss, drop
    /// stale tracks, start tracks from unused blobs.
    pub fn update(&mut self, time_s: f64, blobs: &[Blob]) {
        let cfg = self.config;
        // Predict every track to this frame.
        for t in &mut self.tracks {
            let dt = (time_s - t.last_time_s).max(0.0) as f32;
            t.centre.0 += t.velocity.0 * dt;
            t.centre.1 += t.velocity.1 * dt;
        }
        // Greedy nearest-centre association inside each pair's gate.
        self.pairs.clear();
        for (ti, t) in self.tracks.iter().enumerate() {
            for (bi, b) in blobs.iter().enumerate() {
                let (bx, by) = b.centre();
                let d = ((bx as f32 - t.centre.0).powi(2) + (by as f32 - t.centre.1).powi(2)).sqrt();
                let gate = cfg.gate_px + 0.5 * (t.size.0.hypot(t.size.1)).max((b.w as f32).hypot(b.h as f32));
                if d <= gate {
                    self.pairs.push((d, ti, bi));
                }
            }
        }
        self.pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        self.used.clear();
        self.used.resize(blobs.len(), false);
        let mut updated = vec![false; self.tracks.len()];
        for &(_, ti, bi) in &self.pairs {
            if updated[ti] || self.used[bi] {
                continue;
            }
            updated[ti] = true;
            self.used[bi] = true;
            let t = &mut self.tracks[ti];
            let b = &blobs[bi];
            let (bx, by) = b.centre();
            let dt = (time_s - t.last_time_s).max(1e-3) as f32;
            let (rx, ry) = (bx as f32 - t.centre.0, by as f32 - t.centre.1);
            t.centre.0 += cfg.alpha * rx;
            t.centre.1 += cfg.alpha * ry;
            t.velocity.0 += cfg.beta * rx / dt;
            t.velocity.1 += cfg.beta * ry / dt;
            t.size.0 += cfg.size_gain * (b.w as f32 - t.size.0);
            t.size.1 += cfg.size_gain * (b.h as f32 - t.size.1);
            t.hits += 1;
            t.misses = 0;
            t.last_time_s = time_s;
            t.last_blob = *b;
        }
        for (t, hit) in self.tracks.iter_mut().zip(&updated) {
            if !hit {
                t.misses += 1;
            }
        }
        self.tracks.retain(|t| t.misses <= cfg.max_misses);
        for (b, used) in blobs.iter().zip(&self.used) {
            if *used {
                continue;
            }
            let (bx, by) = b.centre();
            self.next_id += 1;
            self.tracks.push(ImageTrack {
                id: self.next_id,
                centre: (bx as f32, by as f32),
                velocity: (0.0, 0.0),
                size: (b.w as f32, b.h as f32),
                hits: 1,
                misses: 0,
                last_time_s: time_s,
                last_report_s: f64::NEG_INFINITY,
                last_blob: *b,
            });
        }
    }

    /// Appends to `out` the confirmed tracks hit in the frame at `time_s` whose last report is
    /// at least `report_interval_s` old, and marks them reported: the few-hertz feed for the
    /// main tracker.
    pub fn due_reports(&mut self, time_s: f64, out: &mut Vec<ImageTrack>) {
        let cfg = self.config;
        for t in &mut self.tracks {
            if t.confirmed(&cfg) && t.misses == 0 && time_s - t.last_report_s >= cfg.report_interval_s - 1e-9 {
                t.last_report_s = time_s;
                out.push(t.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(x: u32, y: u32) -> Blob {
        Blob { x, y, w: 6, h: 4, score: 0.9, class_id: 0, contrast: 100.0, snr: 20.0 }
    }

    #[test]
    fn confirms_a_steady_target_and_reports_it_at_the_interval() {
        let mut t = ImageTracker::new(ImageTrackerConfig::default());
        let mut reports = Vec::new();
        for i in 0..30 {
            let time = f64::from(i) / 30.0;
            t.update(time, &[blob(100 + i as u32 / 3, 50)]);
            t.due_reports(time, &mut reports);
        }
        assert_eq!(t.tracks().len(), 1);
        assert!(reports.iter().all(|r| r.id == reports[0].id));
        // 0.9 s after confirmation at frame 2, one report every 0.25 s: 4 of them.
        assert_eq!(reports.len(), 4, "{}", reports.len());
        let b = reports.last().unwrap().blob();
        assert!(b.x.abs_diff(106) <= 2 && b.w == 6, "{b:?}");
    }

    #[test]
    fn a_one_frame_flash_never_reports() {
        let mut t = ImageTracker::new(ImageTrackerConfig::default());
        let mut reports = Vec::new();
        t.update(0.0, &[blob(10, 10)]);
        for i in 1..10 {
            t.update(f64::from(i) * 0.04, &[]);
            t.due_reports(f64::from(i) * 0.04, &mut reports);
        }
        assert!(reports.is_empty());
        assert!(t.tracks().is_empty());
    }

    #[test]
    fn keeps_two_crossing_free_targets_apart() {
        let mut t = ImageTracker::new(ImageTrackerConfig::default());
        for i in 0..10 {
            t.update(f64::from(i) * 0.04, &[blob(50, 50), blob(200, 80)]);
        }
        let ids: Vec<u64> = t.tracks().iter().map(|x| x.id).collect();
        assert_eq!(ids, vec![1, 2]);
    }
}
