//! Class-aware non-maximum suppression over model candidates.

/// One box a model proposed, before suppression.
///
/// # Units
/// Pixels of the source frame (continuous): `[x0, x1) × [y0, y1)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
    /// Class confidence in `[0, 1]`.
    pub score: f32,
    /// Class index.
    pub class_id: u16,
}

impl Candidate {
    fn area(&self) -> f32 {
        (self.x1 - self.x0).max(0.0) * (self.y1 - self.y0).max(0.0)
    }

    /// Intersection over union with `other` (0 for empty boxes).
    pub fn iou(&self, other: &Candidate) -> f32 {
        let iw = (self.x1.min(other.x1) - self.x0.max(other.x0)).max(0.0);
        let ih = (self.y1.min(other.y1) - self.y0.max(other.y0)).max(0.0);
        let inter = iw * ih;
        let union = self.area() + other.area() - inter;
        if union > 0.0 { inter / union } else { 0.0 }
    }
}

/// Keeps, class by class, each candidate that overlaps no higher-scoring kept candidate of its
/// class by more than `iou_threshold`; at most `max_keep` survive, best first. Sorts `cands` by
/// descending score (ties by position, so the result does not depend on input order) and
/// truncates it to the survivors.
///
/// Greedy NMS as in Ultralytics (`torchvision.ops.batched_nms`): O(n²) in the worst case, which is
/// cheap for the few hundred candidates above a confidence threshold.
pub fn nms(cands: &mut Vec<Candidate>, iou_threshold: f32, max_keep: usize) {
    cands.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.class_id.cmp(&b.class_id))
            .then(a.y0.total_cmp(&b.y0))
            .then(a.x0.total_cmp(&b.x0))
    });
    let mut kept = 0;
    for i in 0..cands.len() {
        if kept == max_keep {
            break;
        }
        let c = cands[i];
        if cands[..kept].iter().all(|k| k.class_id != c.class_id || k.iou(&c) <= iou_threshold) {
            cands[kept] = c;
            kept += 1;
        }
    }
    cands.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(x0: f32, score: f32, class_id: u16) -> Candidate {
        Candidate { x0, y0: 0.0, x1: x0 + 10.0, y1: 10.0, score, class_id }
    }

    #[test]
    fn overlapping_boxes_of_one_class_keep_the_best() {
        let mut c = vec![cand(1.0, 0.6, 0), cand(0.0, 0.9, 0), cand(2.0, 0.7, 0)];
        nms(&mut c, 0.45, 10);
        assert_eq!(c, vec![cand(0.0, 0.9, 0)]);
    }

    #[test]
    fn overlapping_boxes_of_different_classes_both_stay() {
        let mut c = vec![cand(0.0, 0.9, 0), cand(1.0, 0.8, 1)];
        nms(&mut c, 0.45, 10);
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn disjoint_boxes_stay_best_first_up_to_the_cap() {
        let mut c = vec![cand(0.0, 0.5, 0), cand(20.0, 0.9, 0), cand(40.0, 0.7, 0)];
        nms(&mut c, 0.45, 2);
        assert_eq!(c, vec![cand(20.0, 0.9, 0), cand(40.0, 0.7, 0)]);
    }

    #[test]
    fn a_box_overlapping_just_below_the_threshold_stays() {
        // 10×10 boxes shifted by 6: intersection 40, union 160, IoU 0.25.
        let mut c = vec![cand(0.0, 0.9, 0), cand(6.0, 0.8, 0)];
        nms(&mut c, 0.3, 10);
        assert_eq!(c.len(), 2);
        nms(&mut c, 0.2, 10);
        assert_eq!(c.len(), 1);
    }
}
