//! Fuzz target: A `CaseCommand` parsed from JSON and decided against the fixed case states.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lk3_fuzz::case_command_target(data));
