//! P5: volunteer task orders ("community dispatches, residents take orders, joint meeting
//! evaluates"): what a task must say, the life of a claim, and how service time is counted.

mod claim;
pub mod record;
mod task;

pub use claim::{ClaimAction, ClaimStatus, service_minutes};
pub use task::{NewTask, TaskStatus};
