//! Integration tests of the partition crate (SPEC G1, G2). One test binary, modules inside.

mod common;
mod exchange;
mod properties;
mod real_data;
mod report;
mod solve;
