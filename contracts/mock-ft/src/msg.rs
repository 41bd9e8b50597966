//! The token's messages are cw20-base's, re-exported once in `luckee-types`.

pub use luckee_types::ft::*;
