//! Printing the demo: the unit, each case's and outreach's timeline, the summary tables.

use std::collections::BTreeMap;
use std::io::{self, Write};

use lk3_core::Labelled;
use lk3_core::event::verify_chain;
use lk3_core::report::{ClientProfile, Figures, Report, UnitTally};

use crate::demo::{DemoCase, DemoOutreach, Step, Unit, wita};
use crate::synthetic::Stats;

pub fn header(out: &mut impl Write, unit: &Unit) -> io::Result<()> {
    writeln!(out, "LK3 Kota Bontang — unit {} — zona waktu WITA (UTC+8)", unit.code)?;
    writeln!(out, "Staf / staff:")?;
    for s in &unit.staff {
        writeln!(out, "  {:<26} {:<18} {}", s.name, s.role.id(), short(&s.id.to_string()))?;
    }
    writeln!(out, "Jejaring / partner network ({} mitra):", unit.partners.len())?;
    for p in unit.partners.iter() {
        let flags = if p.emergency_line { " (24 jam)" } else { "" };
        writeln!(out, "  {:<36} {:<16}{flags}", p.name, p.kind.id())?;
    }
    writeln!(out, "Klien tercatat hanya dengan id registri / clients appear by registry id only.")
}

/// The tail of an id: v7 ids made in the same millisecond share their head.
fn short(id: &str) -> String {
    id.get(id.len().saturating_sub(8)..).map(|s| format!("…{s}")).unwrap_or_else(|| id.to_owned())
}

fn steps(out: &mut impl Write, unit: &Unit, steps: &[Step]) -> io::Result<()> {
    writeln!(
        out,
        "   {:>3}  {:<16}  {:<26}  {:<16}  {:<60}  tahap / state",
        "seq", "waktu (WITA)", "staf", "peran", "peristiwa / event"
    )?;
    for step in steps {
        let when = step.at.with_timezone(&unit.tz).format("%Y-%m-%d %H:%M");
        let who = unit.staff[step.staff].name;
        let role = unit.staff[step.staff].role.id();
        match &step.outcome {
            Ok(lines) => {
                for l in lines {
                    let flag = if l.flagged { " ⚑ audit" } else { "" };
                    writeln!(out, "   {:>3}  {when}  {who:<26}  {role:<16}  {:<60}  {}{flag}", l.seq, l.what, l.state)?;
                }
            }
            Err((message_id, message_en)) => {
                writeln!(out, "     ✗  {when}  {who:<26}  {role:<16}  DITOLAK / REFUSED: {}", step.command)?;
                writeln!(out, "          id: {message_id}")?;
                writeln!(out, "          en: {message_en}")?;
            }
        }
    }
    Ok(())
}

pub fn case_timeline(out: &mut impl Write, unit: &Unit, c: &DemoCase) -> io::Result<()> {
    let number = c.case.case_number().map(ToString::to_string).unwrap_or_default();
    let sasaran = c.case.sasaran().map_or("-", Labelled::id);
    let channel = c.case.channel().map_or("-", Labelled::id);
    let rule_set = c.case.rule_set().map_or_else(|| "-".to_owned(), |r| r.to_string());
    writeln!(out, "\n== {number} — {} ({sasaran}, {channel}; aturan / rule set {rule_set})", c.title)?;
    steps(out, unit, &c.steps)?;
    let chain = match verify_chain(&c.events) {
        Ok(()) => format!("rantai hash utuh / hash chain intact ({} events)", c.events.len()),
        Err(e) => format!("RANTAI RUSAK / CHAIN BROKEN: {e}"),
    };
    let client = if c.case.is_continuing() { "binaan lanjutan (continuing)" } else { "baru (new)" };
    writeln!(out, "   {chain}; klien: {client}")
}

pub fn outreach_timeline(out: &mut impl Write, unit: &Unit, o: &DemoOutreach) -> io::Result<()> {
    writeln!(out, "\n== penjangkauan — {}", o.title)?;
    steps(out, unit, &o.steps)?;
    let chain = match verify_chain(&o.events) {
        Ok(()) => format!("rantai hash utuh / hash chain intact ({} events)", o.events.len()),
        Err(e) => format!("RANTAI RUSAK / CHAIN BROKEN: {e}"),
    };
    let link = o
        .outreach
        .case_link()
        .map(|l| format!("; kasus / case {}", short(&l.case_id().to_string())))
        .unwrap_or_default();
    writeln!(out, "   {chain}; kunjungan / visits: {}{link}", o.outreach.attempts())
}

pub fn summary(out: &mut impl Write, unit: &Unit, cases: &[DemoCase]) -> io::Result<()> {
    let report_at = wita(2019, 12, 31, 23, 59);
    writeln!(out, "\nRingkasan per 31-12-2019 / summary as of 31 Dec 2019")?;
    writeln!(
        out,
        "  {:<16} {:<10} {:<18} {:<18} {:>6} {:>7} {:<9} {:<40} darurat",
        "nomor kasus", "sasaran", "kanal", "tahap", "events", "ditolak", "klien", "layanan (tuntas/total)",
    )?;
    let mut by_stage: BTreeMap<&str, usize> = BTreeMap::new();
    for c in cases {
        let stage = c.case.stage().map_or("-", Labelled::id);
        *by_stage.entry(stage).or_default() += 1;
        let refused = c.steps.iter().filter(|s| s.outcome.is_err()).count();
        let all = c.case.services();
        let done = all.iter().filter(|s| s.is_closed(c.case.rule_set())).count();
        let overdue = c.case.overdue_referrals(report_at).count();
        let services = match c.case.on_spot_service() {
            Some(s) => format!("{} (di tempat)", s.id()),
            None if all.is_empty() => "-".to_owned(),
            None => format!(
                "{done}/{} {}{}",
                all.len(),
                all.iter().map(|s| s.kind.id()).collect::<Vec<_>>().join(","),
                if overdue > 0 { format!(" ⏰ {overdue} terlambat") } else { String::new() }
            ),
        };
        let emergency = c.case.protective_referrals().iter().map(|r| r.partner.id()).collect::<Vec<_>>().join(",");
        writeln!(
            out,
            "  {:<16} {:<10} {:<18} {:<18} {:>6} {:>7} {:<9} {:<40} {}",
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
    writeln!(out, "  kasus per tahap / cases per stage: {}", per_stage.join(", "))?;
    // The year's figures as `lk3 report` counts them, from the same events.
    let (from, to) =
        (wita(2019, 1, 1, 0, 0).with_timezone(&unit.tz).date_naive(), report_at.with_timezone(&unit.tz).date_naive());
    let Ok(mut tally) = UnitTally::new(&unit.code, from, to) else { return Ok(()) };
    for c in cases {
        tally.add_case(&c.events);
    }
    for o in &unit.outreaches {
        tally.add_outreach(&o.events);
    }
    let profiles = unit.registry.iter().map(|r| (r.client_id, ClientProfile::from(r))).collect();
    let report = Report::of_units(from, to, None, vec![tally.finish(&profiles)]);
    writeln!(out, "\nLaporan 2019 / 2019 report (lk3 report --unit {} --from {from} --to {to}):", unit.code)?;
    let figures = &report.total;
    let shown: Vec<String> = Figures::summary_columns()
        .iter()
        .zip(figures.summary())
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| format!("{}: {n}", c.label_id.to_lowercase()))
        .collect();
    writeln!(out, "  {}", shown.join(", "))?;
    let mix: Vec<String> =
        figures.services.iter().map(|s| format!("{}: {}", s.service.id(), s.started + s.on_the_spot)).collect();
    writeln!(out, "  layanan / services: {}", mix.join(", "))?;
    let aid: Vec<String> =
        figures.aid.iter().map(|a| format!("{} ×{} ({})", a.item.id(), a.quantity, a.funding.id())).collect();
    writeln!(out, "  bantuan / aid: {}", aid.join(", "))
}

/// The scripted cases' referrals as `lk3 fhir export` writes them: each
/// Task's status and partner, and what the Bundle holds.
pub fn fhir(out: &mut impl Write, unit: &Unit, cases: &[DemoCase]) -> io::Result<()> {
    use lk3_core::fhir::{FhirExport, referral_bundle};
    let keyed = lk3_storage::pseudonym::Keyed::new(b"lk3 demo pseudonyms");
    let identity = |c| unit.registry.iter().find(|r| r.client_id == c).cloned();
    let pseudonym = |c: lk3_core::ids::ClientId| format!("anon-{}", keyed.pseudonym(&c.to_string()));
    let export = FhirExport {
        base: "https://lk3.invalid/fhir",
        partners: Some(&unit.partners),
        identity: &identity,
        pseudonym: &pseudonym,
    };
    let streams: Vec<_> = cases.iter().map(|c| (c.case.clone(), c.events.clone())).collect();
    let at = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2019, 12, 31, 0, 0, 0).single().unwrap_or_default();
    let bundle = referral_bundle(&streams, &export, at);
    let resources: Vec<&serde_json::Value> =
        bundle["entry"].as_array().into_iter().flatten().map(|e| &e["resource"]).collect();
    writeln!(
        out,
        "
FHIR R4 (lk3 fhir export --db lk3.db): Task rujukan / referral Tasks (SDOHCC)"
    )?;
    let name = |member: &serde_json::Value| {
        let reference = member["reference"].as_str().unwrap_or_default();
        resources
            .iter()
            .find(|r| format!("Organization/{}", r["id"].as_str().unwrap_or_default()) == reference)
            .and_then(|r| r["name"].as_str())
            .unwrap_or("?")
    };
    for task in resources.iter().filter(|r| r["resourceType"] == "Task") {
        let subject = task["for"]["reference"].as_str().unwrap_or_default();
        writeln!(
            out,
            "  {:<11} {} -> {}  ({})",
            task["status"].as_str().unwrap_or_default(),
            name(&task["requester"]),
            name(&task["owner"]),
            subject.split('/').next().unwrap_or_default(),
        )?;
    }
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for r in &resources {
        let kind = r["resourceType"].as_str().unwrap_or_default();
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    let named = resources.iter().filter(|r| r["resourceType"] == "Patient" && r.get("name").is_some()).count();
    let listed: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    writeln!(out, "  Bundle: {}; pasien bernama (persetujuan) / named patients (consent): {named}", listed.join(", "))
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
