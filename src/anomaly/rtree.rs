//! [`BoxTree`]: a static, bulk-loaded R-tree (sort-tile-recursive packing) over bounding boxes,
//! so a point-in-zone query only tests the polygons whose boxes contain the point.
//!
//! Why not the `rstar` crate: it is only a transitive dependency of `geo` here (not re-exported),
//! and zone sets are small and rebuilt whole on reload, so a packed tree that is never edited in
//! place is all that is needed.
use super::grid::clamped_cell;

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
    grid: Option<Grid>,
}

/// Cells per side of [`Grid`].
const GRID_N: usize = 64;

/// A uniform grid over the items' extent listing, per cell, the items whose boxes reach into it,
/// in the order the tree visits them: a point query reads one short list instead of descending
/// the tree (two queries per track per update on the engine's hot path).
///
/// Exact: an item is listed in every cell from the cell of its box's low corner to that of its
/// high corner, computed by the same monotone arithmetic as a query's cell, so a point inside
/// the box always finds it; the box test then keeps exactly the tree's items, in its order.
#[derive(Debug, Clone)]
struct Grid {
    x0: f64,
    y0: f64,
    sx: f64,
    sy: f64,
    /// Items of cell `c`: `items[start[c]..start[c + 1]]`.
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Grid {
    fn new(boxes: &[Bbox], order: &[usize]) -> Option<Grid> {
        let finite = |b: &&Bbox| b.iter().all(|v| v.is_finite()) && b[0] <= b[2] && b[1] <= b[3];
        let ext = boxes.iter().filter(finite).copied().reduce(union)?;
        let (w, h) = (ext[2] - ext[0], ext[3] - ext[1]);
        if !(w > 0.0 && h > 0.0) {
            return None;
        }
        let mut g = Grid {
            x0: ext[0],
            y0: ext[1],
            sx: GRID_N as f64 / w,
            sy: GRID_N as f64 / h,
            start: Vec::new(),
            items: Vec::new(),
        };
        let mut cells: Vec<Vec<u32>> = vec![Vec::new(); GRID_N * GRID_N];
        for &i in order {
            let b = &boxes[i];
            if !finite(&b) {
                continue;
            }
            let ((i0, j0), (i1, j1)) = (g.cell_of(b[0], b[1]), g.cell_of(b[2], b[3]));
            for j in j0..=j1 {
                for k in i0..=i1 {
                    cells[j * GRID_N + k].push(i as u32);
                }
            }
        }
        g.start.push(0);
        for c in cells {
            g.items.extend(c);
            g.start.push(g.items.len() as u32);
        }
        Some(g)
    }

    /// The cell of a point, clamped (the extent's edges belong to the border cells).
    fn cell_of(&self, x: f64, y: f64) -> (usize, usize) {
        (clamped_cell((x - self.x0) * self.sx, GRID_N), clamped_cell((y - self.y0) * self.sy, GRID_N))
    }
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
                let mut order = Vec::with_capacity(boxes.len());
                t.dfs(next[0].1, &mut order);
                t.grid = Grid::new(boxes, &order);
                return t;
            }
            level = next;
        }
    }

    /// Call `f` with the index of every item whose box contains `(x, y)`, in the tree's order.
    pub fn query_point(&self, x: f64, y: f64, mut f: impl FnMut(usize)) {
        if let Some(g) = &self.grid
            && x >= g.x0
            && y >= g.y0
        {
            // Beyond the extent's high edges the border cells' boxes reject the point anyway.
            let (i, j) = g.cell_of(x, y);
            let c = j * GRID_N + i;
            for &k in &g.items[g.start[c] as usize..g.start[c + 1] as usize] {
                if contains(&self.items[k as usize], x, y) {
                    f(k as usize);
                }
            }
            return;
        }
        if let Some(root) = self.root {
            self.visit(root, x, y, &mut f);
        }
    }

    /// Every item in the order [`BoxTree::visit`] reaches them (children last to first).
    fn dfs(&self, n: usize, out: &mut Vec<usize>) {
        let node = &self.nodes[n];
        if node.leaf {
            out.extend(node.children.iter().copied());
        } else {
            for &c in node.children.iter().rev() {
                self.dfs(c, out);
            }
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
        fn the_grid_finds_what_the_tree_finds_in_the_same_order() {
            // Overlapping boxes of many sizes, some sharing edges, and points on the edges.
            let boxes: Vec<Bbox> = (0..300)
                .map(|i| {
                    let (x, y) = (((i * 37) % 97) as f64 * 0.1, ((i * 61) % 89) as f64 * 0.1);
                    let (w, h) = (0.05 + ((i * 13) % 40) as f64 * 0.1, 0.05 + ((i * 29) % 30) as f64 * 0.1);
                    [x, y, x + w, y + h]
                })
                .chain([[f64::NAN; 4]])
                .collect();
            let t = BoxTree::new(&boxes);
            assert!(t.grid.is_some());
            let mut hits = 0;
            for k in 0..20_000 {
                let (x, y) = (((k * 7919) % 1500) as f64 * 0.01 - 1.0, ((k * 104_729) % 1400) as f64 * 0.01 - 1.0);
                for (x, y) in [(x, y), (boxes[k % 300][2], y), (x, boxes[k % 300][1])] {
                    let (mut got, mut want) = (Vec::new(), Vec::new());
                    t.query_point(x, y, |i| got.push(i));
                    if let Some(root) = t.root {
                        t.visit(root, x, y, &mut |i| want.push(i));
                    }
                    assert_eq!(got, want, "at {x},{y}");
                    hits += got.len();
                }
            }
            assert!(hits > 10_000, "{hits}");
        }

        #[test]
        fn empty_tree_finds_nothing() {
            let mut n = 0;
            BoxTree::new(&[]).query_point(0.0, 0.0, |_| n += 1);
            assert_eq!(n, 0);
        }
    }
}
