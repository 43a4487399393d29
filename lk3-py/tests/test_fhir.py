"""The FHIR R4 export of referrals, read back by a third-party parser:
`fhir.resources` (its R4B models, the R4 resources lk3 writes being the same)
parses the Bundle and every resource in it, from the CLI and from Python."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Dict, List

import pytest

import lk3
from conftest import World, demo_report_dir

fhir_bundle = pytest.importorskip("fhir.resources.R4B.bundle")
fhir_models = pytest.importorskip("fhir.resources.R4B")


def parse_every_resource(bundle: Dict[str, Any]) -> List[str]:
    """Parses the Bundle and each entry's resource with its own model; the types seen."""
    fhir_bundle.Bundle.model_validate(bundle)
    kinds = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        fhir_models.get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"].endswith(f"/{resource['resourceType']}/{resource['id']}")
        kinds.append(resource["resourceType"])
    return kinds


def test_the_cli_bundle_of_the_demo_parses_and_matches_the_python_one(tmp_path: Path) -> None:
    path = demo_report_dir() / "fhir-bundle.json"
    bundle = json.loads(path.read_text())
    kinds = parse_every_resource(bundle)
    for kind in ("Task", "ServiceRequest", "Organization", "Patient", "Provenance"):
        assert kind in kinds, kind
    tasks = [r for r in (e["resource"] for e in bundle["entry"]) if r["resourceType"] == "Task"]
    assert {t["status"] for t in tasks} >= {"rejected", "requested"}
    assert all(t["meta"]["profile"] == [lk3_profile()] for t in tasks)
    # The same store through Python: the same Tasks, Requests and Provenance.
    shutil.copyfile(demo_report_dir() / "lk3.db", tmp_path / "lk3.db")
    with lk3.Store.open(tmp_path / "lk3.db") as store:
        mine = store.fhir_bundle()
    parse_every_resource(mine)

    def keyed(b: Dict[str, Any]) -> Dict[str, Any]:
        return {
            (r["resourceType"], r["id"]): r["status"] if "status" in r else r.get("recorded")
            for r in (e["resource"] for e in b["entry"])
            if r["resourceType"] in ("Task", "ServiceRequest", "Provenance")
        }

    assert keyed(mine) == keyed(bundle)


def lk3_profile() -> str:
    return "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForReferralManagement"


def test_a_client_is_named_only_to_a_consenting_partner_and_pseudonyms_follow_the_key(world: World) -> None:
    s = world.store
    case = world.in_intervention()  # the plan's referral goes to world.partner, both clients consented
    rujukan = next(x for x in case.services if x.kind == "rujukan")
    s.put_client({"client_id": world.mother, "unit": "64.74", "name": "Ibu Contoh"})
    case = s.service_step(case.case_id, rujukan.service_id, "send", actor=world.pekerja_sosial, at=world.at())
    named = s.fhir_bundle(case.case_id)
    kinds = parse_every_resource(named)
    assert kinds.count("Patient") == 2 and "Group" in kinds
    patients = {r["id"]: r for r in (e["resource"] for e in named["entry"]) if r["resourceType"] == "Patient"}
    assert patients[world.mother]["name"] == [{"text": "Ibu Contoh"}]
    # Consent to disclose withdrawn: from then on, pseudonyms only.
    for consent in case.consents:
        s.withdraw_consent(case.case_id, consent_id=consent.consent_id, actor=world.pekerja_sosial, at=world.at())
    one, same, other = (s.fhir_bundle(case.case_id, key=k) for k in (b"k" * 32, b"k" * 32, b"j" * 32))
    parse_every_resource(one)
    text = json.dumps(one)
    assert world.mother not in text and world.child not in text and "Ibu Contoh" not in text

    def patient_ids(b: Dict[str, Any]) -> List[str]:
        return sorted(r["id"] for r in (e["resource"] for e in b["entry"]) if r["resourceType"] == "Patient")

    assert patient_ids(one) == patient_ids(same) != patient_ids(other)
    assert all(p.startswith("anon-") for p in patient_ids(one))
    with pytest.raises(lk3.NotFound):
        s.fhir_bundle(lk3.new_id(world.now))


def test_a_referred_case_answers_its_referrer_in_fhir(world: World) -> None:
    s = world.store
    case = s.open_case(unit="64.74", case_number="64.74/2019/0901", channel="rujukan_masuk", sasaran="keluarga",
                       actor=world.relawan, at=world.at(),
                       referred_by={"partner_id": world.partner, "reference": "B/045/PPA/IV/2019"})
    assert case.referred_by == {"partner_id": world.partner, "reference": "B/045/PPA/IV/2019"}
    bundle = s.fhir_bundle(case.case_id)
    parse_every_resource(bundle)
    task = next(r for r in (e["resource"] for e in bundle["entry"])
                if r["resourceType"] == "Task" and r["id"] == f"{case.case_id}-masuk")
    assert (task["status"], task["requester"]["reference"], task["owner"]["reference"]) == (
        "requested", f"Organization/{world.partner}", "Organization/lk3-64.74")
    with pytest.raises(lk3.ValidationError):
        s.open_case(unit="64.74", case_number="64.74/2019/0902", channel="rujukan_masuk", sasaran="keluarga",
                    actor=world.relawan, at=world.at(), referred_by={"partner_id": world.partner, "reference": "Ibu Siti"})


def test_a_network_is_given_as_python_data(world: World) -> None:
    """``partners`` crosses into Rust as Python data: an empty network is one
    (the bundle is made), an object that is not JSON data a TypeError and a
    partner of the wrong shape a typed error."""
    s = world.store
    case = world.in_intervention()
    bundle = s.fhir_bundle(case.case_id, partners=())
    assert bundle["resourceType"] == "Bundle" and bundle["entry"]
    with pytest.raises(TypeError):
        s.fhir_bundle(case.case_id, partners=[{"partner_id": object()}])
    with pytest.raises(lk3.Lk3Error) as wrong:
        s.fhir_bundle(case.case_id, partners=[{"partner_id": 7}])
    assert wrong.value.code.startswith("LK3-E")
