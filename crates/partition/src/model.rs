//! Input and output types of a division (SPEC G1).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

/// A unit to be placed in exactly one part: a building, a block, a county.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Unit {
    /// Load the unit brings to its part (households). Finite and ≥ 0; zero is allowed.
    pub weight: f64,
    /// Position in a planar metric frame (metres), e.g. a projected centroid.
    pub x: f64,
    pub y: f64,
    /// Area in m², when known (needed for Polsby–Popper).
    pub area: Option<f64>,
    /// Perimeter in m, when known (needed for Polsby–Popper).
    pub perimeter: Option<f64>,
}

impl Unit {
    pub fn point(weight: f64, x: f64, y: f64) -> Self {
        Unit {
            weight,
            x,
            y,
            area: None,
            perimeter: None,
        }
    }
}

/// An adjacency between two units; `length` is the shared boundary in metres when known.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Edge {
    pub u: u32,
    pub v: u32,
    pub length: Option<f64>,
}

/// Everything a division needs. Units are indexed 0..n-1 by their position in `units`.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    pub units: Vec<Unit>,
    /// Adjacency. Missing edges are barriers (roads, rivers): parts are contiguous only
    /// through these edges. Duplicates and both directions are allowed (merged).
    pub edges: Vec<Edge>,
    /// Optional fixed group per unit (grid or community id): no part crosses a group.
    pub groups: Option<Vec<u32>>,
}

/// What the division aims for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Policy {
    /// Exactly this many parts (fewer only when there are fewer units; more only when the
    /// input has more connected pieces than this, since every piece needs its own part).
    Parts(usize),
    /// As few parts as possible with no part's load over the cap (a unit that alone
    /// exceeds the cap becomes a part by itself).
    Cap(f64),
}

/// Settings of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub policy: Policy,
    /// Same seed, same input → same assignment.
    pub seed: u64,
    /// Allowed imbalance with [`Policy::Parts`]: max load ≤ (1 + tolerance) · total / K.
    pub tolerance: f64,
    /// Independent multilevel attempts per piece, the best kept (0 or 1: one). More is
    /// slower and sometimes better.
    pub attempts: u32,
}

impl Options {
    pub fn parts(k: usize) -> Self {
        Options {
            policy: Policy::Parts(k),
            seed: 1,
            tolerance: 0.05,
            attempts: 0,
        }
    }
    pub fn cap(cap: f64) -> Self {
        Options {
            policy: Policy::Cap(cap),
            seed: 1,
            tolerance: 0.05,
            attempts: 0,
        }
    }
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

/// Progress of a long run, reported through [`Control::progress`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// What is being done: "prepare", "divide", "coarsen", "refine", "cap-search", "done".
    pub stage: &'static str,
    /// Work done and total work, in units (an estimate: pieces done plus the share of the
    /// current piece's levels; it can step back when a cap search starts another try).
    pub done: usize,
    pub total: usize,
}

/// Cancellation and progress hooks. Both optional; `Control::default()` has neither.
#[derive(Default, Clone, Copy)]
pub struct Control<'a> {
    /// Checked often; when it becomes true the run stops with [`PartitionError::Cancelled`].
    pub cancel: Option<&'a AtomicBool>,
    /// Called between phases and pieces.
    pub progress: Option<&'a dyn Fn(Progress)>,
}

impl Control<'_> {
    pub(crate) fn check(&self) -> Result<(), PartitionError> {
        match self.cancel {
            Some(flag) if flag.load(Ordering::Relaxed) => Err(PartitionError::Cancelled),
            _ => Ok(()),
        }
    }
    pub(crate) fn report(&self, stage: &'static str, done: usize, total: usize) {
        if let Some(f) = self.progress {
            f(Progress { stage, done, total });
        }
    }
}

impl fmt::Debug for Control<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Control")
            .field("cancel", &self.cancel.map(|c| c.load(Ordering::Relaxed)))
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// The result: `parts[i]` is the part of unit `i`; parts are numbered 0..n_parts-1 in the
/// order of their lowest unit id.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Assignment {
    pub parts: Vec<u32>,
    pub n_parts: usize,
    /// Facts the caller should know (more parts than asked, unavoidable overloads …).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PartitionError {
    /// The input is unusable; the message names the unit, edge or setting.
    Invalid(String),
    /// [`Control::cancel`] was raised.
    Cancelled,
}

impl fmt::Display for PartitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartitionError::Invalid(m) => write!(f, "invalid input: {m}"),
            PartitionError::Cancelled => write!(f, "cancelled"),
        }
    }
}

impl std::error::Error for PartitionError {}
