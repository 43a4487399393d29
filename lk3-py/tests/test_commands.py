"""``lk3.commands`` is generated from the published command schemas, holds a
TypedDict for every command with the schema's fields (required and optional)
and a Literal for every vocabulary with the schema's values, and a type
checker uses it to refuse a wrong value before the core does."""

from __future__ import annotations

import importlib.util
import json
import os
import typing
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import lk3
from lk3 import commands

ROOT = Path(__file__).resolve().parents[2]


def generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate_commands", ROOT / "lk3-py" / "generate_commands.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_module_is_what_the_generator_writes_from_the_schemas() -> None:
    gen = generator()
    text = gen.generate()
    if os.environ.get("LK3_BLESS") == "1":
        gen.TARGET.write_text(text, encoding="utf-8")
    assert gen.TARGET.read_text(encoding="utf-8") == text, "run python lk3-py/generate_commands.py"
    installed = Path(commands.__file__).read_text(encoding="utf-8")
    assert installed == text, "the installed package carries the generated module"
    for name in ("command", "outreach-command"):
        published = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert published == lk3.schema(name), "generated from the schema the package publishes"


def variants(schema: str, union: Any) -> List[Tuple[Dict[str, Any], Any]]:
    """Each command of the schema with the TypedDict of the same ``type``."""
    by_type = {typing.get_type_hints(t)["type"].__args__[0]: t for t in typing.get_args(union)}
    found = lk3.schema(schema)["oneOf"]
    assert len(found) == len(by_type)
    return [(s, by_type[s["properties"]["type"]["const"]]) for s in found]


CASES = variants("command", commands.CaseCommand)
OUTREACH = variants("outreach-command", commands.OutreachCommand)


@pytest.mark.parametrize("schema,typed", CASES + OUTREACH, ids=[s["properties"]["type"]["const"] for s, _ in CASES + OUTREACH])
def test_every_command_has_the_schema_s_fields(schema: Dict[str, Any], typed: Any) -> None:
    assert set(typed.__required_keys__) == set(schema["required"])
    assert set(typed.__required_keys__) | set(typed.__optional_keys__) == set(schema["properties"])
    assert (typed.__doc__ or "").strip().split()[0] == schema["description"].split()[0]


def vocabularies() -> List[Tuple[str, List[str]]]:
    out = {}
    for name in ("command", "outreach-command"):
        for key, d in lk3.schema(name)["$defs"].items():
            if "oneOf" in d and all("const" in o for o in d["oneOf"]):
                out[key] = [o["const"] for o in d["oneOf"]]
    return sorted(out.items())


@pytest.mark.parametrize("name,values", vocabularies(), ids=[n for n, _ in vocabularies()])
def test_every_vocabulary_is_a_literal_of_the_schema_s_values(name: str, values: List[str]) -> None:
    alias = getattr(commands, name)
    assert list(typing.get_args(alias)) == values


def test_a_type_checker_refuses_a_value_the_schema_does_not_allow(tmp_path: Path, mypy: Any) -> None:
    good = tmp_path / "good.py"
    good.write_text(
        "from lk3.commands import Terminate, OutreachSchedule\n"
        "from datetime import datetime, timezone\n"
        "t: Terminate = {'type': 'terminate', 'reason': 'tujuan_tercapai'}\n"
        "s: OutreachSchedule = {'type': 'schedule', 'planned_for': datetime.now(timezone.utc), 'mobile_unit': True}\n"
    )
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from lk3.commands import Terminate, Register\n"
        "t: Terminate = {'type': 'terminate', 'reason': 'bosan'}\n"
        "r: Register = {'type': 'register'}\n"
    )
    ok = mypy(str(good))
    assert ok.returncode == 0, ok.stdout
    refused = mypy(str(bad))
    assert refused.returncode == 1
    assert "bad.py:2" in refused.stdout and "'bosan'" in refused.stdout, refused.stdout
    assert "bad.py:3" in refused.stdout and '"clients"' in refused.stdout, refused.stdout


def test_a_typed_command_runs(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    now = datetime(2019, 3, 4, 13, 15, tzinfo=timezone.utc)
    with lk3.Store.open("memory://") as store:
        case_id = lk3.new_id(now)
        opening: commands.RecordContact = {"type": "record_contact", "case_id": case_id, "unit": "64.74",
                                            "case_number": "64.74/2019/0001", "channel": "datang_langsung",
                                            "sasaran": "keluarga"}
        done = store.execute(case_id, opening, actor=("0190a0a0-0000-7000-8000-000000000001", "relawan"), at=now)
        assert done.case.stage == "kontak" and done.case.channel == "datang_langsung"
