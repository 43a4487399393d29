#!/usr/bin/env python3
"""A typed tour of the lk3 Python API, checked by `mypy --strict` in the
test suite (lk3-py/tests/test_typing.py) and run as a script there too.

    python examples/python/typed_usage.py
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone
from typing import Dict, List, Optional, Tuple

import pandas as pd

import lk3


def tour(url: str = "memory://") -> Dict[str, object]:
    start = datetime(2019, 3, 4, 13, 15, tzinfo=timezone.utc)
    clock = iter(start + timedelta(minutes=n) for n in range(1000))
    staff: Dict[str, lk3.Actor] = {
        role: lk3.Actor(lk3.new_id(start), role)
        for role in ("relawan", "sekretaris", "pekerja_sosial", "psikolog", "konselor", "ketua")
    }
    rules: Dict[str, object] = lk3.rule_set("permensos-25-2017")
    mermaid: str = lk3.diagram("permensos-25-2017", "mermaid", machine="case")
    schema: Dict[str, object] = lk3.schema("command")
    result: lk3.ValidationResult = lk3.validate({"type": "terminate", "reason": "pindah"})
    assert result.valid and result.document == "command" and not rules == {} and mermaid and schema

    with lk3.Store.open(url) as store:
        case: lk3.Case = store.open_case(
            unit="64.74", case_number="64.74/2019/0001", channel="telepon_hotline", sasaran="keluarga",
            actor=staff["relawan"], at=next(clock),
        )
        client: str = lk3.new_id(start)
        case = store.register(case.case_id, clients=[(client, False)], problems=["kdrt"],
                              actor=staff["sekretaris"], at=next(clock))
        case = store.start_engagement(case.case_id, actor=staff["pekerja_sosial"], at=next(clock))
        case = store.record_consent(case.case_id, subject=client, purposes=["layanan", "asesmen"],
                                    actor=staff["pekerja_sosial"], at=next(clock))
        contract: lk3.commands.AgreeContract = {"type": "agree_contract"}  # typed from the schema
        done: lk3.Executed = store.execute(case.case_id, contract, actor=staff["pekerja_sosial"], at=next(clock))
        assert not done.replayed and done.event_types == ("contract_agreed",) and done.case.stage == "kontrak"

        # Outreach (penjangkauan): a report, then each step its table allows.
        outreach: lk3.Outreach = store.report_outreach(unit="64.74", reported_by="ketua_rt", sasaran="keluarga",
                                                       actor=staff["relawan"], at=next(clock))
        visit: lk3.commands.OutreachSchedule = {"type": "schedule", "planned_for": next(clock), "mobile_unit": True}
        outreach = store.execute_outreach(outreach.outreach_id, visit, actor=staff["pekerja_sosial"], at=next(clock))
        assert outreach.state == "dijadwalkan" and "carry_out" in outreach.allowed_commands
        listed: List[lk3.OutreachSummary] = store.outreaches("64.74")
        assert [o.outreach_id for o in listed] == [outreach.outreach_id]

        refused: Optional[lk3.Lk3Error] = None
        try:
            store.approve_plan(case.case_id, plan_version=1, actor=staff["ketua"], at=next(clock))
        except lk3.TransitionRefused as e:
            refused = e
        assert refused is not None and refused.code == "LK3-E020" and refused.message_id

        case = store.case(case.case_id)
        services: List[lk3.Service] = list(case.services)
        summaries: List[lk3.CaseSummary] = store.cases(stage="kontrak")
        every: List[lk3.CaseSummary] = list(store.iter_cases(page_size=100))
        assert every == store.cases()
        count: int = store.count_cases(problem="kdrt")

        key = os.urandom(32)
        table: lk3.Table = store.table("events", key=key)
        records: List[Dict[str, object]] = table.to_records()
        frame: pd.DataFrame = store.cases_frame(key=key)
        stages = frame["stage"]
        weekly: pd.DataFrame = store.events_frame(key=key, resolution="week")
        rare: pd.DataFrame = lk3.rare_combinations(frame, k=5)  # one case: unique
        shared: pd.Series[int] = lk3.class_sizes(frame)
        assert len(weekly) == len(records) and len(rare) == 1 and shared.tolist() == [1]
        report: lk3.Report = store.report(date(2019, 1, 1), date(2019, 12, 31), unit="64.74")
        by_stage: pd.DataFrame = report.to_frame("by_stage", lang="en")
        sections: Tuple[str, ...] = report.sections()
        assert report.total["cases"]["active"] == 1 and len(by_stage) == 1 and sections[0] == "summary"
        return {
            "stage": case.stage,
            "services": len(services),
            "kontrak": len(summaries),
            "kdrt": count,
            "events": len(records),
            "stages": stages.tolist(),
        }


if __name__ == "__main__":
    print(tour())
