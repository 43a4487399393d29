//! The conformance suite on the in-memory store.

use crate::conformance;

use std::sync::Arc;

async fn store() -> Option<conformance::Store> {
    Some(Arc::new(lk3_storage::memory::MemoryStore::new()))
}

conformance_suite!(store);
