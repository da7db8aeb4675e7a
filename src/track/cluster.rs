//! Union-find (disjoint sets) over tracks and detections linked by gated pairs: each resulting
//! cluster is an independent assignment problem.
//!
//! # References
//! - R. E. Tarjan, "Efficiency of a good but not linear set union algorithm", JACM 22(2), 1975.

/// Disjoint sets with path halving and union by size.
#[derive(Debug, Clone, Default)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// Reset to `n` singletons, reusing memory.
    pub fn reset(&mut self, n: usize) {
        self.parent.clear();
        self.parent.extend(0..n as u32);
        self.size.clear();
        self.size.resize(n, 1);
    }

    /// Representative of `x`'s set.
    #[inline]
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = p;
            x = p;
        }
        x
    }

    /// Merge the sets of `a` and `b`.
    #[inline]
    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] { (ra, rb) } else { (rb, ra) };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chained_unions_end_in_one_set_and_others_stay_apart() {
        let mut u = UnionFind::default();
        u.reset(6);
        u.union(0, 1);
        u.union(1, 2);
        u.union(4, 5);
        assert_eq!(u.find(0), u.find(2));
        assert_ne!(u.find(0), u.find(3));
        assert_eq!(u.find(4), u.find(5));
        assert_ne!(u.find(3), u.find(5));
    }
}
