//! Fuzz target: `lk3_core::validate::validate` under every document kind and detection.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lk3_fuzz::validate_target(data));
