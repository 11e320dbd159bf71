//! T1: street → community → grid → micro-grid → building → unit → household → resident.

mod code;
mod level;
mod record;

pub use code::{check_child_code, check_code};
pub use level::{Level, MicroGridKind};
pub use record::*;
