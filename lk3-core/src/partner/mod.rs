//! The partner registry (jejaring): being written.
