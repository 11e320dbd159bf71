//! Automatic micro-grid division (SPEC G1–G3): divide units (buildings, blocks) into parts
//! (micro-grids) that are **contiguous**, **balanced** and **compact**.
//!
//! Pure: no I/O, no async, no global state. The exchange format is parsed from strings
//! ([`exchange`]); reading files is the caller's job.
//!
//! # Input and policy
//! A [`Problem`] has units with a weight (households), a planar position (metres) and
//! optionally an area and a perimeter; an adjacency list with optional shared-boundary
//! lengths (missing edges are barriers: roads, rivers); and optional fixed groups (grid or
//! community ids) that no part may cross. [`Options`] choose [`Policy::Parts`] (K parts,
//! max load ≤ (1 + tolerance)·total/K) or [`Policy::Cap`] (as few parts as possible, no load
//! over the cap). [`partition`] returns an [`Assignment`]; [`report::score`] measures any
//! assignment (SPEC G2) and [`report::diff`] compares two.
//!
//! # Guarantees
//! * Every part is connected in the adjacency graph — a hard rule: no move that would
//!   disconnect a part is ever made, and a final pass verifies it.
//! * Every unit is in exactly one part; no part crosses a fixed group.
//! * Same input, options and seed → same assignment (own SplitMix64 generator, no hash-map
//!   iteration in the algorithm).
//! * Cancellation through [`Control::cancel`] (checked between passes), progress through
//!   [`Control::progress`].
//!
//! # Method
//! 1. **Pieces.** A unit too heavy to share a part (over the cap; or over (1+tol)·target with
//!    K parts, repeated as the target shrinks) becomes a part of its own. The rest falls into
//!    pieces: connected components within each fixed group. Each piece needs at least one
//!    part; with K parts the remaining parts go to the piece with the highest load per part
//!    (D'Hondt highest averages, which minimises the largest mean load).
//! 2. **Multilevel division of a piece into k parts** (the scheme of METIS — Karypis & Kumar,
//!    "A fast and high quality multilevel scheme for partitioning irregular graphs", SIAM J.
//!    Sci. Comput. 1998 — with contiguity kept at every step):
//!    * *Coarsening* (`coarsen.rs`): randomised heavy-edge matching rated by expansion*² =
//!      ω²/(c_u·c_v) (Holtgrewe, Sanders & Schulz, KaHIP, 2010), where ω is the shared length
//!      relative to the two perimeters, with a cap on merged load, down to about 20 vertices
//!      per part. Merged vertices are connected sets, so contiguity survives projection.
//!    * *Initial division* (`initial.rs`): recursive bisection of the coarsest graph by a
//!      sweep along and near the principal axis (recursive inertial bisection, Simon 1991),
//!      grown through adjacency so each side is connected; pockets cut off by the sweep join
//!      the grown side. The cut is a near-straight line, which keeps parts compact.
//!    * *Uncoarsening* (`refine.rs`): at each level, loads are balanced by ejection chains —
//!      load flows from an overloaded part along a path of adjacent parts to one with room,
//!      each part passing on what it received (path balancing as in KaFFPa, Sanders & Schulz
//!      2011), with a bounded depth-first search when paths fail, and a vertex that holds its
//!      part together moving with the branch it would cut off; then greedy boundary passes
//!      move units to the adjacent part that most raises Σ Polsby–Popper (or most shortens
//!      the cut without shapes), within the load bounds. A unit moves only if its part stays
//!      connected without it: a breadth-first search inside the part from one of its
//!      neighbours must reach all the others.
//!    * *Recombination* (`recombine.rs`), once, at the first level with about 60 vertices per
//!      part: adjacent parts are merged and split again by sweep bisection and refinement;
//!      the new pair is kept when it is within bounds and more compact (the merge-split step
//!      of ReCom — DeFord, Duchin & Solomon 2019 — used greedily). This moves boundaries
//!      further than local moves can.
//! 3. **Cap policy.** A piece is first divided into about 10 % more parts than ⌈load/cap⌉
//!    (raised until every load fits). Then parts are dissolved one at a time into their
//!    neighbours — those whose load the neighbours' remaining room covers best first — and
//!    the result is kept only when balancing brings every load back under the cap; then
//!    loads are evened out and shapes refined and recombined with the number of parts fixed.
//! 4. **Fix-up.** A final pass hands any piece cut off from its part (none is expected) to
//!    the neighbouring part it shares most boundary with, then rebalances.
//!
//! Compactness is Polsby–Popper 4πA/P² (Polsby & Popper 1991) of each merged part, with
//! A = Σ unit areas and P = Σ unit perimeters − 2 × shared lengths of internal edges; it is
//! used when every unit has area and perimeter and every edge a length. Without them the
//! objective is the cut (total shared length, or number of cut edges).
//!
//! Related approaches: ReCom as a Markov chain (random spanning trees) samples plans well but
//! converges slowly when optimising; METIS's `contig` option repairs contiguity after the
//! fact and knows neither compactness nor a cap. Measured against METIS on the real data:
//! see the section "Partition (G1–G3)" of BENCHMARKS.md (`benches/partition/run.sh`).
//!
//! # Cost
//! Near linear in the number of units and edges for a fixed number of units per part:
//! 100,000 units into 2,000 parts in about 1.3 s and a street of 5,000 buildings under a cap
//! in about 0.4 s on one core of the project's machines (release build).
//!
//! # Adjacency from geometry
//! [`exchange::UnitsData::derive_edges`]: shared polygon boundaries (rook adjacency with
//! lengths, tolerance 1 m, T-junctions handled) when every unit is a polygon; for points, a
//! Delaunay-free fallback: the symmetric k-nearest-neighbour graph with k = 6. Components
//! are then linked at their nearest units, since without an edge file there is no barrier
//! information.

// Graph code indexes several arrays by vertex; index loops say that best.
#![allow(clippy::needless_range_loop)]

pub mod exchange;
pub mod geometry;
pub mod model;
pub mod report;

mod coarsen;
mod graph;
mod initial;
mod recombine;
mod refine;
mod rng;
mod solve;

pub use model::{Assignment, Control, Edge, Options, PartitionError, Policy, Problem, Progress, Unit};
pub use report::{Diff, PartReport, Report, diff, score};
pub use solve::partition;
