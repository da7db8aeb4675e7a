//! The thermal scene model: sky, land, sea and boats → one 16-bit radiometric frame.
//!
//! Counts are linear in scene temperature (about 10 mK a count, as on a cooled MWIR or a good
//! LWIR core). Per frame, in this order:
//! - background: sky colder with elevation; distant hills above the horizon and an optional
//!   headland below it, textured, with coast lights (some blinking); sea slightly colder towards
//!   grazing angles, plus wave clutter (plane wave trains in world coordinates, each
//!   attenuated by the pixel's sea footprint, so the texture is streaky near the camera and
//!   smooth near the horizon), whitecaps (short-lived bright streaks lying flat on the water)
//!   and, when the sun is up, glint specks near its bearing;
//! - boats from truth, projected through the calibrated camera: hull, cabin, engine and people
//!   as anti-aliased rectangles sized by range and aspect, a cooler wake behind, all contrasts
//!   attenuated by haze (`exp(-range / visibility)`);
//! - optics blur (a 3×3 binomial, about a 0.7 px Gaussian), then fixed-pattern noise (per pixel
//!   and per column) and temporal noise, quantised to `u16`.
//!
//! Each visible boat gets a [`TargetLabel`] with its exact box, range and bearing.

use calibration::{CalibrationError, CameraModel, HeadAngles, MountedCamera, Pinhole, Pixel, SiteCalibration};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64;
use serde::{Deserialize, Serialize};

use super::truth::TruthRecord;
use crate::geodesy;
use crate::ingest::thermal::Frame16;

/// Sun glint: specks of reflected sunlight near the sun's bearing, just below the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Glint {
    /// True bearing of the sun, degrees.
    pub bearing_deg: f64,
    /// 1-σ spread of the glitter path across bearing, degrees.
    pub spread_deg: f64,
    /// Specks drawn per frame.
    pub specks_per_frame: usize,
    /// Brightest speck, counts.
    pub counts: f32,
}

/// Everything about a scene except the boats; every random choice comes from `seed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SceneConfig {
    /// Seed for the scene (texture, lights, waves, noise).
    pub seed: u64,
    /// Sea radiance, counts.
    pub sea_counts: f32,
    /// How much colder the zenith-ward sky is than the sea, counts.
    pub sky_drop_counts: f32,
    /// How much colder the sea looks at grazing angles (it reflects the sky), counts.
    pub grazing_drop_counts: f32,
    /// Temporal noise σ, counts (NETD).
    pub noise_counts: f32,
    /// Per-pixel fixed-pattern offset σ, counts (after the camera's NUC).
    pub fpn_counts: f32,
    /// Per-column fixed-pattern offset σ, counts.
    pub column_fpn_counts: f32,
    /// Wave clutter amplitude (sum of all trains), counts.
    pub clutter_counts: f32,
    /// New whitecaps per second in view.
    pub whitecaps_per_s: f32,
    /// Peak whitecap contrast, counts.
    pub whitecap_counts: f32,
    /// Whitecaps appear only nearer than this, metres.
    pub whitecap_max_range_m: f64,
    /// Meteorological visibility for contrast loss with range, metres.
    pub visibility_m: f64,
    /// A distant shore with hills above the horizon.
    pub shore: bool,
    /// A headland reaching down into the image from the left edge, below the horizon.
    pub headland: bool,
    /// Coast lights on the land.
    pub lights: usize,
    /// Sun glint, when the sun is up.
    pub glint: Option<Glint>,
    /// Frames per second of the clip (whitecap ages and blinking use it).
    pub fps: f64,
}

impl Default for SceneConfig {
    fn default() -> Self {
        SceneConfig {
            seed: 1,
            sea_counts: 30_000.0,
            sky_drop_counts: 1_500.0,
            grazing_drop_counts: 250.0,
            noise_counts: 4.0,
            fpn_counts: 2.0,
            column_fpn_counts: 2.0,
            clutter_counts: 12.0,
            whitecaps_per_s: 4.0,
            whitecap_counts: 80.0,
            whitecap_max_range_m: 3_000.0,
            visibility_m: 15_000.0,
            shore: true,
            headland: false,
            lights: 25,
            glint: None,
            fps: 25.0,
        }
    }
}

/// A visible boat in one frame, with its exact box: the detector's ground truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetLabel {
    /// Vessel id from truth.
    pub id: String,
    /// Vessel class from truth.
    pub class: String,
    /// Box left column, pixels; the box covers columns `[x, x + w)`.
    pub x: u32,
    /// Box top row, pixels.
    pub y: u32,
    /// Box width, pixels.
    pub w: u32,
    /// Box height, pixels.
    pub h: u32,
    /// Range over the sea from the mast, metres.
    pub range_m: f64,
    /// True bearing from the mast, degrees.
    pub bearing_deg: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Peak contrast over the sea after haze and sub-pixel dilution, counts.
    pub contrast: f32,
}

#[derive(Debug, Clone, Copy)]
struct Wave {
    kx: f32,
    ky: f32,
    omega: f32,
    phase: f32,
    amp: f32,
}

#[derive(Debug, Clone, Copy)]
struct Light {
    x: f32,
    y: f32,
    counts: f32,
    blink_hz: f32,
    phase: f32,
}

#[derive(Debug, Clone, Copy)]
struct Whitecap {
    x: f32,
    y: f32,
    w_px: f32,
    h_px: f32,
    born_s: f64,
    life_s: f64,
    counts: f32,
}

/// Renders frames of one static camera (see the module docs).
#[derive(Debug, Clone)]
pub struct Renderer {
    cfg: SceneConfig,
    camera: MountedCamera<Pinhole>,
    head: HeadAngles,
    width: usize,
    height: usize,
    /// Static background (sky, land, mean sea), counts.
    base: Vec<f32>,
    land: Vec<bool>,
    /// Sea range per pixel, metres (NaN off the sea).
    range_m: Vec<f32>,
    /// Per wave: amplitude and world phase per pixel.
    wave_amp: Vec<Vec<f32>>,
    wave_phase: Vec<Vec<f32>>,
    waves: Vec<Wave>,
    lights: Vec<Light>,
    fpn: Vec<f32>,
    whitecaps: Vec<Whitecap>,
    sea_pixels: Vec<u32>,
    rng: Pcg64,
    scene: Vec<f32>,
    tmp: Vec<f32>,
    last_time_s: Option<f64>,
}

impl Renderer {
    /// A renderer for the camera a calibration describes, with the head at `head`.
    ///
    /// # Errors
    /// As [`SiteCalibration::mounted_camera`].
    pub fn new(calibration: &SiteCalibration, head: HeadAngles, cfg: SceneConfig) -> Result<Renderer, CalibrationError> {
        let camera = calibration.mounted_camera()?;
        let (w, h) = camera.camera().size_px();
        let (width, height) = (w as usize, h as usize);
        let n = width * height;
        let mut rng = Pcg64::seed_from_u64(cfg.seed);
        let dip = camera.sea().horizon_dip_deg();
        // Per-pixel geometry.
        let mut range_m = vec![f32::NAN; n];
        let mut elev = vec![0f32; n];
        let mut bearing = vec![0f32; n];
        for y in 0..height {
            for x in 0..width {
                let d = camera.pixel_to_direction(Pixel::new(x as f64 + 0.5, y as f64 + 0.5), head)?;
                let i = y * width + x;
                elev[i] = d.elevation_deg as f32;
                bearing[i] = d.bearing_deg as f32;
                if let Ok(r) = camera.sea().range_m(-d.elevation_deg) {
                    range_m[i] = r as f32;
                }
            }
        }
        let horizon_row: Vec<f32> = crate::ingest::thermal::calibrated_horizon(&camera, head);
        // Land: distant hills above the horizon, a headland below it at the left.
        let mut land = vec![false; n];
        let mut base = vec![0f32; n];
        let hill_phase: f32 = rng.random_range(0.0..6.28);
        let shore_x0 = (width as f32 * rng.random_range(0.0..0.2)) as usize;
        let shore_x1 = (width as f32 * rng.random_range(0.6..1.0)) as usize;
        for x in 0..width {
            let hr = horizon_row[x];
            let hill = 8.0 + 18.0 * (0.5 + 0.5 * ((x as f32) / 70.0 + hill_phase).sin()) * (0.6 + 0.4 * ((x as f32) / 23.0).sin().abs());
            for y in 0..height {
                let i = y * width + x;
                let yf = y as f32 + 0.5;
                let on_shore = cfg.shore && (shore_x0..shore_x1).contains(&x) && yf < hr && yf >= hr - hill;
                let sea_h = height as f32 - hr;
                let headland_w = if cfg.headland && yf >= hr - 6.0 {
                    let f = ((yf - (hr - 6.0)) / (0.45 * sea_h)).clamp(0.0, 1.0);
                    (width as f32 * 0.2) * (1.0 - f)
                } else {
                    0.0
                };
                let on_headland = (x as f32) < headland_w;
                if on_shore || on_headland {
                    land[i] = true;
                } else if range_m[i].is_nan() {
                    let above = (elev[i] as f64 + dip).max(0.0) as f32;
                    base[i] = cfg.sea_counts - 0.4 * cfg.sky_drop_counts - 0.6 * cfg.sky_drop_counts * (1.0 - (-above / 3.0).exp());
                } else {
                    let below = (-(elev[i] as f64) - dip).max(0.0) as f32;
                    base[i] = cfg.sea_counts - cfg.grazing_drop_counts * (-below / 0.4).exp();
                }
            }
        }
        // Land texture: warm blocks (buildings) on a base a little warmer than the sea.
        let land_base = cfg.sea_counts + 120.0;
        for (i, _) in land.iter().enumerate().filter(|(_, l)| **l) {
            base[i] = land_base;
        }
        for _ in 0..(width * height / 400) {
            let bx = rng.random_range(0..width);
            let by = rng.random_range(0..height);
            let (bw, bh) = (rng.random_range(2..14), rng.random_range(2..8));
            let add = rng.random_range(-60.0..250.0);
            for y in by..(by + bh).min(height) {
                for x in bx..(bx + bw).min(width) {
                    if land[y * width + x] {
                        base[y * width + x] += add;
                    }
                }
            }
        }
        let land_pixels: Vec<usize> = (0..n).filter(|&i| land[i]).collect();
        let lights = if land_pixels.is_empty() {
            Vec::new()
        } else {
            (0..cfg.lights)
                .map(|_| {
                    let i = land_pixels[rng.random_range(0..land_pixels.len())];
                    Light {
                        x: (i % width) as f32 + 0.5,
                        y: (i / width) as f32 + 0.5,
                        counts: rng.random_range(200.0..2500.0),
                        blink_hz: if rng.random_bool(0.2) { rng.random_range(0.5..2.0) } else { 0.0 },
                        phase: rng.random_range(0.0..1.0),
                    }
                })
                .collect()
        };
        // Wave trains: wavelengths 1.5–25 m around a dominant direction.
        let dominant: f32 = rng.random_range(0.0..std::f32::consts::TAU);
        let n_waves = 8;
        let waves: Vec<Wave> = (0..n_waves)
            .map(|_| {
                let lambda: f32 = (1.5f32.ln() + rng.random::<f32>() * (25.0f32 / 1.5).ln()).exp();
                let k = std::f32::consts::TAU / lambda;
                let dir = dominant + rng.random_range(-0.8..0.8);
                Wave {
                    kx: k * dir.sin(),
                    ky: k * dir.cos(),
                    omega: (9.81 * k).sqrt(),
                    phase: rng.random_range(0.0..std::f32::consts::TAU),
                    amp: cfg.clutter_counts / (n_waves as f32).sqrt() * (lambda / 10.0).powf(0.3),
                }
            })
            .collect();
        let rad_px = camera.camera().radians_per_px() as f32;
        let mut wave_amp = vec![vec![0f32; n]; waves.len()];
        let mut wave_phase = vec![vec![0f32; n]; waves.len()];
        for y in 0..height {
            for x in 0..width {
                let i = y * width + x;
                let r = range_m[i];
                if r.is_nan() || land[i] {
                    continue;
                }
                let below = if y + 1 < height { range_m[i + width] } else { f32::NAN };
                let above = if y > 0 { range_m[i - width] } else { f32::NAN };
                let along = if below.is_finite() {
                    (r - below).abs()
                } else if above.is_finite() {
                    (above - r).abs()
                } else {
                    r * rad_px * 20.0
                };
                let cross = r * rad_px;
                let b = (bearing[i] as f64).to_radians() as f32;
                let (e, nn) = (r * b.sin(), r * b.cos());
                for (wi, wv) in waves.iter().enumerate() {
                    // Components of the wave vector along and across the line of sight.
                    let kr = wv.kx * b.sin() + wv.ky * b.cos();
                    let kc = wv.kx * b.cos() - wv.ky * b.sin();
                    let att = (-((kr * along).powi(2) + (kc * cross).powi(2)) / 8.0).exp();
                    wave_amp[wi][i] = wv.amp * att;
                    wave_phase[wi][i] = (wv.kx * e + wv.ky * nn).rem_euclid(std::f32::consts::TAU * 64.0);
                }
            }
        }
        // Fixed pattern: per pixel and per column.
        let normal = Normal::new(0.0f32, 1.0).expect("unit normal is valid");
        let columns: Vec<f32> = (0..width).map(|_| normal.sample(&mut rng) * cfg.column_fpn_counts).collect();
        let fpn: Vec<f32> = (0..n).map(|i| normal.sample(&mut rng) * cfg.fpn_counts + columns[i % width]).collect();
        let sea_pixels: Vec<u32> = (0..n)
            .filter(|&i| !land[i] && range_m[i].is_finite() && f64::from(range_m[i]) < cfg.whitecap_max_range_m)
            .map(|i| i as u32)
            .collect();
        Ok(Renderer {
            cfg,
            camera,
            head,
            width,
            height,
            base,
            land,
            range_m,
            wave_amp,
            wave_phase,
            waves,
            lights,
            fpn,
            whitecaps: Vec::new(),
            sea_pixels,
            rng,
            scene: vec![0.0; n],
            tmp: vec![0.0; n],
            last_time_s: None,
        })
    }

    /// Image size, pixels.
    pub fn size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// The mounted camera frames are rendered through.
    pub fn camera(&self) -> &MountedCamera<Pinhole> {
        &self.camera
    }

    /// Renders the scene at `time_s` with `vessels` (truth interpolated to that time) into
    /// `frame` (resized as needed), appending a label per visible vessel to `labels`.
    pub fn render(&mut self, time_s: f64, vessels: &[TruthRecord], frame: &mut Frame16, labels: &mut Vec<TargetLabel>) {
        let (w, h) = (self.width, self.height);
        let t = time_s as f32;
        // Background with waves.
        self.scene.copy_from_slice(&self.base);
        for (wi, wv) in self.waves.iter().enumerate() {
            let wt = wv.omega * t - wv.phase;
            for ((s, &a), &p) in self.scene.iter_mut().zip(&self.wave_amp[wi]).zip(&self.wave_phase[wi]) {
                if a > 0.05 {
                    *s += a * (p - wt).cos();
                }
            }
        }
        self.whitecaps_step(time_s);
        for wc in &self.whitecaps {
            let age = ((time_s - wc.born_s) / wc.life_s).clamp(0.0, 1.0);
            let v = wc.counts * (std::f64::consts::PI * age).sin() as f32;
            add_rect(&mut self.scene, w, h, wc.x - wc.w_px / 2.0, wc.y - wc.h_px / 2.0, wc.x + wc.w_px / 2.0, wc.y + wc.h_px / 2.0, v);
        }
        if let Some(g) = self.cfg.glint {
            self.glint(g);
        }
        for l in &self.lights {
            let on = l.blink_hz == 0.0 || ((t * l.blink_hz + l.phase).fract() < 0.5);
            if on {
                add_rect(&mut self.scene, w, h, l.x - 0.6, l.y - 0.6, l.x + 0.6, l.y + 0.6, l.counts);
            }
        }
        for v in vessels {
            if let Some(label) = self.draw_vessel(v, time_s) {
                labels.push(label);
            }
        }
        // Optics blur: separable [1 2 1] / 4.
        blur3(&self.scene, &mut self.tmp, w, h);
        // Sensor noise.
        frame.width = w;
        frame.height = h;
        frame.data.resize(w * h, 0);
        let normal = Normal::new(0.0f32, self.cfg.noise_counts.max(0.0)).unwrap_or_else(|_| Normal::new(0.0, 0.0).expect("zero σ is valid"));
        for ((o, &s), &f) in frame.data.iter_mut().zip(&self.tmp).zip(&self.fpn) {
            let v = s + f + normal.sample(&mut self.rng);
            *o = v.round().clamp(0.0, 65_535.0) as u16;
        }
        self.last_time_s = Some(time_s);
    }

    fn whitecaps_step(&mut self, time_s: f64) {
        let dt = match self.last_time_s {
            Some(t0) if time_s > t0 => time_s - t0,
            _ => 1.0 / self.cfg.fps,
        };
        self.whitecaps.retain(|wc| time_s - wc.born_s < wc.life_s);
        if self.sea_pixels.is_empty() {
            return;
        }
        let expected = f64::from(self.cfg.whitecaps_per_s) * dt;
        let mut births = expected.floor() as usize;
        if self.rng.random::<f64>() < expected.fract() {
            births += 1;
        }
        let f = self.camera.camera().focal_px() as f32;
        for _ in 0..births {
            let i = self.sea_pixels[self.rng.random_range(0..self.sea_pixels.len())] as usize;
            let r = self.range_m[i];
            let (x, y) = ((i % self.width) as f32 + 0.5, (i / self.width) as f32 + 0.5);
            let len_m: f32 = self.rng.random_range(0.8..5.0);
            let depth_m: f32 = self.rng.random_range(0.3..1.5);
            let dep = (self.camera.pose().mast_height_m as f32 / r).atan();
            self.whitecaps.push(Whitecap {
                x,
                y,
                w_px: (len_m * f / r).max(0.3),
                h_px: (depth_m * dep.sin() * f / r).max(0.3),
                born_s: time_s,
                life_s: self.rng.random_range(0.3..1.5),
                counts: self.cfg.whitecap_counts * self.rng.random_range(0.3..1.0f32),
            });
        }
    }

    fn glint(&mut self, g: Glint) {
        let dip = self.camera.sea().horizon_dip_deg();
        let normal = Normal::new(0.0, g.spread_deg.max(1e-3)).expect("positive σ");
        for _ in 0..g.specks_per_frame {
            let bearing = g.bearing_deg + normal.sample(&mut self.rng);
            let below: f64 = -self.rng.random::<f64>().ln() * 0.4;
            let dir = calibration::Direction { bearing_deg: bearing.rem_euclid(360.0), elevation_deg: -dip - below };
            let Ok(p) = self.camera.direction_to_pixel(dir, self.head) else { continue };
            let v = g.counts * self.rng.random::<f32>().powi(3);
            add_rect(&mut self.scene, self.width, self.height, p.x as f32 - 0.5, p.y as f32 - 0.5, p.x as f32 + 0.5, p.y as f32 + 0.5, v);
        }
    }

    /// Draws one vessel; returns its label when it is in view and not behind land.
    fn draw_vessel(&mut self, v: &TruthRecord, time_s: f64) -> Option<TargetLabel> {
        let _ = time_s;
        let pose = *self.camera.pose();
        let site = geodesy::LatLon::new(pose.lat, pose.lon);
        let here = geodesy::LatLon::new(v.lat, v.lon);
        let range = geodesy::distance_m(site, here);
        let bearing = geodesy::bearing_deg(site, here);
        let p = self.camera.sea_point_to_pixel(bearing, range, self.head).ok()?;
        let (w, h) = (self.width, self.height);
        let (u, vv) = (p.x as f32, p.y as f32);
        if !(u > -60.0 && u < w as f32 + 60.0 && vv > 0.0 && vv < h as f32 + 40.0) {
            return None;
        }
        let (ui, vi) = (u.floor() as isize, (vv - 0.5).floor() as isize);
        if ui >= 0 && (ui as usize) < w && vi >= 0 && (vi as usize) < h && self.land[vi as usize * w + ui as usize] {
            return None; // behind the headland
        }
        let f = self.camera.camera().focal_px() as f32;
        let ppm = f / range as f32;
        let length = v.length_or_typical_m() as f32;
        let beam = (length / 3.2).max(1.2);
        let aspect = (v.cog_deg - bearing).to_radians() as f32;
        let (sa, ca) = (aspect.sin(), aspect.cos());
        let dep = (pose.mast_height_m as f32 / range as f32).atan();
        let freeboard = (0.1 * length).clamp(0.6, 4.0);
        let cabin_h = (0.12 * length).clamp(0.9, 6.0);
        let deck = (length * ca.abs() + beam * sa.abs()) * dep.sin();
        let hull_w = (length * sa.abs() + beam * ca.abs()) * ppm;
        let hull_h = (freeboard + deck) * ppm;
        // Per-vessel heat and crew, stable for its id.
        let hash = v.id.bytes().fold(1469598103934665603u64, |a, b| (a ^ u64::from(b)).wrapping_mul(1099511628211));
        let heat = 0.6 + (hash % 1000) as f32 / 1250.0;
        let crew = (hash / 1000 % 4) as usize;
        let class = v.class.to_ascii_lowercase();
        let (hull_c, cabin_c, engine_c, outboard) = if class.contains("ferry") || length > 30.0 {
            (150.0, 300.0, 500.0, false)
        } else if class.contains("fish") {
            (100.0, 250.0, 600.0, false)
        } else {
            (110.0, 180.0, 900.0, true)
        };
        let tau = (-(range / self.cfg.visibility_m)).exp() as f32;
        let k = heat * tau;
        let mut rects: Vec<([f32; 4], f32)> = Vec::with_capacity(8);
        rects.push(([u - hull_w / 2.0, vv - hull_h, u + hull_w / 2.0, vv], hull_c * k));
        let cabin_len = 0.35 * length;
        let cx = u + 0.1 * length * sa * ppm;
        let cabin_w = (cabin_len * sa.abs() + 0.8 * beam * ca.abs()) * ppm;
        rects.push(([cx - cabin_w / 2.0, vv - hull_h - cabin_h * ppm, cx + cabin_w / 2.0, vv - hull_h], cabin_c * k));
        let stern_x = u - 0.5 * length * sa * ppm;
        if outboard {
            rects.push(([stern_x - 0.35 * ppm, vv - 0.9 * ppm - deck * ppm, stern_x + 0.35 * ppm, vv - 0.1 * ppm], engine_c * k));
        } else {
            // Exhaust stack on the cabin.
            rects.push(([cx - 0.3 * ppm, vv - hull_h - (cabin_h + 1.2) * ppm, cx + 0.3 * ppm, vv - hull_h - cabin_h * ppm], engine_c * k));
        }
        for c in 0..crew {
            let along = (c as f32 - 1.0) * 0.22 * length;
            let px = u + along * sa * ppm;
            rects.push(([px - 0.25 * ppm, vv - hull_h - 0.9 * ppm, px + 0.25 * ppm, vv - hull_h], 350.0 * k));
        }
        // Wake: a cooler trail on the water behind the stern.
        if v.sog_kn > 3.0 {
            let wake_len = 2.0 + 1.5 * v.sog_kn as f32;
            let b = bearing.to_radians();
            let (e0, n0) = ((range * b.sin()) as f32, (range * b.cos()) as f32);
            let back = (v.cog_deg + 180.0).to_radians() as f32;
            let (de, dn) = (back.sin(), back.cos());
            let steps = 24;
            for s in 0..steps {
                let d = length / 2.0 + wake_len * s as f32 / steps as f32;
                let (e, n) = (e0 + d * de, n0 + d * dn);
                let (r, brg) = ((e.hypot(n)) as f64, (e.atan2(n) as f64).to_degrees().rem_euclid(360.0));
                if let Ok(q) = self.camera.sea_point_to_pixel(brg, r, self.head) {
                    let width_m = 0.8 * beam + 0.1 * d;
                    let ww = (width_m * ppm).max(0.5);
                    let fade = 1.0 - s as f32 / steps as f32;
                    let (qx, qy) = (q.x as f32, q.y as f32);
                    add_rect(&mut self.scene, w, h, qx - ww / 2.0, qy - 0.6, qx + ww / 2.0, qy, 0.18 * hull_c * k * fade);
                }
            }
        }
        let mut bx = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
        let mut peak = 0.0f32;
        for (r, c) in &rects {
            add_rect(&mut self.scene, w, h, r[0], r[1], r[2], r[3], *c);
            bx = [bx[0].min(r[0]), bx[1].min(r[1]), bx[2].max(r[2]), bx[3].max(r[3])];
            let fill = (r[2] - r[0]).min(1.0) * (r[3] - r[1]).min(1.0);
            peak = peak.max(c * fill);
        }
        // The box holds every pixel at least a quarter covered.
        let x0 = (bx[0] + 0.25).floor().max(0.0);
        let y0 = (bx[1] + 0.25).floor().max(0.0);
        let x1 = (bx[2] - 0.25).ceil().min(w as f32);
        let y1 = (bx[3] - 0.25).ceil().min(h as f32);
        let (x1, y1) = (x1.max(x0 + 1.0), y1.max(y0 + 1.0));
        if x0 >= w as f32 || y0 >= h as f32 || x1 <= 0.0 || y1 <= 0.0 {
            return None;
        }
        Some(TargetLabel {
            id: v.id.clone(),
            class: v.class.clone(),
            x: x0 as u32,
            y: y0 as u32,
            w: (x1 - x0) as u32,
            h: (y1 - y0) as u32,
            range_m: range,
            bearing_deg: bearing,
            lat: v.lat,
            lon: v.lon,
            contrast: peak,
        })
    }
}

/// Adds `value` × coverage to every pixel the rectangle `[x0, x1) × [y0, y1)` touches.
#[allow(clippy::too_many_arguments)]
fn add_rect(scene: &mut [f32], w: usize, h: usize, x0: f32, y0: f32, x1: f32, y1: f32, value: f32) {
    if !(x1 > x0 && y1 > y0) || x1 <= 0.0 || y1 <= 0.0 || x0 >= w as f32 || y0 >= h as f32 {
        return;
    }
    let (cx0, cx1) = (x0.max(0.0).floor() as usize, (x1.ceil() as usize).min(w));
    let (cy0, cy1) = (y0.max(0.0).floor() as usize, (y1.ceil() as usize).min(h));
    for y in cy0..cy1 {
        let cov_y = (y1.min(y as f32 + 1.0) - y0.max(y as f32)).max(0.0);
        for x in cx0..cx1 {
            let cov_x = (x1.min(x as f32 + 1.0) - x0.max(x as f32)).max(0.0);
            scene[y * w + x] += value * cov_x * cov_y;
        }
    }
}

/// Separable 3×3 binomial blur, borders clamped.
fn blur3(src: &[f32], dst: &mut [f32], w: usize, h: usize) {
    let mut row = vec![0f32; w];
    for y in 0..h {
        let a = &src[y.saturating_sub(1) * w..][..w];
        let b = &src[y * w..][..w];
        let c = &src[(y + 1).min(h - 1) * w..][..w];
        for x in 0..w {
            row[x] = 0.25 * a[x] + 0.5 * b[x] + 0.25 * c[x];
        }
        let out = &mut dst[y * w..(y + 1) * w];
        for x in 0..w {
            let l = row[x.saturating_sub(1)];
            let r = row[(x + 1).min(w - 1)];
            out[x] = 0.25 * l + 0.5 * row[x] + 0.25 * r;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calibration() -> SiteCalibration {
        SiteCalibration::from_toml_str(
            "[pose]\nlat = 22.19\nlon = 113.56\nmast_height_m = 25.0\nheading_offset_deg = 150.0\n\
             tilt_offset_deg = -1.0\n[camera]\nwidth_px = 320\nheight_px = 256\nhfov_deg = 6.0\n",
        )
        .unwrap()
    }

    fn boat_at(cal: &SiteCalibration, bearing: f64, range: f64) -> TruthRecord {
        let (lat, lon) = geodesy::destination(cal.pose.lat, cal.pose.lon, bearing, range);
        TruthRecord { time: 0.0, id: "b".into(), lat, lon, sog_kn: 0.0, cog_deg: 60.0, class: "speedboat".into(), length_m: Some(8.0) }
    }

    #[test]
    fn a_boat_is_labelled_where_the_camera_projects_it() {
        let cal = calibration();
        let mut r = Renderer::new(&cal, HeadAngles::default(), SceneConfig { seed: 3, ..Default::default() }).unwrap();
        let boat = boat_at(&cal, 150.5, 1_500.0);
        let (mut frame, mut labels) = (Frame16::filled(1, 1, 0), Vec::new());
        r.render(0.0, &[boat], &mut frame, &mut labels);
        assert_eq!(labels.len(), 1);
        let l = &labels[0];
        let p = r.camera().sea_point_to_pixel(l.bearing_deg, l.range_m, HeadAngles::default()).unwrap();
        assert!((f64::from(l.y + l.h) - p.y).abs() <= 1.0, "{l:?} vs {p:?}");
        assert!(f64::from(l.x) <= p.x && p.x <= f64::from(l.x + l.w));
        // The boat is warmer than the sea around it.
        let at = |x: u32, y: u32| f32::from(frame.data[y as usize * 320 + x as usize]);
        assert!(at(l.x + l.w / 2, l.y + l.h - 1) > at(l.x + l.w / 2, l.y + l.h + 6) + 20.0);
        assert_eq!((frame.width, frame.height), (320, 256));
    }

    #[test]
    fn is_deterministic_for_a_seed() {
        let cal = calibration();
        let cfg = SceneConfig { seed: 9, glint: Some(Glint { bearing_deg: 150.0, spread_deg: 1.0, specks_per_frame: 20, counts: 500.0 }), ..Default::default() };
        let mut a = Renderer::new(&cal, HeadAngles::default(), cfg.clone()).unwrap();
        let mut b = Renderer::new(&cal, HeadAngles::default(), cfg).unwrap();
        let (mut fa, mut fb, mut l) = (Frame16::filled(1, 1, 0), Frame16::filled(1, 1, 0), Vec::new());
        for i in 0..3 {
            a.render(f64::from(i) * 0.04, &[], &mut fa, &mut l);
            b.render(f64::from(i) * 0.04, &[], &mut fb, &mut l);
        }
        assert_eq!(fa, fb);
    }

    #[test]
    fn a_boat_behind_the_horizon_is_not_labelled() {
        let cal = calibration();
        let mut r = Renderer::new(&cal, HeadAngles::default(), SceneConfig::default()).unwrap();
        let (mut frame, mut labels) = (Frame16::filled(1, 1, 0), Vec::new());
        r.render(0.0, &[boat_at(&cal, 150.0, 40_000.0)], &mut frame, &mut labels);
        assert!(labels.is_empty());
    }
}
