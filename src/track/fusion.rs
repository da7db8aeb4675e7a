//! Cross-node track-to-track fusion: tracks of the same vessel reported by several nodes (their
//! coverage overlaps) become one fused track.
//!
//! Nodes' tracks are brought to a common time (CV prediction), then associated node by node
//! against the fused set with optimal assignment, gated on position *and* velocity (4-D
//! chi-square on the summed covariances). MMSIs must agree when both tracks carry one. Matched
//! estimates are combined by covariance intersection, which stays consistent even though the
//! nodes' errors are correlated in unknown ways (shared AIS, common process noise). Fused ids are
//! stable: a fused track keeps its id while any of its member tracks lives on.
//!
//! # References
//! - S. J. Julier, J. K. Uhlmann, "A non-divergent estimation algorithm in the presence of
//!   unknown correlations", ACC 1997 (covariance intersection).
//! - Y. Bar-Shalom, "On the track-to-track correlation problem", IEEE TAC 26(2), 1981.
use std::collections::HashMap;

use nalgebra::{Matrix4, Vector2, Vector4};

use super::assign::Solver;
use super::gate::chi2_quantile;
use super::value::{Track, TrackId, TrackStatus};
use crate::detection::SensorKind;
use crate::geodesy::{Enu, LatLon, MPS_PER_KNOT};

/// One node's track, as received.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeTrack {
    /// The node (site id) that reported it.
    pub site: String,
    /// The track.
    pub track: Track,
}

struct Fused {
    x: Vector4<f64>,
    p: Matrix4<f64>,
    members: Vec<(String, TrackId)>,
    track: Track,
}

/// Stateful fuser: keeps fused ids stable between calls.
#[derive(Debug)]
pub struct Fuser {
    frame: Enu,
    gate_d2: f64,
    q_m2ps3: f64,
    next_id: u64,
    ids: HashMap<(String, TrackId), u64>,
    solver: Solver,
}

impl Fuser {
    /// A fuser working in `frame`, gating with probability `gate_probability`.
    pub fn new(frame: Enu, gate_probability: f64) -> Self {
        Fuser {
            frame,
            gate_d2: chi2_quantile(4, gate_probability),
            q_m2ps3: 0.1,
            next_id: 1,
            ids: HashMap::new(),
            solver: Solver::new(),
        }
    }

    /// Fuse the nodes' current tracks into one list without duplicates, at the latest time among
    /// them. Fused tracks get ids `"F<n>"`.
    pub fn fuse(&mut self, inputs: &[NodeTrack]) -> Vec<Track> {
        let t_s = inputs.iter().map(|n| n.track.time_s).fold(f64::NEG_INFINITY, f64::max);
        let mut sites: Vec<&str> = Vec::new();
        for n in inputs {
            if !sites.contains(&n.site.as_str()) {
                sites.push(&n.site);
            }
        }
        let mut fused: Vec<Fused> = Vec::new();
        let mut cost = Vec::new();
        let mut out = Vec::new();
        for site in sites {
            let mine: Vec<(Vector4<f64>, Matrix4<f64>, &NodeTrack)> = inputs
                .iter()
                .filter(|n| n.site == site)
                .filter_map(|n| self.state_at(&n.track, t_s).map(|(x, p)| (x, p, n)))
                .collect();
            let (rows, cols) = (mine.len(), fused.len());
            cost.clear();
            cost.resize(rows * cols, f64::INFINITY);
            for (r, (x, p, n)) in mine.iter().enumerate() {
                for (c, f) in fused.iter().enumerate() {
                    if f.members.iter().any(|(s, _)| s == site) {
                        continue; // one node never reports the same vessel twice
                    }
                    let (a, b) = (n.track.identity.mmsi, f.track.identity.mmsi);
                    if matches!((a, b), (Some(a), Some(b)) if a != b) {
                        continue;
                    }
                    let d = x - f.x;
                    let Some(sinv) = (p + f.p).try_inverse() else { continue };
                    let d2 = (d.transpose() * sinv * d)[(0, 0)];
                    let same_id = a.is_some() && a == b;
                    let d2 = if same_id { d2 / 9.0 } else { d2 };
                    if d2 < self.gate_d2 {
                        cost[r * cols + c] = d2;
                    }
                }
            }
            self.solver.solve(&cost, rows, cols, self.gate_d2, &mut out);
            for (r, (x, p, n)) in mine.into_iter().enumerate() {
                let member = (n.site.clone(), n.track.id.clone());
                match out.get(r).copied().flatten() {
                    Some(c) => {
                        let f = &mut fused[c];
                        let (fx, fp) = covariance_intersection(&f.x, &f.p, &x, &p);
                        f.x = fx;
                        f.p = fp;
                        merge_attributes(&mut f.track, &n.track);
                        f.members.push(member);
                    }
                    None => fused.push(Fused { x, p, members: vec![member], track: n.track.clone() }),
                }
            }
        }
        fused.into_iter().map(|f| self.finish(f, t_s)).collect()
    }

    /// East/north state and covariance of a track, predicted (CV) to `t_s`.
    fn state_at(&self, t: &Track, t_s: f64) -> Option<(Vector4<f64>, Matrix4<f64>)> {
        let en = self.frame.to_en(LatLon::new(t.lat_deg, t.lon_deg));
        let v = t.sog_kn * MPS_PER_KNOT;
        let (s, c) = t.cog_deg.to_radians().sin_cos();
        let mut x = Vector4::new(en.x, en.y, v * s, v * c);
        let mut p = Matrix4::from_fn(|r, c| t.cov_en[r][c]);
        let dt = t_s - t.time_s;
        if dt > 0.0 {
            let mut f = Matrix4::identity();
            f[(0, 2)] = dt;
            f[(1, 3)] = dt;
            x = f * x;
            let q = super::filter::wna_noise(self.q_m2ps3, dt).fixed_view::<4, 4>(0, 0).into_owned();
            p = f * p * f.transpose() + q;
        }
        (x.iter().all(|v| v.is_finite()) && p.iter().all(|v| v.is_finite())).then_some((x, p))
    }

    fn finish(&mut self, f: Fused, t_s: f64) -> Track {
        let existing = f.members.iter().filter_map(|m| self.ids.get(m).copied()).min();
        let id = existing.unwrap_or_else(|| {
            self.next_id += 1;
            self.next_id - 1
        });
        for m in &f.members {
            self.ids.insert(m.clone(), id);
        }
        let mut t = f.track;
        let p = self.frame.from_en(Vector2::new(f.x[0], f.x[1]));
        t.id = TrackId(format!("F{id}"));
        t.time_s = t_s;
        t.lat_deg = p.lat_deg;
        t.lon_deg = p.lon_deg;
        t.sog_kn = f.x[2].hypot(f.x[3]) / MPS_PER_KNOT;
        t.cog_deg = f.x[2].atan2(f.x[3]).to_degrees().rem_euclid(360.0);
        for r in 0..4 {
            for c in 0..4 {
                t.cov_en[r][c] = f.p[(r, c)];
            }
        }
        t
    }
}

/// Union of sources, identity if either knows it, the better status; dark only if neither has AIS.
fn merge_attributes(into: &mut Track, other: &Track) {
    for k in &other.sources {
        if !into.sources.contains(k) {
            into.sources.push(*k);
        }
    }
    into.sources.sort_by_key(|k| match k {
        SensorKind::Ais => 0,
        SensorKind::Radar => 1,
        SensorKind::Ir => 2,
    });
    if into.identity.mmsi.is_none() {
        into.identity = other.identity.clone();
    }
    if other.status == TrackStatus::Confirmed {
        into.status = TrackStatus::Confirmed;
    }
    into.dark = into.identity.mmsi.is_none() && (into.dark || other.dark);
    if other.history.len() > into.history.len() {
        into.history = other.history.clone();
    }
    into.length_m = into.length_m.or(other.length_m);
}

/// Covariance intersection of two estimates, with the weight minimising the fused covariance's
/// trace (golden-section search).
///
/// # Examples
/// ```
/// use nalgebra::{Matrix4, Vector4};
/// use seawarden::track::fusion::covariance_intersection;
/// let (x, p) = covariance_intersection(&Vector4::zeros(), &Matrix4::identity(),
///                                      &Vector4::repeat(2.0), &(Matrix4::identity() * 100.0));
/// assert!(x[0] < 0.2 && p.trace() <= 4.0 + 1e-6);
/// ```
pub fn covariance_intersection(
    xa: &Vector4<f64>,
    pa: &Matrix4<f64>,
    xb: &Vector4<f64>,
    pb: &Matrix4<f64>,
) -> (Vector4<f64>, Matrix4<f64>) {
    let (Some(ia), Some(ib)) = (pa.try_inverse(), pb.try_inverse()) else {
        return if pa.trace() <= pb.trace() { (*xa, *pa) } else { (*xb, *pb) };
    };
    let fused = |w: f64| -> Option<(Vector4<f64>, Matrix4<f64>)> {
        let info = ia * w + ib * (1.0 - w);
        let p = info.try_inverse()?;
        Some((p * (ia * xa * w + ib * xb * (1.0 - w)), p))
    };
    let tr = |w: f64| fused(w).map_or(f64::INFINITY, |(_, p)| p.trace());
    let g = 0.5 * (5f64.sqrt() - 1.0);
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..40 {
        let (a, b) = (hi - g * (hi - lo), lo + g * (hi - lo));
        if tr(a) < tr(b) { hi = b } else { lo = a }
    }
    let w = 0.5 * (lo + hi);
    fused(w).unwrap_or((*xa, *pa))
}
