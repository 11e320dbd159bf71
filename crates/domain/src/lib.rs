//! OneGrid's rules, with no I/O: the territory tree and its codes, geometry (containment, the
//! point → area index, GCJ-02), the coverage rules of T3, people, posts and the permissions they
//! give (T5, R4), and the one error type of this layer.

pub mod case;
pub mod council;
pub mod coverage;
pub mod division;
pub mod error;
pub mod geometry;
pub mod people;
pub mod points;
pub mod territory;
pub mod volunteer;

pub use error::{DomainError, FieldError};
