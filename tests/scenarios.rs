//! The scenarios built from the seed reports, run as tests. Each is also a
//! runnable example (`cargo run --example scenario_...`); the example's own
//! assertions are the test.

// Each example brings its own copy of the small office helper.
#![allow(clippy::duplicate_mod)]

#[path = "../examples/scenario_bontang_aid.rs"]
mod bontang_aid;
#[path = "../examples/scenario_kdrt.rs"]
mod kdrt;
#[path = "../examples/scenario_outreach_elderly.rs"]
mod outreach_elderly;
#[path = "../examples/scenario_referral_resent.rs"]
mod referral_resent;
#[path = "../examples/scenario_sosialisasi.rs"]
mod sosialisasi;

#[test]
fn a_bontang_2019_aid_for_blind_and_stroke_clients() {
    assert_eq!(bontang_aid::run().iter().map(|(_, _, n)| n).sum::<u32>(), 7);
}

#[test]
fn b_kdrt_from_contact_to_closure_with_two_referrals() {
    let outcome = kdrt::run();
    assert!(outcome.events > 20);
}

#[test]
fn c_outreach_finds_the_elderly_woman_on_the_second_visit() {
    assert_eq!(outreach_elderly::run(), 2);
}

#[test]
fn d_tanjungpinang_2017_sosialisasi_as_group_informasi() {
    assert_eq!(sosialisasi::run(), 325);
}

#[test]
fn e_refused_referral_is_re_sent_elsewhere() {
    let (first, second) = referral_resent::run();
    assert_ne!(first, second);
}
