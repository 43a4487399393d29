"""The stubs and the typed Python layer pass `mypy --strict`, and so does a
typed usage example (examples/python/typed_usage.py), which also runs."""

from __future__ import annotations

import importlib.util
import os
import runpy
from pathlib import Path
from typing import Any

import pytest

import lk3

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "python" / "typed_usage.py"


def need(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{module} is not installed: scripts/requirements-test.txt lists it")
        pytest.skip(f"{module} is not installed")


def test_the_package_is_typed() -> None:
    package = Path(lk3.__file__).parent
    assert (package / "py.typed").exists() and (package / "_lk3.pyi").exists()


def test_mypy_strict_passes_on_the_stubs_and_the_typed_example(tmp_path: Path, mypy: Any) -> None:
    need("mypy")
    need("pandas")
    for target in (["-p", "lk3"], [str(EXAMPLE)]):
        done = mypy(*target, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Success" in done.stdout, done.stdout


def test_mypy_catches_a_misuse(tmp_path: Path, mypy: Any) -> None:
    need("mypy")
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import lk3\n"
        "store = lk3.Store.open('memory://')\n"
        "case = store.case(42)\n"
        "case.stage = 'ditutup'\n"
        "n: str = store.count_cases()\n",
        encoding="utf-8",
    )
    done = mypy(str(bad), cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    assert done.stdout.count("error:") >= 3, done.stdout


def test_the_typed_example_runs() -> None:
    need("pandas")
    result = runpy.run_path(str(EXAMPLE))["tour"]()
    assert result["stage"] == "kontrak" and result["kdrt"] == 1
    assert result["events"] == 5 + 2, "the case's five events and the outreach's two"
