//! Fuzz target: An `OutreachCommand` parsed from JSON and decided against the fixed outreach states.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lk3_fuzz::outreach_command_target(data));
