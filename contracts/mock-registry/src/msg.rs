//! The registry's messages are defined once, in `luckee-types`.

pub use luckee_types::registry::*;
