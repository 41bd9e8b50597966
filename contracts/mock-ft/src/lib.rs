//! mock-ft (placeholder)
