"""The package imports and exposes the same rule set as the Rust core."""

import json
import re
from pathlib import Path

import pytest

import lk3

ROOT = Path(__file__).resolve().parents[2]


def test_version_matches_the_workspace():
    cargo = (ROOT / "Cargo.toml").read_text()
    version = re.search(r'^version = "([^"]+)"', cargo, re.M).group(1)
    assert lk3.__version__ == version


def test_diagram_json_lists_the_eleven_stages():
    doc = json.loads(lk3.diagram("permensos-16-2013"))
    assert doc["rule_set"] == "permensos-16-2013"
    case = next(m for m in doc["machines"] if m["name"] == "case")
    assert [s["id"] for s in case["states"]] == [
        "kontak", "registrasi", "pendekatan_awal", "kontrak", "asesmen", "rencana_intervensi",
        "intervensi", "evaluasi", "terminasi", "bimbingan_lanjut", "ditutup",
    ]
    assert [s["id"] for s in case["states"] if s["terminal"]] == ["ditutup"]


def test_diagram_formats_and_refusal():
    assert lk3.diagram("permensos-25-2017", "mermaid").startswith("stateDiagram-v2")
    assert lk3.diagram("permensos-25-2017", format="dot").startswith("digraph")
    with pytest.raises(ValueError, match="unknown format"):
        lk3.diagram("permensos-25-2017", "svg")
