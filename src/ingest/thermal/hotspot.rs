//! The classical detector: small hot objects on sea clutter, no model file needed.
//!
//! Per frame, in four passes over the image (all scratch buffers kept between frames):
//! 1. a 3×3 binomial smoothing (close to the optics' blur, so a matched filter for small
//!    targets) that also sums row means per vertical strip for the horizon;
//! 2. the sea mask: horizon and land per column ([`SeaTopEstimator`], or a calibrated horizon);
//! 3. a white top-hat with a horizontal line: the image minus its grey opening by a
//!    `background_width_px`-long segment. Anything hot and narrower than the segment stands out;
//!    the horizon, land, long wave crests and the sea's vertical gradient do not;
//! 4. column destriping (residual fixed-pattern noise shows as 1-pixel columns), a CFAR
//!    threshold per tile (mean + k·σ of the residual, σ re-estimated with outliers clipped),
//!    runs → connected components (merging parts closer than a small gap, so hull, cabin,
//!    people and engine make one object), then each box is shrunk to the pixels above a
//!    fraction of its peak (dropping the cooler wake), and size and shape gates.
//!
//! # References
//! Top-hat for small IR targets: V. T. Tom et al., "Morphology-based algorithm for point target
//! detection in infrared backgrounds", *Proc. SPIE* 1954, 1993. Cell-averaging CFAR:
//! H. M. Finn and R. S. Johnson, *RCA Review* 29, 1968. Sparse-table running minimum:
//! J. Gil and M. Werman, *IEEE TPAMI* 15(5), 1993 (same O(log w) per pixel idea).

use super::detector::{Blob, Detector};
use super::frame::{FrameView, Pixels};
use super::horizon::{STRIP_WIDTH_PX, SeaTopEstimator};

/// Where the sea begins in the image, for masking sky and land.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum HorizonSource {
    /// Found in each frame from the image (DESIGN: without a calibration).
    #[default]
    FromImage,
    /// The horizon row per column, from a calibration ([`super::horizon::calibrated_horizon`]);
    /// land below it is still found in the image.
    Calibrated(Vec<f32>),
    /// The whole frame is sea (tests, a camera looking straight down).
    None,
}

/// Settings of [`HotSpot`]; the defaults suit a 640×512 long-range thermal camera.
#[derive(Debug, Clone, PartialEq)]
pub struct HotSpotConfig {
    /// Length of the horizontal segment the background is opened with, pixels (odd). Objects
    /// narrower than this are detected whole; wider ones (ferries at short range) only in part.
    pub background_width_px: usize,
    /// Smooth with a 3×3 binomial first (on: better for blurred targets of 2 px and more).
    pub smooth: bool,
    /// Neighbourhood whose median clutter statistics set a pixel's threshold, pixels (width,
    /// height); built from 16×8 cells.
    pub tile_px: (usize, usize),
    /// Threshold in local standard deviations of the residual (the CFAR factor).
    pub threshold_sigma: f32,
    /// Stricter threshold for objects of at most 2 pixels above threshold, where single noise
    /// spikes live.
    pub small_blob_sigma: f32,
    /// Parts closer than this gap (columns, rows) join one object.
    pub merge_gap_px: (u32, u32),
    /// A box keeps only pixels at least this fraction of the object's peak contrast (the wake
    /// and the smoothing halo fall below it).
    pub part_fraction: f32,
    /// Largest box accepted, pixels (width, height).
    pub max_size_px: (u32, u32),
    /// Boxes at most `streak_max_height_px` tall and wider than `streak_aspect` times their
    /// height are whitecap or glint streaks lying flat on the water, not boats.
    pub streak_aspect: f32,
    /// See `streak_aspect`.
    pub streak_max_height_px: u32,
    /// A boat's cabin may rise this far above the sea's top row, pixels; its waterline may not.
    pub above_horizon_px: usize,
    /// A box's bottom edge (`y + h`) must lie at least this many rows below the first sea row. Blur
    /// spreads a light on the shore a row or two onto the water; a boat that close to the
    /// horizon is beyond ~12 km on a 25 m mast, where it covers a pixel or two anyway.
    pub waterline_below_px: u32,
    /// Where the sea begins.
    pub horizon: HorizonSource,
    /// Also look for land below the horizon in the image.
    pub find_land: bool,
    /// At most this many blobs per frame, highest score first (a flooded frame must not flood
    /// the tracker).
    pub max_blobs: usize,
}

impl Default for HotSpotConfig {
    fn default() -> Self {
        HotSpotConfig {
            background_width_px: 49,
            smooth: true,
            tile_px: (80, 24),
            threshold_sigma: 5.0,
            small_blob_sigma: 7.0,
            merge_gap_px: (3, 2),
            part_fraction: 0.3,
            max_size_px: (48, 40),
            streak_aspect: 5.0,
            streak_max_height_px: 3,
            above_horizon_px: 12,
            waterline_below_px: 2,
            horizon: HorizonSource::FromImage,
            find_land: true,
            max_blobs: 64,
        }
    }
}

/// One horizontal run of above-threshold pixels.
#[derive(Debug, Clone, Copy)]
struct Run {
    y: u32,
    x0: u32,
    x1: u32,
    /// Union-find parent (index into the run list).
    parent: u32,
}

/// Per-object accumulator over its runs.
#[derive(Debug, Clone, Copy)]
struct Component {
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
    pixels: u32,
}

/// CFAR statistics of one tile: the residual's mean and standard deviation.
#[derive(Debug, Clone, Copy, Default)]
struct TileStats {
    mean: f32,
    sigma: f32,
}

/// The classical hot-spot detector (see the module docs for the method).
///
/// # Examples
/// ```
/// use seawarden::ingest::thermal::{Detector, Frame16, HotSpot, HotSpotConfig, HorizonSource};
///
/// let mut frame = Frame16::filled(160, 120, 1000);
/// for (i, v) in frame.data.iter_mut().enumerate() {
///     *v += ((i * 7919) % 13) as u16; // a little texture so the noise is not zero
/// }
/// for y in 60..64 {
///     for x in 80..86 {
///         frame.data[y * 160 + x] += 200; // a warm 6×4 boat
///     }
/// }
/// let mut detector = HotSpot::new(HotSpotConfig { horizon: HorizonSource::None, ..Default::default() });
/// let mut blobs = Vec::new();
/// detector.detect(&frame.view(), &mut blobs);
/// assert_eq!(blobs.len(), 1);
/// assert!(blobs[0].x.abs_diff(80) <= 1 && blobs[0].w.abs_diff(6) <= 2);
/// ```
#[derive(Debug, Clone)]
pub struct HotSpot {
    config: HotSpotConfig,
    classes: Vec<String>,
    horizon_estimator: SeaTopEstimator,
    width: usize,
    height: usize,
    /// The frame widened to u16 when it cannot be borrowed (8-bit, padded rows).
    src: Vec<u16>,
    smooth: Vec<u16>,
    residual: Vec<u16>,
    sums: Vec<u32>,
    strip_sums: Vec<f64>,
    strip_means: Vec<f32>,
    sea_top: Vec<u16>,
    col_sum: Vec<u64>,
    col_n: Vec<u32>,
    col_offset: Vec<i32>,
    tiles: Vec<TileStats>,
    moments: Vec<(i64, i64, u32)>,
    limit_row: Vec<u16>,
    ping: Vec<u16>,
    pong: Vec<u16>,
    runs: Vec<Run>,
    components: Vec<Component>,
    scratch_blobs: Vec<Blob>,
    /// Multiplier applied when widening 8-bit input, so smoothing keeps sub-grey-level detail.
    scale: f32,
}

impl HotSpot {
    /// A detector with `config`; buffers are sized on the first frame and reused.
    pub fn new(config: HotSpotConfig) -> HotSpot {
        HotSpot {
            config,
            classes: vec!["hot_spot".to_owned()],
            horizon_estimator: SeaTopEstimator::default(),
            width: 0,
            height: 0,
            src: Vec::new(),
            smooth: Vec::new(),
            residual: Vec::new(),
            sums: Vec::new(),
            strip_sums: Vec::new(),
            strip_means: Vec::new(),
            sea_top: Vec::new(),
            col_sum: Vec::new(),
            col_n: Vec::new(),
            col_offset: Vec::new(),
            tiles: Vec::new(),
            moments: Vec::new(),
            limit_row: Vec::new(),
            ping: Vec::new(),
            pong: Vec::new(),
            runs: Vec::new(),
            components: Vec::new(),
            scratch_blobs: Vec::new(),
            scale: 1.0,
        }
    }

    /// The settings in use.
    pub fn config(&self) -> &HotSpotConfig {
        &self.config
    }

    /// The first sea row of each column found in the last frame (for overlays and tests).
    pub fn sea_top(&self) -> &[u16] {
        &self.sea_top
    }

    fn resize(&mut self, width: usize, height: usize) {
        if self.width == width && self.height == height && !self.smooth.is_empty() {
            return;
        }
        self.width = width;
        self.height = height;
        let n = width * height;
        self.smooth = vec![0; n];
        self.residual = vec![0; n];
        self.sums = vec![0; width];
        let strips = width.div_ceil(STRIP_WIDTH_PX);
        self.strip_sums = vec![0.0; strips * height];
        self.strip_means = vec![0.0; strips * height];
        self.sea_top = vec![0; width];
        self.col_sum = vec![0; width];
        self.col_n = vec![0; width];
        self.col_offset = vec![0; width];
        self.limit_row = vec![0; width];
    }

    fn tile_size(&self) -> (usize, usize) {
        CELL_PX
    }

    /// Pass 1: smoothing into `self.smooth` and strip row sums.
    fn smooth_pass(&mut self, frame: &FrameView<'_>) {
        let (w, h) = (self.width, self.height);
        // Borrow packed 16-bit frames; widen everything else once.
        let (data, stride): (&[u16], usize) = match frame.pixels() {
            Pixels::Gray16(p) if frame.stride() == w => {
                self.scale = 1.0;
                (p, w)
            }
            _ => {
                self.src.resize(w * h, 0);
                let shift = if frame.bit_depth() == 8 { 6 } else { 0 };
                self.scale = f32::from(1u16 << shift);
                for y in 0..h {
                    let row = &mut self.src[y * w..(y + 1) * w];
                    frame.row_u16(y, row);
                    if shift > 0 {
                        for v in row.iter_mut() {
                            *v <<= shift;
                        }
                    }
                }
                (&self.src, w)
            }
        };
        let strips = w.div_ceil(STRIP_WIDTH_PX);
        for y in 0..h {
            let out = &mut self.smooth[y * w..(y + 1) * w];
            let b = &data[y * stride..y * stride + w];
            if self.config.smooth && w >= 2 {
                let a = &data[y.saturating_sub(1) * stride..][..w];
                let c = &data[(y + 1).min(h - 1) * stride..][..w];
                for (((s, &a), &b), &c) in self.sums.iter_mut().zip(a).zip(b).zip(c) {
                    *s = u32::from(a) + 2 * u32::from(b) + u32::from(c);
                }
                let s = &self.sums;
                out[0] = ((3 * s[0] + s[1] + 8) >> 4) as u16;
                for (x, o) in out.iter_mut().enumerate().take(w - 1).skip(1) {
                    *o = ((s[x - 1] + 2 * s[x] + s[x + 1] + 8) >> 4) as u16;
                }
                out[w - 1] = ((3 * s[w - 1] + s[w - 2] + 8) >> 4) as u16;
            } else {
                out.copy_from_slice(b);
            }
            for (s, chunk) in out.chunks(STRIP_WIDTH_PX).enumerate() {
                let sum: u32 = chunk.iter().map(|&v| u32::from(v)).sum();
                self.strip_sums[s * h + y] = f64::from(sum) / chunk.len() as f64;
            }
        }
        for s in 0..strips {
            for y in 0..h {
                self.strip_means[s * h + y] = self.strip_sums[s * h + y] as f32;
            }
        }
    }

    /// Pass 2: first sea row per column.
    fn sea_pass(&mut self) {
        let (w, h) = (self.width, self.height);
        match &self.config.horizon {
            HorizonSource::None if !self.config.find_land => self.sea_top.fill(0),
            HorizonSource::None => {
                let zero = vec![0.0f32; w];
                self.horizon_estimator.min_step = 4.0 * self.scale;
                self.horizon_estimator.estimate(&self.strip_means, w, h, Some(&zero), &mut self.sea_top);
            }
            HorizonSource::Calibrated(rows) if !self.config.find_land => {
                for (x, t) in self.sea_top.iter_mut().enumerate() {
                    let r = rows.get(x).or(rows.last()).copied().unwrap_or(0.0);
                    *t = r.round().clamp(0.0, h as f32) as u16;
                }
            }
            HorizonSource::Calibrated(rows) => {
                let rows = if rows.len() == w { rows.clone() } else { resample(rows, w) };
                self.horizon_estimator.min_step = 4.0 * self.scale;
                self.horizon_estimator.estimate(&self.strip_means, w, h, Some(&rows), &mut self.sea_top);
            }
            HorizonSource::FromImage => {
                self.horizon_estimator.min_step = 4.0 * self.scale;
                self.horizon_estimator.estimate(&self.strip_means, w, h, None, &mut self.sea_top);
            }
        }
    }

    /// Pass 3: top-hat residual over the rows that can hold a boat, and column sums over sea.
    fn top_hat_pass(&mut self) -> usize {
        let (w, h) = (self.width, self.height);
        let first_row =
            usize::from(self.sea_top.iter().copied().min().unwrap_or(0)).saturating_sub(self.config.above_horizon_px);
        self.col_sum.fill(0);
        self.col_n.fill(0);
        let win = (self.config.background_width_px | 1).max(3);
        for y in first_row..h {
            let row = &self.smooth[y * w..(y + 1) * w];
            let res = &mut self.residual[y * w..(y + 1) * w];
            opening(row, win, &mut self.ping, &mut self.pong, res);
            for x in 0..w {
                // opening ≤ original, so this never underflows.
                res[x] = row[x] - res[x];
            }
            for x in 0..w {
                if y >= usize::from(self.sea_top[x]) {
                    self.col_sum[x] += u64::from(res[x]);
                    self.col_n[x] += 1;
                }
            }
        }
        first_row
    }

    /// Pass 4a: column offsets and CFAR statistics per cell.
    ///
    /// Moments are taken per small cell; a cell's clutter mean and σ are the medians over its
    /// neighbourhood of `tile_px` (about 5 × 3 cells). A median ignores the few cells a boat,
    /// its wake or a whitecap occupy, so a target does not raise its own threshold.
    fn statistics_pass(&mut self, first_row: usize) {
        let (w, h) = (self.width, self.height);
        let (cw, ch) = CELL_PX;
        let (total, count) =
            self.col_sum.iter().zip(&self.col_n).fold((0u64, 0u64), |(s, n), (&cs, &cn)| (s + cs, n + u64::from(cn)));
        let global = if count > 0 { total as f64 / count as f64 } else { 0.0 };
        for x in 0..w {
            self.col_offset[x] = if self.col_n[x] >= 16 {
                (self.col_sum[x] as f64 / f64::from(self.col_n[x]) - global).round() as i32
            } else {
                0
            };
        }
        let cells_x = w.div_ceil(cw);
        let cells_y = h.div_ceil(ch);
        self.moments.clear();
        self.moments.resize(cells_x * cells_y, (0, 0, 0));
        for y in first_row..h {
            let cy = y / ch;
            let res = &self.residual[y * w..(y + 1) * w];
            for cx in 0..cells_x {
                let (x0, x1) = (cx * cw, ((cx + 1) * cw).min(w));
                let (mut s, mut s2, mut n) = (0i64, 0i64, 0u32);
                for x in x0..x1 {
                    if y < usize::from(self.sea_top[x]) {
                        continue;
                    }
                    let v = i64::from(res[x]) - i64::from(self.col_offset[x]);
                    s += v;
                    s2 += v * v;
                    n += 1;
                }
                let m = &mut self.moments[cy * cells_x + cx];
                m.0 += s;
                m.1 += s2;
                m.2 += n;
            }
        }
        let min_n = (cw * ch / 4) as u32;
        let cell_stat: Vec<Option<(f32, f32)>> = self
            .moments
            .iter()
            .map(|&(s, s2, n)| {
                (n >= min_n).then(|| {
                    let mean = s as f64 / f64::from(n);
                    let var = (s2 as f64 / f64::from(n) - mean * mean).max(0.0);
                    (mean as f32, var as f32)
                })
            })
            .collect();
        let mut all_means: Vec<f32> = cell_stat.iter().flatten().map(|c| c.0).collect();
        let mut all_vars: Vec<f32> = cell_stat.iter().flatten().map(|c| c.1).collect();
        let global_stat = if all_means.is_empty() {
            TileStats { mean: 0.0, sigma: f32::INFINITY }
        } else {
            TileStats { mean: median(&mut all_means), sigma: median(&mut all_vars).sqrt() }
        };
        let (rx, ry) = ((self.config.tile_px.0 / cw / 2).max(1), (self.config.tile_px.1 / ch / 2).max(1));
        self.tiles.clear();
        self.tiles.resize(cells_x * cells_y, global_stat);
        let (mut means, mut vars) = (Vec::new(), Vec::new());
        for cy in 0..cells_y {
            for cx in 0..cells_x {
                means.clear();
                vars.clear();
                for ny in cy.saturating_sub(ry)..(cy + ry + 1).min(cells_y) {
                    for nx in cx.saturating_sub(rx)..(cx + rx + 1).min(cells_x) {
                        if let Some((m, v)) = cell_stat[ny * cells_x + nx] {
                            means.push(m);
                            vars.push(v);
                        }
                    }
                }
                if means.len() >= 3 {
                    self.tiles[cy * cells_x + cx] =
                        TileStats { mean: median(&mut means), sigma: median(&mut vars).sqrt() };
                }
            }
        }
        // Quantisation floor: a perfectly flat cell (σ = 0) must not make every ±1 a target.
        let floor = 0.5 * self.scale;
        for t in &mut self.tiles {
            t.sigma = t.sigma.max(floor);
        }
    }

    /// Pass 4b: threshold into runs.
    fn threshold_pass(&mut self, first_row: usize) {
        let (w, h) = (self.width, self.height);
        let (tw, th) = self.tile_size();
        let tiles_x = w.div_ceil(tw);
        let k = self.config.threshold_sigma;
        let lowest_top = first_row;
        self.runs.clear();
        let mut current_ty = usize::MAX;
        for y in lowest_top..h {
            let ty = y / th;
            if ty != current_ty {
                current_ty = ty;
                for x in 0..w {
                    let t = self.tiles[ty * tiles_x + x / tw];
                    let lim = (t.mean + k * t.sigma).floor() + self.col_offset[x] as f32;
                    self.limit_row[x] = lim.clamp(0.0, f32::from(u16::MAX)) as u16;
                }
            }
            let res = &self.residual[y * w..(y + 1) * w];
            let above = self.config.above_horizon_px;
            let mut x = 0;
            while x < w {
                // Fast skip of quiet stretches, 16 pixels at a time.
                if x + 16 <= w && res[x..x + 16].iter().zip(&self.limit_row[x..x + 16]).all(|(&r, &l)| r <= l) {
                    x += 16;
                    continue;
                }
                if res[x] > self.limit_row[x] && y + above >= usize::from(self.sea_top[x]) {
                    let x0 = x;
                    while x < w && res[x] > self.limit_row[x] && y + above >= usize::from(self.sea_top[x]) {
                        x += 1;
                    }
                    if self.runs.len() < MAX_RUNS {
                        let id = self.runs.len() as u32;
                        self.runs.push(Run { y: y as u32, x0: x0 as u32, x1: x as u32, parent: id });
                    }
                } else {
                    x += 1;
                }
            }
        }
    }

    /// Pass 4c: runs → components, with gap merging.
    fn label_pass(&mut self) {
        let (gx, gy) = self.config.merge_gap_px;
        let n = self.runs.len();
        // Runs are in row order; `start` walks the first run that can still touch row y.
        let mut start = 0;
        for i in 0..n {
            let r = self.runs[i];
            while start < i && self.runs[start].y + gy + 1 < r.y {
                start += 1;
            }
            for j in start..i {
                let q = self.runs[j];
                if q.y == r.y && q.x1 + gx < r.x0 {
                    continue;
                }
                let touches = q.x0 <= r.x1 + gx && r.x0 <= q.x1 + gx && r.y <= q.y + gy + 1;
                if touches {
                    union(&mut self.runs, i, j);
                }
            }
        }
        self.components.clear();
        let mut index = vec![u32::MAX; n];
        for i in 0..n {
            let root = find(&mut self.runs, i);
            let r = self.runs[i];
            let slot = if index[root] == u32::MAX {
                index[root] = self.components.len() as u32;
                self.components.push(Component { x0: r.x0, y0: r.y, x1: r.x1, y1: r.y + 1, pixels: 0 });
                self.components.len() - 1
            } else {
                index[root] as usize
            };
            let c = &mut self.components[slot];
            c.x0 = c.x0.min(r.x0);
            c.x1 = c.x1.max(r.x1);
            c.y0 = c.y0.min(r.y);
            c.y1 = c.y1.max(r.y + 1);
            c.pixels += r.x1 - r.x0;
        }
    }

    /// Contrast of residual pixel `(x, y)` over its tile's clutter mean, and the tile's σ.
    fn contrast_at(&self, x: usize, y: usize) -> (f32, f32) {
        let (tw, th) = self.tile_size();
        let t = self.tiles[(y / th) * self.width.div_ceil(tw) + x / tw];
        let v = f32::from(self.residual[y * self.width + x]) - self.col_offset[x] as f32;
        (v - t.mean, t.sigma)
    }

    /// Pass 4d: refine, gate and score each component.
    fn blob_pass(&mut self, out: &mut Vec<Blob>) {
        let cfg = self.config.clone();
        let mut blobs = std::mem::take(&mut self.scratch_blobs);
        blobs.clear();
        let components = std::mem::take(&mut self.components);
        for &c in &components {
            // Peak contrast and SNR over the component's box.
            let (mut peak, mut peak_snr) = (0.0f32, 0.0f32);
            for y in c.y0 as usize..c.y1 as usize {
                for x in c.x0 as usize..c.x1 as usize {
                    let (v, s) = self.contrast_at(x, y);
                    if v > peak {
                        peak = v;
                    }
                    if v / s > peak_snr {
                        peak_snr = v / s;
                    }
                }
            }
            let small = c.pixels <= 2;
            if peak_snr < if small { cfg.small_blob_sigma } else { cfg.threshold_sigma } {
                continue;
            }
            // Shrink to the pixels carrying a fair share of the peak: drops wake and halo.
            let level = peak * cfg.part_fraction;
            let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
            for y in c.y0..c.y1 {
                for x in c.x0..c.x1 {
                    let (v, s) = self.contrast_at(x as usize, y as usize);
                    if v >= level && v >= cfg.threshold_sigma * s * 0.5 {
                        x0 = x0.min(x);
                        x1 = x1.max(x + 1);
                        y0 = y0.min(y);
                        y1 = y1.max(y + 1);
                    }
                }
            }
            if x0 >= x1 || y0 >= y1 {
                continue;
            }
            // Trim the smoothing halo: an edge row (column) at most about half of its inner
            // neighbour's peak is blur, not object.
            let line_max = |this: &Self, xs: std::ops::Range<u32>, ys: std::ops::Range<u32>| {
                let mut m = 0.0f32;
                for y in ys {
                    for x in xs.clone() {
                        m = m.max(this.contrast_at(x as usize, y as usize).0);
                    }
                }
                m
            };
            while y1 - y0 >= 2 && line_max(self, x0..x1, y0..y0 + 1) <= HALO * line_max(self, x0..x1, y0 + 1..y0 + 2) {
                y0 += 1;
            }
            while y1 - y0 >= 2 && line_max(self, x0..x1, y1 - 1..y1) <= HALO * line_max(self, x0..x1, y1 - 2..y1 - 1) {
                y1 -= 1;
            }
            while x1 - x0 >= 2 && line_max(self, x0..x0 + 1, y0..y1) <= HALO * line_max(self, x0 + 1..x0 + 2, y0..y1) {
                x0 += 1;
            }
            while x1 - x0 >= 2 && line_max(self, x1 - 1..x1, y0..y1) <= HALO * line_max(self, x1 - 2..x1 - 1, y0..y1) {
                x1 -= 1;
            }
            let (bw, bh) = (x1 - x0, y1 - y0);
            if bw > cfg.max_size_px.0 || bh > cfg.max_size_px.1 {
                continue;
            }
            if bh <= cfg.streak_max_height_px && bw as f32 > cfg.streak_aspect * bh as f32 {
                continue;
            }
            // The waterline must be on the sea (a cabin may stick up above the horizon).
            let mid = ((x0 + x1) / 2) as usize;
            if y1 < u32::from(self.sea_top[mid.min(self.width - 1)]) + cfg.waterline_below_px {
                continue;
            }
            let k = cfg.threshold_sigma;
            let score = 1.0 / (1.0 + (-(peak_snr - 1.5 * k) / (0.3 * k)).exp());
            blobs.push(Blob {
                x: x0,
                y: y0,
                w: bw,
                h: bh,
                score,
                class_id: 0,
                contrast: peak / self.scale,
                snr: peak_snr,
            });
        }
        blobs.sort_by(|a, b| b.score.total_cmp(&a.score));
        blobs.truncate(cfg.max_blobs);
        out.extend_from_slice(&blobs);
        self.scratch_blobs = blobs;
        self.components = components;
    }
}

/// CFAR cell size (columns, rows): the unit of the local clutter statistics.
const CELL_PX: (usize, usize) = (16, 8);

/// Edge-to-inner peak ratio at or below which a box's edge line is smoothing halo: the 3×3
/// binomial spreads half of a line's peak onto each neighbour.
const HALO: f32 = 0.55;

/// Median of a small, non-empty slice (reordered in place).
fn median(v: &mut [f32]) -> f32 {
    let mid = v.len() / 2;
    *v.select_nth_unstable_by(mid, f32::total_cmp).1
}

/// A frame with more above-threshold runs than this is flooded (a flare, a broken sensor);
/// the rest are ignored so memory and time stay bounded.
const MAX_RUNS: usize = 65_536;

fn find(runs: &mut [Run], mut i: usize) -> usize {
    while runs[i].parent as usize != i {
        let p = runs[i].parent as usize;
        runs[i].parent = runs[p].parent; // path halving
        i = p;
    }
    i
}

fn union(runs: &mut [Run], a: usize, b: usize) {
    let ra = find(runs, a);
    let rb = find(runs, b);
    if ra != rb {
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        runs[hi].parent = lo as u32;
    }
}

fn resample(rows: &[f32], width: usize) -> Vec<f32> {
    if rows.is_empty() {
        return vec![0.0; width];
    }
    (0..width).map(|x| rows[(x * rows.len() / width.max(1)).min(rows.len() - 1)]).collect()
}

/// Grey opening of `row` by a centred segment of odd length `win` (erosion then dilation),
/// into `out`. `ping`/`pong` are scratch.
fn opening(row: &[u16], win: usize, ping: &mut Vec<u16>, pong: &mut Vec<u16>, out: &mut [u16]) {
    let r = win / 2;
    let n = row.len();
    // Erosion: pad with MAX so the border does not pull the minimum down.
    ping.clear();
    ping.resize(r, u16::MAX);
    ping.extend_from_slice(row);
    ping.resize(n + 2 * r, u16::MAX);
    running_extreme(ping, pong, win, true);
    // pong[x] = min over row[x - r ..= x + r]; now dilate it, padding with 0.
    let eroded_len = n;
    ping.clear();
    ping.resize(r, 0);
    ping.extend_from_slice(&pong[..eroded_len]);
    ping.resize(n + 2 * r, 0);
    running_extreme(ping, pong, win, false);
    out.copy_from_slice(&pong[..n]);
}

/// `out[i] = min (or max) of data[i .. i + win]` for `i` in `0..=data.len() - win`, by doubling
/// (a sparse table in O(log win) vectorisable passes). `data` is used as scratch.
fn running_extreme(data: &mut Vec<u16>, out: &mut Vec<u16>, win: usize, min: bool) {
    let m = data.len();
    let mut len = 1;
    while 2 * len <= win {
        let valid = data.len() - len;
        out.clear();
        out.resize(valid, 0);
        let src = &data[..];
        if min {
            for (d, (&a, &b)) in out.iter_mut().zip(src.iter().zip(&src[len..])) {
                *d = a.min(b);
            }
        } else {
            for (d, (&a, &b)) in out.iter_mut().zip(src.iter().zip(&src[len..])) {
                *d = a.max(b);
            }
        }
        std::mem::swap(data, out);
        len *= 2;
    }
    // data[i] = extreme over [i, i + len); combine two overlapping windows to cover win.
    let count = m + 1 - win;
    out.clear();
    out.resize(count, 0);
    let shift = win - len;
    if min {
        for (i, o) in out.iter_mut().enumerate() {
            *o = data[i].min(data[i + shift]);
        }
    } else {
        for (i, o) in out.iter_mut().enumerate() {
            *o = data[i].max(data[i + shift]);
        }
    }
}

impl Detector for HotSpot {
    fn detect(&mut self, frame: &FrameView<'_>, out: &mut Vec<Blob>) {
        let (w, h) = (frame.width(), frame.height());
        if w < 3 || h < 3 {
            return;
        }
        self.resize(w, h);
        self.smooth_pass(frame);
        self.sea_pass();
        let first_row = self.top_hat_pass();
        self.statistics_pass(first_row);
        self.threshold_pass(first_row);
        self.label_pass();
        self.blob_pass(out);
    }

    fn class_names(&self) -> &[String] {
        &self.classes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::thermal::Frame16;

    /// A deterministic noisy sea: value `base` plus uniform noise of ±`amp`.
    fn sea(w: usize, h: usize, base: u16, amp: u32, seed: u64) -> Frame16 {
        let mut f = Frame16::filled(w, h, base);
        let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        for v in &mut f.data {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let n = ((s >> 33) as u32) % (2 * amp + 1);
            *v = (u32::from(*v) + n - amp) as u16;
        }
        f
    }

    fn paint(f: &mut Frame16, x: usize, y: usize, w: usize, h: usize, add: u16) {
        for yy in y..y + h {
            for xx in x..x + w {
                f.data[yy * f.width + xx] += add;
            }
        }
    }

    fn no_horizon() -> HotSpotConfig {
        HotSpotConfig { horizon: HorizonSource::None, find_land: false, ..Default::default() }
    }

    mod running_extreme {
        use super::*;

        #[test]
        fn matches_a_naive_window_minimum() {
            let data: Vec<u16> = (0..97u32).map(|i| ((i * 7919) % 101) as u16).collect();
            for win in [1usize, 2, 3, 5, 7, 31, 49, 64] {
                let mut d = data.clone();
                let mut out = Vec::new();
                running_extreme(&mut d, &mut out, win, true);
                let naive: Vec<u16> = data.windows(win).map(|w| *w.iter().min().unwrap()).collect();
                assert_eq!(out, naive, "win {win}");
            }
        }
    }

    mod opening {
        use super::*;

        #[test]
        fn removes_a_narrow_peak_and_keeps_a_wide_plateau() {
            let mut row = vec![10u16; 100];
            row[20..24].fill(50); // narrow
            row[50..90].fill(40); // wider than the 21-px segment
            let (mut a, mut b, mut out) = (Vec::new(), Vec::new(), vec![0u16; 100]);
            opening(&row, 21, &mut a, &mut b, &mut out);
            assert_eq!(out[21], 10);
            assert_eq!(out[70], 40);
            assert!(out.iter().zip(&row).all(|(o, r)| o <= r));
        }
    }

    mod detect {
        use super::*;

        #[test]
        fn finds_a_compact_target_once_with_its_box() {
            let mut f = sea(200, 160, 2000, 6, 1);
            paint(&mut f, 100, 80, 8, 4, 120);
            paint(&mut f, 103, 77, 3, 3, 150); // a cabin on top: same object
            let mut d = HotSpot::new(no_horizon());
            let mut out = Vec::new();
            d.detect(&f.view(), &mut out);
            assert_eq!(out.len(), 1, "{out:?}");
            let b = out[0];
            assert!(b.x.abs_diff(100) <= 1 && b.y.abs_diff(77) <= 1, "{b:?}");
            assert!(b.w.abs_diff(8) <= 2 && b.h.abs_diff(7) <= 2, "{b:?}");
        }

        #[test]
        fn leaves_out_a_faint_wake() {
            let mut f = sea(200, 160, 2000, 4, 2);
            paint(&mut f, 100, 80, 8, 4, 200);
            paint(&mut f, 108, 82, 30, 2, 30); // a trail behind the stern
            let mut d = HotSpot::new(no_horizon());
            let mut out = Vec::new();
            d.detect(&f.view(), &mut out);
            assert_eq!(out.len(), 1, "{out:?}");
            assert!(out[0].w <= 11, "{:?}", out[0]);
        }

        #[test]
        fn finds_nothing_on_pure_noise() {
            let mut d = HotSpot::new(no_horizon());
            let mut out = Vec::new();
            for seed in 0..5 {
                d.detect(&sea(320, 256, 3000, 10, seed).view(), &mut out);
            }
            assert!(out.is_empty(), "{out:?}");
        }

        #[test]
        fn ignores_lights_above_the_horizon() {
            let mut f = sea(200, 160, 2000, 4, 3);
            for v in &mut f.data[..50 * 200] {
                *v -= 400; // cold sky over the top 50 rows
            }
            paint(&mut f, 60, 20, 3, 3, 800); // a light on the hills
            paint(&mut f, 120, 100, 5, 3, 150); // a boat on the sea
            let mut d = HotSpot::new(HotSpotConfig::default());
            let mut out = Vec::new();
            d.detect(&f.view(), &mut out);
            assert_eq!(out.len(), 1, "{out:?}");
            assert!(out[0].x.abs_diff(120) <= 1);
        }

        #[test]
        fn drops_a_flat_streak() {
            let mut f = sea(200, 160, 2000, 4, 4);
            paint(&mut f, 50, 90, 24, 1, 200); // whitecap
            let mut d = HotSpot::new(no_horizon());
            let mut out = Vec::new();
            d.detect(&f.view(), &mut out);
            assert!(out.is_empty(), "{out:?}");
        }

        #[test]
        fn works_on_eight_bit_and_padded_frames() {
            let mut f = sea(160, 120, 2000, 6, 5);
            paint(&mut f, 70, 60, 6, 4, 150);
            let g8 = f.to_gray8(1800, 2400);
            let mut d = HotSpot::new(no_horizon());
            let mut out = Vec::new();
            d.detect(&FrameView::gray8(160, 120, &g8).unwrap(), &mut out);
            assert_eq!(out.len(), 1, "{out:?}");
            // The same frame in a padded 16-bit buffer.
            let mut padded = vec![0u16; 168 * 120];
            for y in 0..120 {
                padded[y * 168..y * 168 + 160].copy_from_slice(&f.data[y * 160..(y + 1) * 160]);
            }
            let view = FrameView::try_new(160, 120, 168, Pixels::Gray16(&padded)).unwrap();
            out.clear();
            d.detect(&view, &mut out);
            assert_eq!(out.len(), 1, "{out:?}");
            assert!(out[0].x.abs_diff(70) <= 1);
        }

        #[test]
        fn survives_tiny_and_constant_frames() {
            let mut d = HotSpot::new(HotSpotConfig::default());
            let mut out = Vec::new();
            d.detect(&Frame16::filled(2, 2, 5).view(), &mut out);
            d.detect(&Frame16::filled(40, 30, 5).view(), &mut out);
            d.detect(&Frame16::filled(40, 30, u16::MAX).view(), &mut out);
            assert!(out.is_empty());
        }
    }
}
