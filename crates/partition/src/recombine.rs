//! Recombination of adjacent parts (SPEC G1 compactness).
//!
//! Local moves only smooth a boundary; they cannot move it far. Recombination takes two
//! adjacent parts, merges them and divides the union again from scratch by sweep bisection
//! (trying several directions) followed by balancing and refinement, and keeps the new pair
//! when both halves are within bounds and the objective improved. This is the merge-split
//! step of ReCom (DeFord, Duchin & Solomon, "Recombination: a family of Markov chains for
//! redistricting", 2019) used greedily, with a sweep instead of a random spanning tree so
//! that the new boundary is short. Both halves are connected by construction, so
//! contiguity is kept.

use crate::initial::initial;
use crate::model::{Control, PartitionError};
use crate::refine::{Bounds, State, polsby_popper};
use crate::rng::Rng;

impl State<'_> {
    /// Score of the pair (p, q) under the objective: Σ PP with shapes, else −(shared length
    /// between them), since their boundary with other parts does not change.
    fn pair_score(&self, p: usize, q: usize) -> f64 {
        if self.shapes {
            polsby_popper(self.area[p], self.perim[p]) + polsby_popper(self.area[q], self.perim[q])
        } else {
            let g = self.g;
            let mut c = 0.0;
            for &v in &self.members[p] {
                for e in g.range(v as usize) {
                    if self.part[g.adj[e] as usize] as usize == q {
                        c += g.elen[e];
                    }
                }
            }
            -c
        }
    }

    /// Greedy recombination rounds over adjacent pairs, worst pairs first. Returns the
    /// number of pairs improved.
    pub fn recombine(&mut self, b: &Bounds, rounds: usize, rng: &mut Rng, ctrl: &Control) -> Result<usize, PartitionError> {
        let g = self.g;
        let mut improved = 0;
        let mut local = vec![u32::MAX; g.n()];
        // Pairs already tried stay hopeless until one of the two parts changes.
        let mut dirty = vec![true; self.k];
        for _ in 0..rounds {
            // Adjacent pairs, worst first.
            let mut pairs: Vec<(u32, u32)> = Vec::new();
            for v in 0..g.n() {
                let p = self.part[v];
                for e in g.range(v) {
                    let q = self.part[g.adj[e] as usize];
                    if p < q && (dirty[p as usize] || dirty[q as usize]) {
                        pairs.push((p, q));
                    }
                }
            }
            pairs.sort_unstable();
            pairs.dedup();
            let mut scored: Vec<(f64, u32, u32)> = pairs
                .iter()
                .map(|&(p, q)| (self.pair_score(p as usize, q as usize), p, q))
                .collect();
            scored.sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then((x.1, x.2).cmp(&(y.1, y.2))));
            let mut round_gain = 0;
            let mut next_dirty = vec![false; self.k];
            for (i, &(_, p, q)) in scored.iter().enumerate() {
                if i % 16 == 0 {
                    ctrl.check()?;
                }
                if self.try_pair(p as usize, q as usize, b, rng, ctrl, &mut local)? {
                    round_gain += 1;
                    next_dirty[p as usize] = true;
                    next_dirty[q as usize] = true;
                }
            }
            dirty = next_dirty;
            improved += round_gain;
            if round_gain == 0 {
                break;
            }
        }
        Ok(improved)
    }

    fn try_pair(
        &mut self,
        p: usize,
        q: usize,
        b: &Bounds,
        rng: &mut Rng,
        ctrl: &Control,
        local: &mut [u32],
    ) -> Result<bool, PartitionError> {
        let g = self.g;
        let verts: Vec<u32> = self.members[p].iter().chain(&self.members[q]).copied().collect();
        if verts.len() < 3 {
            return Ok(false);
        }
        let before = self.pair_score(p, q);
        let sub = g.induced(&verts, local, |_, _| true);
        let wsum = self.load[p] + self.load[q];
        let pb = Bounds {
            target: wsum / 2.0,
            upper: b.upper.max(self.load[p].max(self.load[q])),
            lower: b.lower.min(self.load[p].min(self.load[q])),
        };
        let start = initial(&sub, 2, 3, rng);
        let mut s = State::new(&sub, 2, start, self.shapes);
        s.fill_empty();
        s.balance(&pb, ctrl)?;
        s.improve(&pb, 6, rng, ctrl)?;
        if s.members[0].is_empty() || s.members[1].is_empty() || s.violation(&pb) > 1e-12 {
            return Ok(false);
        }
        // Both new halves must be no worse on balance than the old pair.
        let old_max = self.load[p].max(self.load[q]);
        let new_max = s.load[0].max(s.load[1]);
        if new_max > pb.upper.min(b.upper.max(old_max)) {
            return Ok(false);
        }
        let after = if self.shapes { s.objective() } else { -s.cut() };
        if after <= before + 1e-9 * before.abs().max(1e-9) {
            return Ok(false);
        }
        // Keep the labels of the side that overlaps most, so that fewer units move.
        let same: usize = (0..verts.len())
            .filter(|&i| (s.part[i] == 0) == (self.part[verts[i] as usize] as usize == p))
            .count();
        let (to0, to1) = if 2 * same >= verts.len() { (p, q) } else { (q, p) };
        for (i, &v) in verts.iter().enumerate() {
            let want = if s.part[i] == 0 { to0 } else { to1 };
            if self.part[v as usize] as usize != want {
                self.apply(v as usize, want);
            }
        }
        Ok(true)
    }
}
