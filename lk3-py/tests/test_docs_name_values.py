"""The documentation of each vocabulary field names every value it accepts,
as the published JSON Schema lists them (the stubs and models are the
documentation: a value added in Rust and missed here fails)."""

from __future__ import annotations

import ast
import inspect
from typing import Any, List, Optional, Tuple

import pytest

import lk3

# (class, attribute, schema, definition): the field and where its values are defined.
FIELDS: List[Tuple[type, str, str, str]] = [
    (lk3.Case, "stage", "case", "Stage"),
    (lk3.Case, "channel", "case", "ContactChannel"),
    (lk3.Case, "sasaran", "case", "Sasaran"),
    (lk3.Case, "risk", "case", "RiskLevel"),
    (lk3.Aid, "funding", "case", "FundingSource"),
    (lk3.Aid, "item", "case", "AidItem"),
    (lk3.Transfer, "reason", "case", "TransferReason"),
    (lk3.Transfer, "refusal", "case", "TransferRefusal"),
    (lk3.Transfer, "state", "case", "TransferState"),
    (lk3.KeptRecord, "sensitivity", "case", "Sensitivity"),
    (lk3.KeptRecord, "kind", "case", "AttachmentKind"),
    (lk3.Outreach, "state", "outreach", "OutreachState"),
    (lk3.Outreach, "reported_by", "outreach", "ReporterKind"),
    (lk3.Outreach, "sasaran", "outreach", "Sasaran"),
    (lk3.Outreach, "refusal", "outreach", "OutreachRefusalReason"),
    (lk3.Outreach, "closure", "outreach", "OutreachCloseReason"),
]


def doc_of(cls: type, attr: str) -> Optional[str]:
    """A property's docstring, or the string literal after a dataclass field."""
    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body  # type: ignore[attr-defined]
    for i, node in enumerate(body):
        if isinstance(node, ast.FunctionDef) and node.name == attr:
            return ast.get_docstring(node)
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == attr:
            after = body[i + 1] if i + 1 < len(body) else None
            if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                return str(after.value.value)
            return None
    raise AssertionError(f"{cls.__name__} has no field {attr}")


def values(schema: str, definition: str) -> List[Any]:
    d = lk3.schema(schema)["$defs"][definition]
    return [o["const"] for o in d["oneOf"]] if "oneOf" in d else list(d["enum"])


@pytest.mark.parametrize("cls,attr,schema,definition", FIELDS, ids=[f"{c.__name__}.{a}" for c, a, _, _ in FIELDS])
def test_each_vocabulary_field_names_every_value_its_schema_accepts(cls: type, attr: str, schema: str, definition: str) -> None:
    doc = doc_of(cls, attr)
    assert doc, f"{cls.__name__}.{attr} is undocumented"
    missing = [v for v in values(schema, definition) if f"``{v}``" not in doc]
    assert not missing, f"{cls.__name__}.{attr} does not name {missing}"
