//! luckee-incentive (placeholder)
