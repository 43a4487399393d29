"""The README's Python quickstart, run as written: the section between
`<!-- python-quickstart -->` and `<!-- /python-quickstart -->` in README.md."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parents[2]
START, END = "<!-- python-quickstart -->", "<!-- /python-quickstart -->"


def section(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0]


def python_blocks(text: str) -> List[str]:
    return re.findall(r"```python\n(.*?)```", section(text), re.S)


def run_quickstart(text: str, cwd: Path) -> str:
    (block,) = python_blocks(text)
    out = io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README quickstart", "exec"), {"__name__": "__quickstart__"})
    finally:
        os.chdir(old)
    return out.getvalue()


def check(output: str) -> None:
    lines = output.splitlines()
    assert lines[0] == "registrasi 2"
    assert lines[1].startswith("LK3-E020 [LK3-E020] tidak dapat `start_assessment`")
    assert lines[2] == "False LK3-E070 /reason"
    assert lines[3] == "['registrasi']"
    assert "registrasi" in output and "contact_recorded" in output and "registered" in output


def test_the_readme_quickstart_runs(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert START in readme and END in readme, f"README.md has no Python quickstart between {START} and {END}"
    check(run_quickstart(readme, tmp_path))
