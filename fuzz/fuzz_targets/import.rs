//! Fuzz target: `lk3_storage::document::import_batch`: an export document checked and turned into a batch.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lk3_fuzz::import_target(data));
