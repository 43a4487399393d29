"""Outreach (penjangkauan) driven from Python, every row of each rule set's
outreach table (from ``lk3.diagram``) by every role, checked against the row."""

from __future__ import annotations

import json
from collections import deque
from datetime import timedelta
from typing import Any, Dict, List, Optional, Tuple

import pytest

import lk3
from conftest import ROLES, UNIT, World

Row = Dict[str, Any]


def outreach_machine(rule_set: str) -> Dict[str, Any]:
    machines = json.loads(lk3.diagram(rule_set, "json"))["machines"]
    found: Dict[str, Any] = next(m for m in machines if m["name"] == "penjangkauan")
    return found


RULE_SETS = [r["name"] for r in lk3.rule_sets()]
ROWS: List[Tuple[str, Row]] = [(r, row) for r in RULE_SETS for row in outreach_machine(r)["transitions"]]


def fields(command: str, world: World) -> Dict[str, Any]:
    """A valid body for each outreach command (test data, not rules)."""
    return {
        "schedule": {"planned_for": world.now + timedelta(days=1), "mobile_unit": True},
        "carry_out": {},
        "record_agreement": {"case": {"link": "opens", "case_id": lk3.new_id(world.now)}, "client_id": lk3.new_id(world.now)},
        "record_refusal": {"reason": "keluarga_menolak"},
        "record_not_found": {},
        "close": {"reason": "laporan_ganda"},
    }[command]


def path_to(machine: Dict[str, Any], state: Optional[str]) -> List[Row]:
    """The shortest run of the table's rows from nothing to ``state``."""
    rows = machine["transitions"]
    queue: deque[Tuple[Optional[str], List[Row]]] = deque([(None, [])])
    seen = {None}
    while queue:
        at, path = queue.popleft()
        if at == state:
            return path
        for row in rows:
            if row["from"] == at and row["to"] not in seen:
                seen.add(row["to"])
                queue.append((row["to"], path + [row]))
    raise AssertionError(f"no path to {state}")


def run(world: World, rule_set: str, row: Row, actor: lk3.Actor) -> lk3.Outreach:
    s = world.store
    if row["command"] == "report":
        return s.report_outreach(unit=UNIT, reported_by="ketua_rt", sasaran="keluarga", problems=["kdrt"],
                                 kode_wilayah="64.74.01.1001", actor=actor, at=world.at(), rule_set=rule_set)
    raise AssertionError("only the report opens")


def step(world: World, outreach_id: str, command: str, actor: lk3.Actor) -> lk3.Outreach:
    return world.store.execute_outreach(outreach_id, {"type": command, **fields(command, world)}, actor=actor, at=world.at())


def actor_for(world: World, row: Row) -> lk3.Actor:
    return lk3.Actor(world.staff[row["roles"][0]].staff_id, row["roles"][0])


@pytest.mark.parametrize("rule_set,row", ROWS, ids=[f"{r}:{x['from']}-{x['command']}" for r, x in ROWS])
def test_every_row_of_the_outreach_table_runs_from_python_for_its_roles_only(world: World, rule_set: str, row: Row) -> None:
    machine = outreach_machine(rule_set)
    by_state = {}
    for r in machine["transitions"]:
        by_state.setdefault(r["from"], set()).add(r["command"])
    for role in ROLES:
        actor = world.staff[role]
        outreach: Optional[lk3.Outreach] = None
        for before in path_to(machine, row["from"]):
            if before["command"] == "report":
                outreach = run(world, rule_set, before, actor_for(world, before))
            else:
                assert outreach is not None
                outreach = step(world, outreach.outreach_id, before["command"], actor_for(world, before))
        if row["command"] == "report":
            if role in row["roles"]:
                done = run(world, rule_set, row, actor)
                assert (done.state, done.version, done.rule_set) == (row["to"], 1, rule_set)
                assert set(done.allowed_commands) == by_state.get(row["to"], set())
            else:
                with pytest.raises(lk3.CommandRefused):
                    run(world, rule_set, row, actor)
            continue
        assert outreach is not None and outreach.state == row["from"]
        assert row["command"] in outreach.allowed_commands
        if role in row["roles"]:
            done = step(world, outreach.outreach_id, row["command"], actor)
            assert done.state == row["to"] and done.version == outreach.version + 1
            assert done == world.store.outreach(outreach.outreach_id)
            allowed = by_state.get(row["to"], set())
            if done.attempts >= done.max_attempts:
                allowed = allowed - {"schedule"}
            assert set(done.allowed_commands) == allowed
            assert done.finished == (not allowed)
            events = world.store.outreach_events(outreach.outreach_id)
            assert [e["seq"] for e in events] == list(range(1, done.version + 1))
        else:
            with pytest.raises(lk3.CommandRefused):
                step(world, outreach.outreach_id, row["command"], actor)
            assert world.store.outreach(outreach.outreach_id).version == outreach.version


@pytest.mark.parametrize("rule_set", RULE_SETS)
def test_visits_run_out_after_max_attempts_then_only_closing_is_left(world: World, rule_set: str) -> None:
    machine = outreach_machine(rule_set)
    peksos = world.pekerja_sosial
    o = world.store.report_outreach(unit=UNIT, reported_by="bhabinkamtibmas", sasaran="individu",
                                    actor=world.relawan, at=world.at(), rule_set=rule_set)
    assert o.max_attempts == machine["max_attempts"]
    for attempt in range(1, machine["max_attempts"] + 1):
        o = step(world, o.outreach_id, "schedule", peksos)
        o = step(world, o.outreach_id, "carry_out", peksos)
        o = step(world, o.outreach_id, "record_not_found", peksos)
        assert (o.state, o.attempts, len(o.visits)) == ("tidak_ditemukan", attempt, attempt)
        assert o.visits[-1].outcome == "tidak_ditemukan" and o.visits[-1].carried_out_by == peksos.staff_id
    assert "schedule" not in o.allowed_commands
    with pytest.raises(lk3.CommandRefused) as refused:
        step(world, o.outreach_id, "schedule", peksos)
    assert refused.value.code.startswith("LK3-E")
    o = step(world, o.outreach_id, "close", peksos)
    assert o.state == "ditutup" and o.closure == "laporan_ganda" and o.finished


def test_an_agreement_opens_the_case_it_names_with_channel_penjangkauan(world: World) -> None:
    s, peksos = world.store, world.pekerja_sosial
    o = s.report_outreach(unit=UNIT, reported_by="warga", sasaran="keluarga", problems=["kdrt"],
                          kode_wilayah="64.74.01.1001", actor=world.sekretaris, at=world.at())
    assert (o.reported_by, o.sasaran, o.problems, o.kode_wilayah) == ("warga", "keluarga", ("kdrt",), "64.74.01.1001")
    o = step(world, o.outreach_id, "schedule", peksos)
    o = step(world, o.outreach_id, "carry_out", peksos)
    case_id, client_id = lk3.new_id(world.now), lk3.new_id(world.now)
    o = s.execute_outreach(o.outreach_id, {"type": "record_agreement", "case": {"link": "opens", "case_id": case_id},
                                           "client_id": client_id}, actor=peksos, at=world.at())
    assert (o.state, o.case_id, o.opens_case, o.client_id) == ("bersedia", case_id, True, client_id)
    case = s.open_case(unit=UNIT, case_number=f"{UNIT}/2019/0900", channel="penjangkauan", sasaran=o.sasaran,
                       actor=world.relawan, at=world.at(), case_id=o.case_id)
    assert (case.case_id, case.channel, case.stage) == (case_id, "penjangkauan", "kontak")
    # Listed among the unit's outreaches, and paged by id.
    listed = s.outreaches(UNIT)
    assert [x.outreach_id for x in listed] == [o.outreach_id] and listed[0].state == "bersedia"
    assert s.outreaches(UNIT, after=o.outreach_id) == []
    assert s.outreaches(UNIT, active_to=world.now - timedelta(days=30)) == []


def test_a_retried_outreach_command_writes_nothing_and_a_malformed_one_is_a_validation_error(world: World) -> None:
    s, peksos = world.store, world.pekerja_sosial
    o = s.report_outreach(unit=UNIT, reported_by="tksk", sasaran="individu", actor=world.relawan, at=world.at())
    command_id = lk3.new_id(world.now)
    at = world.at()
    body = {"type": "schedule", "planned_for": at + timedelta(days=2), "mobile_unit": False}
    first = s.execute_outreach(o.outreach_id, body, actor=peksos, at=at, command_id=command_id)
    again = s.execute_outreach(o.outreach_id, body, actor=peksos, at=at, command_id=command_id)
    assert first == again and again.version == 2
    with pytest.raises(lk3.ValidationError):
        s.execute_outreach(o.outreach_id, {"type": "record_refusal"}, actor=peksos, at=world.at())
    with pytest.raises(lk3.NotFound):
        s.outreach(lk3.new_id(world.now))
