"""Every command hands back the case it produced (held in Rust, not reloaded),
and two handles on one store never decide against a case the other moved on."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest

import lk3
from conftest import UNIT, World, populate


def test_each_command_returns_the_case_the_store_would_load(world: World) -> None:
    case = world.closed()
    loaded = world.store.case(case.case_id)
    assert case == loaded and hash(case) == hash(loaded)
    assert case.to_dict() == loaded.to_dict()
    for attr in ("case_id", "unit", "stage", "version", "rule_set", "opened_at", "last_at", "channel", "sasaran",
                 "worker", "risk", "problems", "clients", "consents", "services", "aid", "protective_referrals",
                 "transfers", "notes", "attachments", "holding_unit", "continuing", "reopen_count", "referred_by",
                 "proposal_version", "case_number"):
        assert getattr(case, attr) == getattr(loaded, attr), attr
    d = case.to_dict()
    assert (d["stage"], d["version"], d["channel"], d["sasaran"]) == (case.stage, case.version, case.channel, case.sasaran)
    executed = world.store.execute(case.case_id, {"type": "reopen", "reason": "masalah_baru"},
                                   actor=world.ketua, at=world.at())
    assert executed.case == world.store.case(case.case_id) and executed.case.version == executed.version
    assert executed.case != case, "another event: another case"


def test_a_case_is_read_only(world: World) -> None:
    case = world.registered()
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.stage = "ditutup"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del case.unit  # type: ignore[misc]
    assert case.clients is case.clients, "members are converted once"


def test_a_case_pickles_and_copies_as_the_same_case(world: World) -> None:
    import copy
    import pickle

    case = world.in_intervention()
    again = pickle.loads(pickle.dumps(case))
    assert again == case and hash(again) == hash(case) and again.to_dict() == case.to_dict()
    for attr in ("case_id", "unit", "stage", "version", "rule_set", "opened_at", "last_at", "channel", "sasaran",
                 "worker", "risk", "problems", "clients", "consents", "services", "aid", "protective_referrals",
                 "transfers", "notes", "attachments", "holding_unit", "continuing", "reopen_count", "referred_by",
                 "proposal_version", "case_number", "pending_transfer"):
        assert getattr(again, attr) == getattr(case, attr), attr
    with pytest.raises(dataclasses.FrozenInstanceError):
        again.stage = "ditutup"  # type: ignore[misc]
    assert copy.copy(case) is case and copy.deepcopy(case) is case
    aid = {"aid_id": lk3.new_id(world.now), "funding": "laz", "given_on": "2019-03-04", "item": "kacamata",
           "quantity": 1, "recipient": world.mother}
    done = world.store.execute(case.case_id, {"type": "record_aid", "aid": aid}, actor=world.pekerja_sosial,
                               at=world.at())
    assert pickle.loads(pickle.dumps(done)) == done and pickle.loads(pickle.dumps(done)).case == done.case


def test_aid_is_read_from_the_case(world: World) -> None:
    case = world.in_intervention(items=["konseling"])
    aid = {"aid_id": lk3.new_id(world.now), "funding": "baznas", "given_on": "2019-03-04", "item": "sembako",
           "quantity": 2, "recipient": world.mother}
    case = world.store.execute(case.case_id, {"type": "record_aid", "aid": aid}, actor=world.pekerja_sosial,
                               at=world.at()).case
    assert case.aid == (lk3.Aid(aid["aid_id"], "baznas", date(2019, 3, 4), "sembako", 2, world.mother),)


def test_another_handle_moving_the_case_on_is_seen_before_deciding(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'lk3.db'}"
    with lk3.Store.open(url) as a, lk3.Store.open(url) as b:
        wa, wb = World(a), World(b)
        wb.staff = wa.staff
        case = wa.registered()
        assert b.case(case.case_id).stage == "registrasi"  # b now keeps the case at version 2
        a.start_engagement(case.case_id, actor=wa.pekerja_sosial, at=wa.at())
        wb.now = wa.now
        # b's kept case is at registrasi, where a contract is refused; the stored one is at pendekatan_awal.
        consent = {"type": "record_consent", "consent": {
            "consent_id": lk3.new_id(wb.now), "subject": wa.mother, "purposes": ["layanan"], "form": "tertulis"}}
        done = b.execute(case.case_id, consent, actor=wa.pekerja_sosial, at=wb.at())
        assert (done.version, done.case.version, done.case.stage) == (4, 4, "pendekatan_awal")
        # a's kept case (version 3) is behind: its next command is decided on the stored version 4.
        after = a.execute(case.case_id, {"type": "withdraw_consent", "consent_id": consent["consent"]["consent_id"]},
                          actor=wa.pekerja_sosial, at=wb.at())
        assert after.version == 5 and after.case == b.case(case.case_id) == a.case(case.case_id)
        # A version the case moved past is still a conflict, kept or not.
        with pytest.raises(lk3.Conflict):
            b.execute(case.case_id, {"type": "terminate", "reason": "pindah"}, actor=wa.pekerja_sosial,
                      at=wb.at(), expected_version=4)
        assert a.verify()["problems"] == []


def test_a_refusal_against_a_kept_case_is_judged_again_on_the_stored_one(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'lk3.db'}"
    with lk3.Store.open(url) as a, lk3.Store.open(url) as b:
        wa = World(a)
        case = wa.registered()
        b.case(case.case_id)  # b keeps it at registrasi
        a.start_engagement(case.case_id, actor=wa.pekerja_sosial, at=wa.at())
        case = wa.consented(a.case(case.case_id))
        # Against b's kept case (registrasi) agreeing a contract is refused; against the stored one it is allowed.
        agreed = b.agree_contract(case.case_id, actor=wa.pekerja_sosial, at=wa.at())
        assert agreed.stage == "kontrak" and agreed == a.case(case.case_id)
        # A refusal the stored case gives too is still a refusal, and writes nothing.
        with pytest.raises(lk3.CommandRefused):
            b.approve_closure(case.case_id, actor=wa.ketua, at=wa.at())
        assert a.case(case.case_id).version == agreed.version


def test_cases_page_by_cursor_and_iter_cases_reads_every_one(world: World) -> None:
    populate(world)
    for _ in range(7):
        world.contact()
    every = world.store.cases()
    assert len(every) == 10
    pages = []
    after = None
    while True:
        page = world.store.cases(limit=3, after=after)
        pages.append(page)
        if len(page) < 3:
            break
        after = page[-1].case_id
    assert [c for p in pages for c in p] == every and [len(p) for p in pages] == [3, 3, 3, 1]
    assert list(world.store.iter_cases(page_size=4)) == every
    assert list(world.store.iter_cases(page_size=2, stage="kontak")) == world.store.cases(stage="kontak")
    with pytest.raises(ValueError):
        next(world.store.iter_cases(page_size=0))
    assert world.store.cases(after=every[-1].case_id) == []
    with pytest.raises(lk3.ValidationError):
        world.store.cases(after="not-a-case-id")
    assert timedelta(0) <= world.now - every[-1].opened_at
