"""examples/python/analysis.py on a store of the demo's cases: it prints
cases per month, the service mix and referral outcomes, and saves a chart."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

import lk3
from conftest import World, demo_export

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "python" / "analysis.py"


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    """The demo's cases (from LK3_DEMO_EXPORT) in a SQLite store, or cases
    made here when the export is not there."""
    path = tmp_path / "lk3.db"
    with lk3.Store.open(path) as store:
        export = demo_export()
        if export is not None:
            assert store.import_documents(export).imported >= 9
        else:
            w = World(store)
            w.closed()
            w.in_intervention()
    return path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_the_analysis_example(demo_db: Path, tmp_path: Path) -> None:
    if importlib.util.find_spec("pandas") is None:
        pytest.skip("pandas is not installed")
    chart = tmp_path / "chart.png"
    done = run("--db", f"sqlite://{demo_db}", "--chart", str(chart), "--pseudonymise", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for heading in ("Cases opened per month", "Service mix", "Referral outcomes", "verified: ok"):
        assert heading in out, out
    assert "konseling" in out and "2019-" in out
    if importlib.util.find_spec("matplotlib") is not None:
        assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_analysis_example_says_what_to_do_without_a_store(tmp_path: Path) -> None:
    done = run("--db", str(tmp_path / "missing.db"), cwd=tmp_path)
    assert done.returncode == 2 and "lk3-cli -- demo" in done.stderr
    assert not (tmp_path / "missing.db").exists()


REPORT_SCRIPT = ROOT / "examples" / "python" / "report_charts.py"


def test_the_report_charts_example(demo_db: Path, tmp_path: Path) -> None:
    if importlib.util.find_spec("pandas") is None:
        pytest.skip("pandas is not installed")
    chart = tmp_path / "report.png"
    env = dict(os.environ, MPLBACKEND="Agg")
    done = subprocess.run(
        [sys.executable, str(REPORT_SCRIPT), "--db", f"sqlite://{demo_db}", "--chart", str(chart)],
        capture_output=True, text=True, cwd=tmp_path, env=env,
    )
    assert done.returncode == 0, done.stderr
    for heading in ("Cases per month", "Services by outcome", "Referral outcomes", "Kasus ditangani"):
        assert heading in done.stdout, done.stdout
    if importlib.util.find_spec("matplotlib") is not None:
        assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
