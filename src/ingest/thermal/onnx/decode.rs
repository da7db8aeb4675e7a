//! YOLO output decoding: the raw `1×(4+C)×N` (or `1×N×(4+C)`) tensor → scored boxes.
//!
//! Ultralytics YOLOv8/YOLO11 (and the shipped model) export one output of shape
//! `[1, 4 + C, N]`: for each of `N` anchors, the box centre and size `(cx, cy, w, h)` in model
//! input pixels, then `C` class confidences already through a sigmoid. Some exporters transpose it
//! to `[1, N, 4 + C]`. YOLOv5-style outputs (an objectness column, `5 + C`) and end-to-end exports
//! with NMS inside (`[1, 300, 6]`) are not this format; with the class count known they are
//! refused as a wrong output shape rather than misread.

/// Where the `4 + C` values of one anchor lie in the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `[1, 4 + C, N]`: value `k` of anchor `i` at `k * N + i` (Ultralytics' default).
    ChannelsFirst,
    /// `[1, N, 4 + C]`: value `k` of anchor `i` at `i * (4 + C) + k`.
    ChannelsLast,
}

/// The output's layout and sizes, once decided from its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputFormat {
    /// Value order.
    pub layout: Layout,
    /// Number of classes `C` (≥ 1).
    pub classes: usize,
    /// Number of anchors `N`.
    pub anchors: usize,
}

/// Why an output shape is not a YOLO detection head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeProblem {
    /// Not `[1, a, b]` (or `[a, b]`).
    Rank,
    /// No dimension equals `4 + C` for the configured class count.
    ClassCount,
    /// Fewer than five values per anchor.
    TooFewChannels,
}

impl ShapeProblem {
    /// A sentence for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            ShapeProblem::Rank => "expected a YOLO detection output of shape [1, 4 + classes, anchors]",
            ShapeProblem::ClassCount => "neither dimension equals 4 + the number of class names",
            ShapeProblem::TooFewChannels => "fewer than 4 box values + 1 class per anchor",
        }
    }
}

impl OutputFormat {
    /// Decides the layout of an output of `shape` (`-1` for a dimension not yet known is not
    /// accepted: call this with the actual shape). With `classes` known, the dimension equal to
    /// `4 + classes` holds the values; otherwise the smaller dimension does (a detection head
    /// has far more anchors than classes).
    ///
    /// # Errors
    /// [`ShapeProblem`] when the shape cannot be a YOLO head.
    pub fn from_shape(shape: &[i64], classes: Option<usize>) -> Result<OutputFormat, ShapeProblem> {
        let (a, b) = match shape {
            [1, a, b] | [a, b] if *a > 0 && *b > 0 => (*a as usize, *b as usize),
            _ => return Err(ShapeProblem::Rank),
        };
        let (layout, values, anchors) = match classes {
            Some(c) if a == 4 + c => (Layout::ChannelsFirst, a, b),
            Some(c) if b == 4 + c => (Layout::ChannelsLast, b, a),
            Some(_) => return Err(ShapeProblem::ClassCount),
            None if a <= b => (Layout::ChannelsFirst, a, b),
            None => (Layout::ChannelsLast, b, a),
        };
        if values < 5 {
            return Err(ShapeProblem::TooFewChannels);
        }
        Ok(OutputFormat { layout, classes: values - 4, anchors })
    }

    /// Calls `f(cx, cy, w, h, class_id, score)` for each anchor whose best class scores at
    /// least `threshold` (one call per anchor, its best class: Ultralytics' single-label mode).
    ///
    /// # Panics
    /// If `data` is shorter than `anchors × (4 + classes)`.
    pub fn for_each_above(&self, data: &[f32], threshold: f32, mut f: impl FnMut([f32; 4], u16, f32)) {
        let (n, c) = (self.anchors, self.classes);
        assert!(data.len() >= n * (4 + c), "output holds {} values, expected {}", data.len(), n * (4 + c));
        match self.layout {
            Layout::ChannelsFirst => {
                let scores = &data[4 * n..(4 + c) * n];
                for i in 0..n {
                    let mut best: Option<(u16, f32)> = None;
                    for k in 0..c {
                        let s = scores[k * n + i];
                        if s >= threshold && best.is_none_or(|b| s > b.1) {
                            best = Some((k as u16, s));
                        }
                    }
                    if let Some((k, s)) = best {
                        f([data[i], data[n + i], data[2 * n + i], data[3 * n + i]], k, s);
                    }
                }
            }
            Layout::ChannelsLast => {
                for row in data.chunks_exact(4 + c).take(n) {
                    let (k, s) = row[4..]
                        .iter()
                        .enumerate()
                        .fold((0usize, f32::MIN), |acc, (k, &s)| if s > acc.1 { (k, s) } else { acc });
                    if s >= threshold {
                        f([row[0], row[1], row[2], row[3]], k as u16, s);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod from_shape {
        use super::*;

        #[test]
        fn ultralytics_coco_is_channels_first() {
            let f = OutputFormat::from_shape(&[1, 84, 8400], None).unwrap();
            assert_eq!(f, OutputFormat { layout: Layout::ChannelsFirst, classes: 80, anchors: 8400 });
        }

        #[test]
        fn a_transposed_head_is_channels_last() {
            let f = OutputFormat::from_shape(&[1, 8400, 6], Some(2)).unwrap();
            assert_eq!(f, OutputFormat { layout: Layout::ChannelsLast, classes: 2, anchors: 8400 });
        }

        #[test]
        fn a_yolov5_head_is_refused_when_the_classes_are_known() {
            assert_eq!(OutputFormat::from_shape(&[1, 25200, 85], Some(80)), Err(ShapeProblem::ClassCount));
        }

        #[test]
        fn wrong_ranks_and_tiny_heads_are_refused() {
            assert_eq!(OutputFormat::from_shape(&[1, 3, 84, 100], None), Err(ShapeProblem::Rank));
            assert_eq!(OutputFormat::from_shape(&[2, 84, 100], None), Err(ShapeProblem::Rank));
            assert_eq!(OutputFormat::from_shape(&[1, 4, 100], None), Err(ShapeProblem::TooFewChannels));
        }
    }

    mod for_each_above {
        use super::*;

        #[test]
        fn picks_each_anchors_best_class_in_both_layouts() {
            // Three anchors, two classes; anchor 1 is below threshold.
            let boxes = [[10.0, 20.0, 4.0, 2.0], [0.0; 4], [50.0, 60.0, 8.0, 6.0]];
            let scores = [[0.1, 0.8], [0.2, 0.1], [0.6, 0.3]];
            let mut first = vec![0.0f32; 18];
            let mut last = Vec::new();
            for i in 0..3 {
                for k in 0..4 {
                    first[k * 3 + i] = boxes[i][k];
                }
                for k in 0..2 {
                    first[(4 + k) * 3 + i] = scores[i][k];
                }
                last.extend_from_slice(&boxes[i]);
                last.extend_from_slice(&scores[i]);
            }
            for (layout, data) in [(Layout::ChannelsFirst, &first), (Layout::ChannelsLast, &last)] {
                let fmt = OutputFormat { layout, classes: 2, anchors: 3 };
                let mut got = Vec::new();
                fmt.for_each_above(data, 0.5, |b, k, s| got.push((b, k, s)));
                assert_eq!(got, vec![([10.0, 20.0, 4.0, 2.0], 1, 0.8), ([50.0, 60.0, 8.0, 6.0], 0, 0.6)], "{layout:?}");
            }
        }
    }
}
