//! The incentive contract's messages are defined once, in `luckee-types`.

pub use luckee_types::incentive::*;
