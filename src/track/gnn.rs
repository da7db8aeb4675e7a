//! Global nearest neighbour: gate through the spatial grid, split gated pairs into independent
//! clusters (union-find), then solve each cluster's optimal assignment with
//! [`assign::Solver`](super::assign::Solver). Costs are negative log-likelihood ratios of
//! "track i made detection j" against "track i missed and j is clutter", so the assignment also
//! decides which pairs are not worth making.
//!
//! AIS identity is part of the hypothesis: a report never updates a track holding a different
//! MMSI, and a report whose MMSI matches a track's is preferred and gated more loosely (AIS
//! reports can be tens of seconds apart).
use super::assign::Solver;
use super::associator::{Associator, Hypothesis};
use super::cluster::UnionFind;
use super::config::AssociationConfig;
use super::filter::Gaussian;
use super::gate::{Gate, Grid};
use super::kalman::Updater;
use super::measurement::{Model, max_eigenvalue};
use super::scan::Scan;
use super::tracked::TrackState;

/// Gate widening (on d²) when the MMSI matches.
const IDENTITY_GATE_FACTOR: f64 = 9.0;
/// Cost bonus (nats) when the MMSI matches.
const IDENTITY_BONUS: f64 = 30.0;

#[derive(Debug, Clone, Copy)]
struct Pair {
    track: u32,
    det: u32,
    cost: f64,
    root: u32,
}

/// The GNN associator with reusable scratch space.
#[derive(Debug, Clone)]
pub struct Gnn {
    gate: Gate,
    cell_m: f64,
    /// `ln λ - ln Pd + ln(1 - Pd)` per measurement class (see [`clutter_class`]).
    cost_offset: [f64; 4],
    grid: Grid,
    pairs: Vec<Pair>,
    uf: UnionFind,
    solver: Solver,
    unlocalised: Vec<u32>,
    local_row: Vec<u32>,
    local_col: Vec<u32>,
    rows: Vec<u32>,
    cols: Vec<u32>,
    matrix: Vec<f64>,
    result: Vec<Option<usize>>,
}

impl Gnn {
    /// A GNN associator from the association settings.
    pub fn new(cfg: &AssociationConfig) -> Self {
        let pd = cfg.detection_probability;
        let miss = (1.0 - pd).ln() - pd.ln();
        let lam2 = (cfg.clutter_per_km2 * 1e-6).ln(); // per m²
        let cost_offset = [
            (0.5f64).ln() + miss,                           // bearing-only: false bearings per radian
            lam2 + miss,                                    // position, per m²
            (cfg.ir_clutter_per_rad_km * 1e-3).ln() + miss, // IR bearing + range, per rad·m
            lam2 + (1e-2f64).ln() + miss,                   // position + velocity, per m²·(m/s)²
        ];
        Gnn {
            gate: Gate::with_probability(cfg.gate_probability),
            cell_m: cfg.grid_cell_m,
            cost_offset,
            grid: Grid::default(),
            pairs: Vec::new(),
            uf: UnionFind::default(),
            solver: Solver::new(),
            unlocalised: Vec::new(),
            local_row: Vec::new(),
            local_col: Vec::new(),
            rows: Vec::new(),
            cols: Vec::new(),
            matrix: Vec::new(),
            result: Vec::new(),
        }
    }

    /// The gate thresholds in use.
    pub fn gate(&self) -> &Gate {
        &self.gate
    }

    /// Test one pair; push it if it passes the gate and is worth making.
    #[inline]
    fn try_pair<U: Updater>(&mut self, updater: &U, g: &Gaussian, track: &TrackState, ti: u32, scan: &Scan, dj: u32) {
        let m = &scan.measurements[dj as usize];
        let same_id = match (m.mmsi, track.mmsi) {
            (Some(a), Some(b)) if a != b => return,
            (Some(a), Some(b)) => a == b,
            _ => false,
        };
        let Some(inn) = updater.innovation(g, m) else { return };
        let dim = m.model.dim();
        let mut thr = self.gate.threshold(dim);
        let mut cost = inn.nll + self.cost_offset[clutter_class(&m.model)];
        if same_id {
            thr *= IDENTITY_GATE_FACTOR;
            cost -= IDENTITY_BONUS;
        }
        if inn.d2 < thr && cost < 0.0 && cost.is_finite() {
            self.pairs.push(Pair { track: ti, det: dj, cost, root: 0 });
        }
    }
}

impl Associator for Gnn {
    fn associate<U: Updater>(
        &mut self,
        updater: &U,
        predicted: &[Gaussian],
        tracks: &[TrackState],
        scan: &Scan,
        out: &mut Vec<Hypothesis>,
    ) {
        let nt = tracks.len();
        let nd = scan.measurements.len();
        out.clear();
        out.extend((0..nt as u32).map(|track| Hypothesis::Missed { track }));
        if nt == 0 || nd == 0 {
            return;
        }
        // 1. Grid over localised detections; bearing-only ones are tested against every track.
        let ms = &scan.measurements;
        self.unlocalised.clear();
        let mut max_var = 0.0f64;
        for (j, m) in ms.iter().enumerate() {
            if m.localised {
                max_var = max_var.max(max_eigenvalue(&m.approx_cov));
            } else {
                self.unlocalised.push(j as u32);
            }
        }
        self.grid.build(
            ms.iter().enumerate().filter(|(_, m)| m.localised).map(|(j, m)| (j as u32, m.approx_en)),
            self.cell_m,
        );
        // 2. Gate. The search radius bounds every dimension's gate: the position marginal of a
        // d² < γ gate lies within √(γ λmax(P_pos + R)).
        self.pairs.clear();
        let gamma = self.gate.threshold(4) * IDENTITY_GATE_FACTOR.max(1.0);
        let gamma_plain = self.gate.threshold(4);
        let grid = std::mem::take(&mut self.grid);
        let unloc = std::mem::take(&mut self.unlocalised);
        let mut cand: Vec<u32> = Vec::new();
        for (i, (g, t)) in predicted.iter().zip(tracks).enumerate() {
            let lam = max_eigenvalue(&g.pos_cov()) + max_var;
            let r = if t.mmsi.is_some() { (gamma * lam).sqrt() } else { (gamma_plain * lam).sqrt() };
            cand.clear();
            grid.query(g.pos(), r, |j| cand.push(j));
            for &j in &cand {
                self.try_pair(updater, g, t, i as u32, scan, j);
            }
            for &j in &unloc {
                self.try_pair(updater, g, t, i as u32, scan, j);
            }
        }
        self.grid = grid;
        self.unlocalised = unloc;
        if self.pairs.is_empty() {
            return;
        }
        // 3. Clusters: tracks are nodes 0..nt, detections nt..nt+nd.
        self.uf.reset(nt + nd);
        for p in &self.pairs {
            self.uf.union(p.track, nt as u32 + p.det);
        }
        for k in 0..self.pairs.len() {
            let r = self.uf.find(self.pairs[k].track);
            self.pairs[k].root = r;
        }
        self.pairs.sort_unstable_by_key(|p| (p.root, p.track, p.det));
        // 4. Solve each cluster.
        self.local_row.clear();
        self.local_row.resize(nt, u32::MAX);
        self.local_col.clear();
        self.local_col.resize(nd, u32::MAX);
        let mut start = 0;
        while start < self.pairs.len() {
            let root = self.pairs[start].root;
            let mut end = start + 1;
            while end < self.pairs.len() && self.pairs[end].root == root {
                end += 1;
            }
            if end - start == 1 {
                let p = self.pairs[start];
                out[p.track as usize] = Hypothesis::Detected { track: p.track, det: p.det, cost: p.cost };
            } else {
                self.solve_cluster(start, end, out);
            }
            start = end;
        }
    }
}

/// Which clutter density applies to a measurement: 0 bearing only (per rad), 1 position (per m²),
/// 2 bearing and range (per rad·m), 3 position and velocity (per m²·(m/s)²).
#[inline]
pub fn clutter_class(m: &Model) -> usize {
    match m {
        Model::Polar(b) if b.range.is_none() => 0,
        Model::Polar(_) => 2,
        Model::Position { .. } => 1,
        Model::PositionVelocity { .. } => 3,
    }
}

impl Gnn {
    /// `ln λ − ln Pd + ln(1 − Pd)` for `m`: the cost of "missed + clutter" against which a
    /// detection's negative log-likelihood is weighed. The track-score increment of a detection
    /// with assignment cost `c` is `ln(1 − Pd) − c`.
    #[inline]
    pub fn cost_offset(&self, m: &Model) -> f64 {
        self.cost_offset[clutter_class(m)]
    }

    fn solve_cluster(&mut self, start: usize, end: usize, out: &mut [Hypothesis]) {
        self.rows.clear();
        self.cols.clear();
        for p in &self.pairs[start..end] {
            if self.local_row[p.track as usize] == u32::MAX {
                self.local_row[p.track as usize] = self.rows.len() as u32;
                self.rows.push(p.track);
            }
            if self.local_col[p.det as usize] == u32::MAX {
                self.local_col[p.det as usize] = self.cols.len() as u32;
                self.cols.push(p.det);
            }
        }
        let (nr, nc) = (self.rows.len(), self.cols.len());
        // Shift so all allowed entries are positive: each row pays exactly one of
        // `K + cost` or `K`, so the optimum is unchanged.
        const K: f64 = 1.0e4;
        self.matrix.clear();
        self.matrix.resize(nr * nc, f64::INFINITY);
        for p in &self.pairs[start..end] {
            let (r, c) = (self.local_row[p.track as usize] as usize, self.local_col[p.det as usize] as usize);
            self.matrix[r * nc + c] = (K + p.cost).max(0.0);
        }
        self.solver.solve(&self.matrix, nr, nc, K, &mut self.result);
        for (r, col) in self.result.iter().enumerate() {
            if let Some(c) = *col {
                let (track, det) = (self.rows[r], self.cols[c]);
                out[track as usize] = Hypothesis::Detected { track, det, cost: self.matrix[r * nc + c] - K };
            }
        }
        for &t in &self.rows {
            self.local_row[t as usize] = u32::MAX;
        }
        for &d in &self.cols {
            self.local_col[d as usize] = u32::MAX;
        }
    }
}
