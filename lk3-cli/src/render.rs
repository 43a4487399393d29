//! Printing the demo: the unit, each case's timeline, the summary tables.

use std::collections::BTreeMap;
use std::io::{self, Write};

use lk3_core::Labelled;
use lk3_core::case::PlanItemStatus;
use lk3_core::rules::RuleSet;
use lk3_core::vocab::Stage;

use crate::demo::{DemoCase, Unit};
use crate::synthetic::Stats;

pub fn header(out: &mut impl Write, unit: &Unit) -> io::Result<()> {
    writeln!(out, "LK3 Kota Bontang — unit {} — zona waktu WITA (UTC+8)", unit.code)?;
    writeln!(out, "Rule set: {}", lk3_core::rules::RuleSetId::default())?;
    writeln!(out, "Staf / staff:")?;
    for s in &unit.staff {
        writeln!(out, "  {:<26} {:<18} {}", s.name, s.role.id(), short(&s.id.to_string()))?;
    }
    writeln!(out, "Klien tercatat hanya dengan id registri / clients appear by registry id only.")
}

/// The tail of an id: v7 ids made in the same millisecond share their head.
fn short(id: &str) -> String {
    id.get(id.len().saturating_sub(8)..).map(|s| format!("…{s}")).unwrap_or_else(|| id.to_owned())
}

pub fn timeline(out: &mut impl Write, unit: &Unit, c: &DemoCase) -> io::Result<()> {
    let number = c.case.case_number().map(ToString::to_string).unwrap_or_default();
    let sasaran = c.case.sasaran().map_or("-", Labelled::id);
    let channel = c.case.channel().map_or("-", Labelled::id);
    writeln!(out, "\n== {number} — {} ({sasaran}, {channel})", c.title)?;
    writeln!(
        out,
        "   {:>3}  {:<16}  {:<26}  {:<16}  {:<28}  tahap / stage",
        "seq", "waktu (WITA)", "staf", "peran", "peristiwa / event"
    )?;
    let mut stage: Option<Stage> = None;
    let rules = RuleSet::get(c.case.rule_set());
    for step in &c.steps {
        let when = step.at.with_timezone(&unit.tz).format("%Y-%m-%d %H:%M");
        let who = unit.staff[step.staff].name;
        let role = unit.staff[step.staff].role.id();
        match &step.outcome {
            Ok(events) => {
                for e in events {
                    stage = rules.transition(stage, e.payload.command_kind()).map(|t| t.to).or(stage);
                    let flag = if e.payload.is_audit_flagged() { " ⚑ audit" } else { "" };
                    writeln!(
                        out,
                        "   {:>3}  {when}  {who:<26}  {role:<16}  {:<28}  {}{flag}",
                        e.seq,
                        e.payload.type_name(),
                        stage.map_or("-", Labelled::id)
                    )?;
                }
            }
            Err(err) => {
                use lk3_core::Lk3Error;
                writeln!(out, "     ✗  {when}  {who:<26}  {role:<16}  DITOLAK / REFUSED: {}", step.command)?;
                writeln!(out, "          id: {}", err.message_id())?;
                writeln!(out, "          en: {err}")?;
            }
        }
    }
    let chain = match lk3_core::event::verify_chain(&c.events) {
        Ok(()) => format!("rantai hash utuh / hash chain intact ({} events)", c.events.len()),
        Err(e) => format!("RANTAI RUSAK / CHAIN BROKEN: {e}"),
    };
    writeln!(out, "   {chain}; klien: {}", client_status(c))
}

fn client_status(c: &DemoCase) -> &'static str {
    if c.case.is_continuing() { "binaan lanjutan (continuing)" } else { "baru (new)" }
}

pub fn summary(out: &mut impl Write, cases: &[DemoCase]) -> io::Result<()> {
    writeln!(out, "\nRingkasan / summary")?;
    writeln!(
        out,
        "  {:<16} {:<10} {:<18} {:<18} {:>6} {:>7} {:<10} {:<24} darurat",
        "nomor kasus", "sasaran", "kanal", "tahap", "events", "ditolak", "klien", "layanan (selesai/total)",
    )?;
    let mut by_stage: BTreeMap<&str, usize> = BTreeMap::new();
    for c in cases {
        let stage = c.case.stage().map_or("-", Labelled::id);
        *by_stage.entry(stage).or_default() += 1;
        let refused = c.steps.iter().filter(|s| s.outcome.is_err()).count();
        let services = c.case.planned_services();
        let done = services.iter().filter(|s| s.status == PlanItemStatus::Selesai).count();
        let services = match c.case.on_spot_service() {
            Some(s) => format!("{} (di tempat)", s.id()),
            None if services.is_empty() => "-".to_owned(),
            None => format!(
                "{done}/{} {}",
                services.len(),
                services.iter().map(|s| s.item.service.id()).collect::<Vec<_>>().join(",")
            ),
        };
        let emergency = c.case.protective_referrals().iter().map(|r| r.partner.id()).collect::<Vec<_>>().join(",");
        writeln!(
            out,
            "  {:<16} {:<10} {:<18} {:<18} {:>6} {:>7} {:<10} {:<24} {}",
            c.case.case_number().map(ToString::to_string).unwrap_or_default(),
            c.case.sasaran().map_or("-", Labelled::id),
            c.case.channel().map_or("-", Labelled::id),
            stage,
            c.events.len(),
            refused,
            if c.case.is_continuing() { "lanjutan" } else { "baru" },
            services,
            if emergency.is_empty() { "-".to_owned() } else { emergency },
        )?;
    }
    let per_stage: Vec<String> = by_stage.iter().map(|(s, n)| format!("{s}: {n}")).collect();
    writeln!(out, "  kasus per tahap / cases per stage: {}", per_stage.join(", "))
}

pub fn synthetic(out: &mut impl Write, stats: &Stats) -> io::Result<()> {
    writeln!(out, "\nKasus sintetis / synthetic cases: {}", stats.cases)?;
    writeln!(
        out,
        "  events: {}, langkah ditolak / refused steps: {}, rantai utuh / chains intact: {}",
        stats.events, stats.refused, stats.chains_intact
    )?;
    let per_stage: Vec<String> = stats.by_stage.iter().map(|(s, n)| format!("{}: {n}", s.id())).collect();
    writeln!(out, "  per tahap / per stage: {}", per_stage.join(", "))
}
