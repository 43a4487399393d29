"""Writes ``python/lk3/commands.py``: a ``TypedDict`` for every case and
outreach command, and a ``Literal`` for every vocabulary, generated from the
published JSON Schemas (``lk3.schema("command")``, ``lk3.schema("outreach-command")``),
never written by hand. ``tests/test_commands.py`` fails when the file is not
what this writes (``LK3_BLESS=1`` rewrites it).

    python lk3-py/generate_commands.py [--check]
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
TARGET = HERE / "python" / "lk3" / "commands.py"
SCHEMAS = HERE.parent / "schemas"
Schema = Dict[str, Any]


def camel(snake: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[_\-]", snake) if p)


def doc(text: Optional[str], indent: str) -> List[str]:
    """A docstring's lines: the schema's description without its Rust code examples."""
    if not text:
        return []
    text = re.sub(r"\n*```.*?```", "", text, flags=re.S).strip().replace("\\", "\\\\").replace('"""', "'''")
    if not text:
        return []
    lines: List[str] = []
    for para in text.split("\n\n"):
        lines += textwrap.wrap(" ".join(para.split()), 96 - len(indent)) + [""]
    lines = lines[:-1]
    if lines[-1].endswith('"'):
        lines[-1] += " "  # a closing quote next to the docstring's own would end it early
    if len(lines) == 1:
        return [f'{indent}"""{lines[0]}"""']
    return [f'{indent}"""{lines[0]}'] + [f"{indent}{x}" if x else "" for x in lines[1:]] + [f'{indent}"""']


class Generator:
    """Python declarations for one schema's definitions and commands."""

    def __init__(self) -> None:
        self.blocks: Dict[str, List[str]] = {}  # name -> its declaration's lines
        self.order: List[str] = []

    def emit(self, name: str, lines: List[str]) -> None:
        if name in self.blocks:
            if self.blocks[name] != lines:
                raise SystemExit(f"two different definitions named {name}")
            return
        self.blocks[name] = lines
        self.order.append(name)

    def define(self, defs: Schema, name: str) -> str:
        """Declares the definition ``name`` (and what it uses) and returns its Python name."""
        if name not in self.blocks:
            self.declare(name, defs[name], defs)
        return name

    def declare(self, name: str, s: Schema, defs: Schema) -> None:
        if "oneOf" in s and all("const" in o for o in s["oneOf"]):
            lines = [f"{name} = Literal["] + [f"    {json.dumps(o['const'])}," for o in s["oneOf"]] + ["]"]
            labels = [f"``{o['const']}``: {o.get('x-label-id', '')} ({o.get('x-label-en', '')})" for o in s["oneOf"]]
            text = (s.get("description", "") + "\n\n" if s.get("description") else "") + "; ".join(labels) + "."
            self.emit(name, lines + doc(text, ""))
        elif "oneOf" in s:
            variants = [self.variant(name, o, defs) for o in s["oneOf"]]
            lines = [f"{name} = Union["] + [f"    {v}," for v in variants] + ["]"]
            self.emit(name, lines + doc(s.get("description"), ""))
        elif s.get("type") == "object":
            self.typed_dict(name, s, defs)
        else:
            self.emit(name, [f"{name} = {self.scalar(s)}"] + doc(s.get("description"), ""))

    def variant(self, union: str, s: Schema, defs: Schema, prefix: Optional[str] = None) -> str:
        """A variant of a union tagged by ``type`` (or ``link``): its own TypedDict."""
        tag = next(k for k in ("type", "link") if k in s.get("properties", {}))
        const = s["properties"][tag]["const"]
        name = (prefix if prefix is not None else union) + camel(const)
        self.typed_dict(name, s, defs)
        return name

    def typed_dict(self, name: str, s: Schema, defs: Schema) -> None:
        props: Dict[str, Schema] = s.get("properties", {})
        required = set(s.get("required", ()))
        fields = [(p, self.type_of(name, p, props[p], defs), p in required) for p in props]
        for field_name, _, _ in fields:
            if keyword.iskeyword(field_name) or not field_name.isidentifier():
                raise SystemExit(f"{name}.{field_name} is not a Python name")
        lines: List[str] = []
        must = [f for f in fields if f[2]]
        may = [f for f in fields if not f[2]]
        body = doc(s.get("description"), "    ")
        if must and may:
            lines.append(f"class _{name}Required(TypedDict):")
            lines += [f"    {p}: {t}" for p, t, _ in must]
            lines += ["", "", f"class {name}(_{name}Required, total=False):"]
            lines += body
            for p, t, _ in may:
                lines.append(f"    {p}: {t}")
                lines += doc(props[p].get("description"), "    ")
        else:
            lines.append(f"class {name}(TypedDict{'' if must or not may else ', total=False'}):")
            lines += body
            for p, t, _ in fields:
                lines.append(f"    {p}: {t}")
                lines += doc(props[p].get("description"), "    ")
            if not fields:
                lines.append("    pass")
        self.emit(name, lines)

    def type_of(self, owner: str, prop: str, s: Schema, defs: Schema) -> str:
        if "const" in s:
            return f"Literal[{json.dumps(s['const'])}]"
        if "$ref" in s:
            ref = self.define(defs, s["$ref"].rsplit("/", 1)[1])
            if "enum" in s:  # a field allowing part of a vocabulary
                return f"Literal[{', '.join(json.dumps(v) for v in s['enum'])}]"
            return ref
        if "anyOf" in s:
            options = [o for o in s["anyOf"] if o.get("type") != "null"]
            nullable = len(options) < len(s["anyOf"])
            inner = [self.type_of(owner, prop, o, defs) for o in options]
            t = inner[0] if len(inner) == 1 else f"Union[{', '.join(inner)}]"
            return f"Optional[{t}]" if nullable else t
        if "oneOf" in s:
            variants = [self.variant(owner, o, defs, prefix=owner + camel(prop)) for o in s["oneOf"]]
            return f"Union[{', '.join(variants)}]"
        if s.get("type") == "array":
            return f"List[{self.type_of(owner, prop, s['items'], defs)}]"
        if s.get("type") == "object":
            name = owner + camel(prop)
            self.typed_dict(name, s, defs)
            return name
        return self.scalar(s)

    @staticmethod
    def scalar(s: Schema) -> str:
        kind = s.get("type")
        if isinstance(kind, list) and "null" in kind and len(kind) == 2:
            other = next(k for k in kind if k != "null")
            return f"Optional[{Generator.scalar({**s, 'type': other})}]"
        if kind == "string":
            return {"date-time": "Union[datetime, str]", "date": "Union[date, str]"}.get(s.get("format", ""), "str")
        if kind == "integer":
            return "int"
        if kind == "boolean":
            return "bool"
        if kind == "number":
            return "float"
        raise SystemExit(f"no Python type for {json.dumps(s)}")


def generate() -> str:
    g = Generator()
    unions: List[Tuple[str, str, List[str]]] = []
    for schema_name, union, prefix in (("command", "CaseCommand", ""), ("outreach-command", "OutreachCommand", "Outreach")):
        s = json.loads((SCHEMAS / f"{schema_name}.schema.json").read_text(encoding="utf-8"))
        defs = s.get("$defs", {})
        variants = [g.variant(union, o, defs, prefix=prefix) for o in s["oneOf"]]
        unions.append((union, s.get("description", ""), variants))
    out = [
        '"""Typed commands: a ``TypedDict`` for every case command (``CaseCommand``)',
        "and outreach command (``OutreachCommand``), and a ``Literal`` for every",
        "vocabulary, so that a type checker checks a command before the core does::",
        "",
        "    from lk3.commands import Terminate",
        "",
        '    command: Terminate = {"type": "terminate", "reason": "tujuan_tercapai"}',
        "    store.execute(case_id, command, actor=worker, at=now)",
        "",
        "Generated from ``schemas/command.schema.json`` and",
        "``schemas/outreach-command.schema.json`` by ``lk3-py/generate_commands.py``:",
        "do not edit (a test fails when it is not current). Times may be aware",
        "datetimes or RFC 3339 text, dates ``datetime.date`` or ``YYYY-MM-DD``.",
        "What a type cannot say (a rule between two fields, as a planned service",
        "naming a partner only when it is a referral) is the core's to check.",
        '"""',
        "",
        "# Generated file: lk3-py/generate_commands.py",
        "from __future__ import annotations",
        "",
        "from datetime import date, datetime",
        "from typing import List, Literal, Optional, TypedDict, Union",
    ]
    for name in g.order:
        out += ["", ""] + g.blocks[name]
    for union, description, variants in unions:
        out += ["", "", f"{union} = Union["] + [f"    {v}," for v in variants] + ["]"] + doc(description, "")
    names = sorted(set(g.order) | {u for u, _, _ in unions})
    out += ["", "__all__ = ["] + [f'    "{n}",' for n in names if not n.startswith("_")] + ["]", ""]
    return "\n".join(out)


def main() -> None:
    text = generate()
    if "--check" in sys.argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        sys.exit(0 if current == text else f"{TARGET} is not current: run python lk3-py/generate_commands.py")
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
