//! mock-registry (placeholder)
