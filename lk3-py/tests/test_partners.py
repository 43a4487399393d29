"""Each unit's partner network kept in the store: read back in lk3's form and
in Open Referral HSDS 3.0, imported all or none, and every partner a case
names checked against it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Dict, List

import pytest

import lk3
from conftest import UNIT, World, demo_report_dir

new_id = lk3.new_id


def a_partner(unit: str = UNIT, *, accepts_referrals: bool = True, services: Any = None) -> Dict[str, Any]:
    return {
        "partner_id": new_id(),
        "unit": unit,
        "name": "UPTD PPA Kota Bontang",
        "kind": "uptd_ppa",
        "services": services
        if services is not None
        else [{"service_id": "pendampingan", "name": "Pendampingan korban", "status": "aktif"}],
        "locations": [{"location_id": "kantor", "kind": "fisik", "kode_wilayah": "64.74.02"}],
        "accepts_referrals": accepts_referrals,
        "emergency_line": True,
    }


def test_the_demo_network_reads_back_the_same_from_hsds(tmp_path: Path) -> None:
    shutil.copyfile(demo_report_dir() / "lk3.db", tmp_path / "lk3.db")
    with lk3.Store.open(tmp_path / "lk3.db") as store:
        network = store.partners()
        hsds = store.partners(format="hsds")
        assert store.partners("64.72") == []
    assert len(network) >= 5 and all(p["unit"] == "64.74" for p in network)
    assert [o["id"] for o in hsds] == [p["partner_id"] for p in network]
    for organization in hsds:
        assert {a["taxonomy_term"]["code"] for a in organization["attributes"]} >= {"unit_lk3", "menerima_rujukan"}
        assert {s["status"] for s in organization["services"]} <= {"active", "inactive", "defunct", "temporarily closed"}
    with lk3.Store.open("memory://") as fresh:
        assert fresh.import_partners(hsds, format="hsds") == {"added": len(hsds), "changed": 0, "unchanged": 0}
        assert fresh.partners() == network
        assert fresh.import_partners(network) == {"added": 0, "changed": 0, "unchanged": len(network)}


def test_a_network_is_imported_all_or_none(store: lk3.Store) -> None:
    good = a_partner()
    bad = dict(a_partner(), name="")
    with pytest.raises(lk3.CommandRefused) as refused:
        store.import_partners([good, bad])
    assert refused.value.code == "LK3-E033"
    assert store.partners() == []
    assert store.import_partners([good])["added"] == 1
    moved = dict(good, unit="64.72")
    with pytest.raises(lk3.CommandRefused) as other_unit:
        store.import_partners([moved])
    assert other_unit.value.code == "LK3-E033" and good["partner_id"] in str(other_unit.value)
    stopped = dict(good, accepts_referrals=False)
    assert store.import_partners([stopped]) == {"added": 0, "changed": 1, "unchanged": 0}
    assert store.partners(UNIT)[0]["accepts_referrals"] is False
    with pytest.raises(ValueError):
        store.import_partners([good], format="xml")  # type: ignore[arg-type]
    with pytest.raises(lk3.ValidationError) as not_hsds:
        store.import_partners([{"id": "x"}], format="hsds")
    assert not_hsds.value.code == "LK3-E070"


def test_every_referral_is_checked_against_the_unit_s_network(world: World) -> None:
    s = world.store
    taking = a_partner(services=[
        {"service_id": "pendampingan", "name": "Pendampingan", "status": "aktif"},
        {"service_id": "mediasi", "name": "Mediasi", "status": "tutup_sementara"},
    ])
    not_taking = a_partner(accepts_referrals=False)
    # The partner the world's consents disclose to is in the network too.
    consented_to = dict(a_partner(), partner_id=world.partner)
    s.import_partners([taking, not_taking, consented_to])
    case = world.in_intervention(items=["konseling"])
    refusals: List[Any] = [(new_id(), "LK3-E031"), (not_taking["partner_id"], "LK3-E143")]
    for partner_id, code in refusals:
        with pytest.raises(lk3.CommandRefused) as refused:
            s.open_service(case.case_id, kind="rujukan", partner_id=partner_id, actor=world.pekerja_sosial, at=world.at())
        assert refused.value.code == code
        assert s.case(case.case_id).version == case.version, "nothing written"
    # A command decided against a version the caller names is judged as a command too.
    with pytest.raises(lk3.CommandRefused) as versioned:
        s.execute(case.case_id, {"type": "open_service", "kind": "rujukan", "service_id": new_id(),
                                 "referral": {"partner_id": not_taking["partner_id"]}},
                  actor=world.pekerja_sosial, at=world.at(), expected_version=case.version)
    assert versioned.value.code == "LK3-E143"
    case = s.open_service(case.case_id, kind="rujukan", partner_id=taking["partner_id"], actor=world.pekerja_sosial,
                          at=world.at())
    referral = next(x for x in case.services if x.kind == "rujukan")
    for service, code in (("tidak-ada", "LK3-E031"), ("mediasi", "LK3-E143")):
        with pytest.raises(lk3.CommandRefused) as refused:
            s.service_step(case.case_id, referral.service_id, "send", request={"service": service},
                           emergency="ancaman_keselamatan", actor=world.pekerja_sosial, at=world.at())
        assert refused.value.code == code
    sent = s.service_step(case.case_id, referral.service_id, "send", request={"service": "pendampingan"},
                          emergency="ancaman_keselamatan", actor=world.pekerja_sosial, at=world.at())
    assert next(x for x in sent.services if x.service_id == referral.service_id).state == "dikirim"


def test_a_protective_referral_gets_the_partner_s_response_and_outcome(world: World) -> None:
    s = world.store
    case = world.registered()
    case = s.send_protective_referral(case.case_id, partner="polisi_uppa", reason="kekerasan_berlanjut",
                                      partner_id=world.partner, actor=world.pekerja_sosial, at=world.at())
    referral = case.protective_referrals[-1]
    assert (referral.state, referral.consent_override, referral.partner_id) == ("dikirim", True, world.partner)
    # Recorded by the partner's own staff, by the referral table: accept, then complete once the override is reviewed.
    case = s.protective_referral_step(case.case_id, referral.referral_id, "accept", actor=world.mitra, at=world.at())
    assert case.protective_referrals[-1].state == "diterima"
    with pytest.raises(lk3.CommandRefused) as refused:
        s.protective_referral_step(case.case_id, referral.referral_id, "complete", feedback={"outcome": "tertangani"},
                                   actor=world.mitra, at=world.at())
    assert refused.value.code == "LK3-E038"
    s.protective_referral_step(case.case_id, referral.referral_id, "approve_override", actor=world.ketua, at=world.at())
    case = s.protective_referral_step(case.case_id, referral.referral_id, "complete",
                                      feedback={"outcome": "tertangani"}, actor=world.mitra, at=world.at())
    done = case.protective_referrals[-1]
    assert (done.state, done.feedback_outcome) == ("selesai", "tertangani")
    assert done.override_approved_by == world.ketua.staff_id
    with pytest.raises(lk3.TransitionRefused) as again:
        s.protective_referral_step(case.case_id, referral.referral_id, "accept", actor=world.mitra, at=world.at())
    assert again.value.code == "LK3-E036"
    assert s.verify()["problems"] == []


def test_the_ketua_reassigns_a_case_and_the_caseload_follows(world: World) -> None:
    s = world.store
    case = world.in_contract()
    before = case.worker
    assert before is not None
    load = {(l["worker"], stage): n for l in s.caseload(UNIT) for stage, n in l["by_stage"].items()}
    assert load[(before, "kontrak")] >= 1
    other = world.peksos2.staff_id
    with pytest.raises(lk3.PermissionDenied):
        s.assign_worker(case.case_id, worker=other, reason="cuti", actor=world.pekerja_sosial, at=world.at())
    case = s.assign_worker(case.case_id, worker=other, reason="cuti", actor=world.ketua, at=world.at())
    assert case.worker == other
    after = {(l["worker"], stage): n for l in s.caseload(UNIT) for stage, n in l["by_stage"].items()}
    assert after.get((before, "kontrak"), 0) == load[(before, "kontrak")] - 1
    assert after[(other, "kontrak")] == load.get((other, "kontrak"), 0) + 1
    with pytest.raises(lk3.CommandRefused) as same:
        s.assign_worker(case.case_id, worker=other, reason="cuti", actor=world.ketua, at=world.at())
    assert same.value.code == "LK3-E033"
    assert s.events(case.case_id)[-1]["payload"] == {
        "type": "worker_assigned", "worker": other, "previous": before, "reason": "cuti"}


def test_a_case_goes_to_another_unit_only_when_that_unit_s_ketua_accepts(world: World) -> None:
    s = world.store
    case = world.in_contract()
    other = "64.72"
    here = world.ketua._replace(unit=UNIT)
    there = lk3.Actor(world.ketua.staff_id, "ketua", unit=other)
    case = s.transfer_case(case.case_id, to_unit=other, reason="klien_pindah_domisili", actor=here, at=world.at())
    assert case.pending_transfer is not None and case.holding_unit == UNIT
    assert [c.case_id for c in s.cases(transfer_to=other, transfer_state="diajukan")] == [case.case_id]
    # Only the receiving unit's ketua answers: this unit's is refused, nothing written.
    with pytest.raises(lk3.PermissionDenied) as refused:
        s.accept_transfer(case.case_id, worker=world.peksos2.staff_id, actor=here, at=world.at())
    assert refused.value.code == "LK3-E144"
    case = s.refuse_transfer(case.case_id, reason="kapasitas_penuh", actor=there, at=world.at())
    assert (case.transfers[-1].state, case.transfers[-1].refusal, case.holding_unit) == ("ditolak", "kapasitas_penuh", UNIT)
    s.transfer_case(case.case_id, to_unit=other, reason="layanan_khusus", actor=here, at=world.at())
    case = s.accept_transfer(case.case_id, worker=world.peksos2.staff_id, actor=there, at=world.at())
    assert (case.holding_unit, case.unit, case.worker) == (other, UNIT, world.peksos2.staff_id)
    assert [c.case_id for c in s.cases(held_by=other)] == [case.case_id]
    assert s.count_cases(held_by=other) == 1 and s.cases(held_by=other)[0].holding_unit == other
    assert case.case_id not in [c.case_id for c in s.cases(held_by=UNIT, limit=10_000)]
    assert [(l["unit"], l["worker"], l["open"]) for l in s.caseload(other)] == [(other, world.peksos2.staff_id, 1)]
    with pytest.raises(lk3.PermissionDenied):
        s.assign_worker(case.case_id, worker=world.pekerja_sosial.staff_id, reason="cuti", actor=here, at=world.at())
    assert s.events(case.case_id)[-1]["actor"]["unit"] == other
    assert s.verify()["problems"] == []


def test_tasks_fall_due_from_the_rule_set_and_end_with_the_event_that_does_them(world: World) -> None:
    from datetime import timedelta

    s = world.store
    case = world.in_contract()
    mine = lambda table: [r for r in table.to_records() if r["case_id"] == case.case_id]  # noqa: E731
    rows = mine(s.tasks(unit=UNIT))
    assert [r["task"] for r in rows] == ["asesmen"]
    assessment = rows[0]
    assert assessment["due"] - assessment["since"] == timedelta(days=14)
    assert (assessment["worker"], assessment["unit"], assessment["case_number"]) == (case.worker, UNIT, case.case_number)
    assert mine(s.tasks(overdue_at=assessment["due"] + timedelta(seconds=1)))
    assert not mine(s.tasks(overdue_at=assessment["due"]))
    assert mine(s.tasks(due_before=assessment["due"] + timedelta(days=1)))
    assert not mine(s.tasks(worker=world.peksos2.staff_id))
    frame = s.tasks().to_pandas()
    assert str(frame["due"].dtype) == "datetime64[us, UTC]" and str(frame["task"].dtype) == "category"
    assert "kunjungan_penjangkauan" in list(frame["task"].cat.categories)
    # The assessment done, its task ends; the plan's counselling session falls due instead.
    s.start_assessment(case.case_id, actor=world.psikolog, at=world.at())
    s.complete_assessment(case.case_id, problems=["kdrt"], risk="sedang", actor=world.psikolog, at=world.at())
    assert not mine(s.tasks())
    with pytest.raises(lk3.Lk3Error) as bad:
        s.tasks(unit="64.74.01")
    assert bad.value.code == "LK3-E009"


def test_a_second_registration_of_a_nik_warns_with_the_first_file_and_a_merge_keeps_verify_green(world: World) -> None:
    from conftest import NAMES, NIKS, populate

    s = populate(world).store
    first = s.find_clients(UNIT, nik=NIKS[0])
    assert [(c["by"], c["score"]) for c in first] == [("nik", 1.0)]
    mother, files = first[0]["client_id"], first[0]["files"]
    assert files and all(set(f) == {"case_id", "case_number", "stage"} for f in files)
    # Her name in capitals with the spaces doubled, or with the old spelling, finds her too.
    assert s.find_clients(UNIT, name=NAMES[0].upper().replace(" ", "  "))[0]["client_id"] == mother
    family = s.find_clients(UNIT, no_kk="6474010101190007")
    assert {c["by"] for c in family} == {"no_kk"} and len(family) == 2
    # A second file opened for her under a new record: the registration warns with the first file.
    case = world.registered()
    again = {"client_id": world.mother, "unit": UNIT, "name": NAMES[0], "nik": NIKS[0]}
    warned = s.put_client(again)
    assert warned[0]["client_id"] == mother and warned[0]["by"] == "nik"
    assert [f["case_id"] for f in warned[0]["files"]] == [f["case_id"] for f in files]
    text = repr(warned)
    assert NIKS[0] not in text and NAMES[0] not in text
    s.merge_clients(UNIT, merged=world.mother, into=mother, by=world.ketua.staff_id, reason="nik_sama", at=world.at())
    assert [(m["merged"], m["into"], m["reason"]) for m in s.client_merges(UNIT)] == [(world.mother, mother, "nik_sama")]
    assert s.client(UNIT, world.mother, actor=world.pekerja_sosial._replace(unit=UNIT), purpose="penanganan_kasus") is None
    merged_files = s.find_clients(UNIT, nik=NIKS[0])[0]["files"]
    assert case.case_id in [f["case_id"] for f in merged_files]
    assert s.verify()["problems"] == []
    with pytest.raises(lk3.Lk3Error) as twice:
        s.merge_clients(UNIT, merged=world.mother, into=mother, by=world.ketua.staff_id, reason="nik_sama", at=world.at())
    assert twice.value.code == "LK3-E081"


def test_a_perpetrator_is_never_a_child_s_guardian_in_the_case(world: World) -> None:
    s = world.store
    case = world.contact()
    mother, child, father = lk3.new_id(world.now), lk3.new_id(world.now), lk3.new_id(world.now)
    case = s.register(case.case_id, clients=[(mother, False, "korban"), (child, True, "korban"),
                                             {"client_id": father, "minor": False, "role": "pelaku"}],
                      problems=["kdrt"], actor=world.sekretaris, at=world.at())
    assert [c.role for c in case.clients] == ["korban", "korban", "pelaku"]
    with pytest.raises(lk3.ConsentRequired) as refused:
        s.record_consent(case.case_id, subject=child, guardian=father, purposes=["layanan"],
                         actor=world.pekerja_sosial, at=world.at())
    assert refused.value.code == "LK3-E023" and "perpetrator" in str(refused.value)
    case = s.record_consent(case.case_id, subject=child, guardian=mother, purposes=["layanan"],
                            actor=world.pekerja_sosial, at=world.at())
    assert case.consents[-1].guardian == mother


def test_partners_cross_into_rust_as_python_data_and_bad_data_writes_nothing(store: lk3.Store) -> None:
    """Partners are read as Python data (a tuple as a list); an object that is
    not JSON data is a TypeError, a wrong type a typed error, and nesting
    past 64 levels LK3-E063: each writes nothing."""
    good = a_partner()
    deep: dict = {}
    for _ in range(1_000):
        deep = {"x": deep}
    with pytest.raises(TypeError):
        store.import_partners([dict(good, name=object())])
    with pytest.raises(lk3.Lk3Error) as wrong:
        store.import_partners([dict(good, emergency_line="ya")])
    assert wrong.value.code.startswith("LK3-E")
    with pytest.raises(lk3.Lk3Error) as nested:
        store.import_partners([dict(good, extra=deep)])
    assert nested.value.code == "LK3-E063"
    assert store.partners() == []
    assert store.import_partners([dict(good, services=tuple(good["services"]))])["added"] == 1
    (stored,) = store.partners()
    assert stored["partner_id"] == good["partner_id"] and stored["services"] == good["services"]
