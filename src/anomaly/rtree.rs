//! [`BoxTree`]: a static, bulk-loaded R-tree (sort-tile-recursive packing) over bounding boxes,
//! so a point-in-zone query only tests the polygons whose boxes contain the point.
//!
//! Why not the `rstar` crate: it is only a transitive dependency of `geo` here (not re-exported),
//! and zone sets are small and rebuilt whole on reload, so a packed tree that is never edited in
//! place is all that is needed.

/// An axis-aligned box `[min_x, min_y, max_x, max_y]` (lon/lat degrees for zones).
pub type Bbox = [f64; 4];

/// Children per node.
const FANOUT: usize = 8;

#[derive(Debug, Clone)]
struct Node {
    bbox: Bbox,
    /// Leaf: item indices; inner: node indices.
    children: Vec<usize>,
    leaf: bool,
}

/// A static R-tree over item boxes; items are referred to by their index in the input.
#[derive(Debug, Clone, Default)]
pub struct BoxTree {
    nodes: Vec<Node>,
    items: Vec<Bbox>,
    root: Option<usize>,
}

fn union(a: Bbox, b: Bbox) -> Bbox {
    [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]
}

fn contains(b: &Bbox, x: f64, y: f64) -> bool {
    x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]
}

impl BoxTree {
    /// Bulk-load a tree over `boxes` (sort-tile-recursive: sort by x centre, cut into vertical
    /// slices, sort each slice by y centre, pack runs of [`FANOUT`]).
    pub fn new(boxes: &[Bbox]) -> Self {
        let mut t = BoxTree { items: boxes.to_vec(), ..Default::default() };
        if boxes.is_empty() {
            return t;
        }
        let mut level: Vec<(Bbox, usize)> = boxes.iter().copied().zip(0..).collect();
        let mut leaf = true;
        loop {
            let n = level.len();
            let groups = n.div_ceil(FANOUT);
            let slices = (groups as f64).sqrt().ceil().max(1.0) as usize;
            let per_slice = n.div_ceil(slices);
            level.sort_by(|a, b| (a.0[0] + a.0[2]).total_cmp(&(b.0[0] + b.0[2])));
            let mut next = Vec::with_capacity(groups);
            for slice in level.chunks_mut(per_slice.max(1)) {
                slice.sort_by(|a, b| (a.0[1] + a.0[3]).total_cmp(&(b.0[1] + b.0[3])));
                for run in slice.chunks(FANOUT) {
                    let bbox = run.iter().map(|r| r.0).reduce(union).unwrap_or([0.0; 4]);
                    t.nodes.push(Node { bbox, children: run.iter().map(|r| r.1).collect(), leaf });
                    next.push((bbox, t.nodes.len() - 1));
                }
            }
            leaf = false;
            if next.len() == 1 {
                t.root = Some(next[0].1);
                return t;
            }
            level = next;
        }
    }

    /// Call `f` with the index of every item whose box contains `(x, y)`.
    pub fn query_point(&self, x: f64, y: f64, mut f: impl FnMut(usize)) {
        if let Some(root) = self.root {
            self.visit(root, x, y, &mut f);
        }
    }

    /// Depth first without a heap-allocated stack (one query per track per rule on the hot
    /// path); children last to first, the order the former explicit stack popped them in, so
    /// callers that keep the first of equals see the same item.
    fn visit(&self, n: usize, x: f64, y: f64, f: &mut impl FnMut(usize)) {
        let node = &self.nodes[n];
        if !contains(&node.bbox, x, y) {
            return;
        }
        if node.leaf {
            node.children.iter().filter(|&&i| contains(&self.items[i], x, y)).for_each(|&i| f(i));
        } else {
            for &c in node.children.iter().rev() {
                self.visit(c, x, y, f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod query_point {
        use super::*;

        #[test]
        fn finds_exactly_the_boxes_holding_the_point() {
            let boxes: Vec<Bbox> = (0..100)
                .map(|i| {
                    let x = (i % 10) as f64;
                    let y = (i / 10) as f64;
                    [x, y, x + 1.5, y + 1.5]
                })
                .collect();
            let t = BoxTree::new(&boxes);
            let mut got = Vec::new();
            t.query_point(5.2, 3.7, |i| got.push(i));
            got.sort();
            let want: Vec<usize> = (0..100).filter(|&i| contains(&boxes[i], 5.2, 3.7)).collect();
            assert_eq!(got, want);
            assert!(!got.is_empty());
        }

        #[test]
        fn empty_tree_finds_nothing() {
            let mut n = 0;
            BoxTree::new(&[]).query_point(0.0, 0.0, |_| n += 1);
            assert_eq!(n, 0);
        }
    }
}
