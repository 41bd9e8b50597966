//! luckee-types (placeholder)
