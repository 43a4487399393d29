"""The package's functions: rule set, diagrams, schemas, validation, ids,
pseudonyms, and the exception classes for every error area."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

import lk3
from conftest import demo_export

ROOT = Path(__file__).resolve().parents[2]


def test_rule_set_is_the_diagram_json_as_data() -> None:
    rules = lk3.rule_set("permensos-16-2013")
    assert rules == json.loads(lk3.diagram("permensos-16-2013", "json"))
    assert [m["name"] for m in rules["machines"]] == [
        "case", "informasi", "konsultasi", "konseling", "advokasi", "rujukan", "penjangkauan",
    ]
    later = lk3.rule_set("permensos-25-2017")
    assert {"pendampingan", "perlindungan", "pembelajaran"} <= {m["name"] for m in later["machines"]}
    assert later["effective_from"] == "2018-01-01" and rules["effective_until"] == "2017-12-31"
    approve = next(t for t in rules["machines"][0]["transitions"] if t["command"] == "approve_plan")
    assert (approve["from"], approve["to"], approve["roles"]) == ("rencana_intervensi", "intervensi", ["ketua"])


def test_one_machine_diagrams() -> None:
    mermaid = lk3.diagram("permensos-25-2017", "mermaid", machine="rujukan")
    assert "dikirim --> ditolak : reject" in mermaid and "kontak" not in mermaid
    assert json.loads(lk3.diagram("permensos-25-2017", machine="rujukan"))["name"] == "rujukan"
    with pytest.raises(ValueError, match="unknown machine"):
        lk3.diagram("permensos-25-2017", "mermaid", machine="nope")
    with pytest.raises(ValueError, match="unknown machine"):
        lk3.diagram("permensos-16-2013", "mermaid", machine="perlindungan")
    with pytest.raises(ValueError):
        lk3.diagram("permensos-25-2017", "dot", machine="case")
    with pytest.raises(ValueError, match="unknown rule set"):
        lk3.diagram("permensos-99-2099")


def test_the_rule_set_is_chosen_by_date_and_listed() -> None:
    from datetime import date

    names = [r["name"] for r in lk3.rule_sets()]
    assert names == ["permensos-16-2013", "permensos-25-2017"]
    assert lk3.rule_set_in_force(date(2017, 6, 1)) == "permensos-16-2013"
    assert lk3.rule_set_in_force(date(2019, 3, 4)) == "permensos-25-2017"
    assert lk3.rule_set_in_force(date(2010, 1, 1)) is None


def test_schemas_are_the_committed_files() -> None:
    names = lk3.schema_names()
    assert {"case", "event", "command", "client", "rule-set"} <= set(names)
    for name in names:
        committed = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert lk3.schema(name) == committed, name
    with pytest.raises(ValueError, match="unknown schema"):
        lk3.schema("nope")


def test_validate_takes_data_text_bytes_and_paths(tmp_path: Path) -> None:
    good = {"type": "terminate", "reason": "pindah"}
    bad = {"type": "terminate", "reason": "bosan"}
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(bad), encoding="utf-8")
    for doc in (good, json.dumps(good), json.dumps(good).encode()):
        r = lk3.validate(doc)
        assert r and r.valid and r.document == "command" and r.findings == ()
    for doc in (bad, json.dumps(bad), p, str(p)):
        r = lk3.validate(doc)
        assert not r and r.structurally_valid is False
        (f,) = r.findings
        assert (f.code, f.severity, f.pointer) == ("LK3-E070", "error", "/reason")
        assert "bosan" in f.message_en and "skema" in f.message_id
    assert lk3.validate("{not json").findings[0].code == "LK3-E064"
    assert lk3.validate({"hello": 1}).findings[0].code == "LK3-E065"
    assert lk3.validate({"type": "terminate"}, kind="command").errors[0].pointer == ""
    with pytest.raises(ValueError, match="unknown document kind"):
        lk3.validate(good, kind="novel")
    with pytest.raises(lk3.ValidationError) as e:
        lk3.validate(bad).raise_for_errors()
    assert e.value.code == "LK3-E070" and len(e.value.findings) == 1
    lk3.validate(good).raise_for_errors()


def test_validate_warns_on_possible_but_odd_identifiers() -> None:
    client = {"client_id": lk3.new_id(), "unit": "64.74", "name": "X", "nik": "6474015505850003", "sex": "laki_laki"}
    r = lk3.validate(client, kind="client")
    assert r.valid and r.warnings and r.warnings[0].code.startswith("LK3-W") and r.warnings[0].pointer == "/nik"
    assert "6474015505850003" not in r.warnings[0].message_en, "messages never repeat a NIK"


def test_validate_finds_meaning_errors_in_demo_documents() -> None:
    export = demo_export()
    if export is None:
        pytest.skip("LK3_DEMO_EXPORT is not set (scripts/test.sh sets it)")
    path = sorted(export.glob("*.json"))[0]
    assert lk3.validate(path).valid
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["events"][1]["seq"] = 7
    codes = {f.code for f in lk3.validate(doc).findings}
    assert codes & {"LK3-E050", "LK3-E051"}, codes


def test_new_ids_are_uuid_v7_at_the_time_given() -> None:
    at = datetime(2019, 3, 4, 13, 15, tzinfo=timezone.utc)
    a, b = lk3.new_id(at), lk3.new_id(at)
    assert a != b and re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", a)
    assert int(a.replace("-", "")[:12], 16) == int(at.timestamp() * 1000)
    assert lk3.new_id() > a, "now is later than 2019"
    with pytest.raises(ValueError, match="naive"):
        lk3.new_id(datetime(2019, 3, 4))


def test_pseudonym_is_hmac_sha256_truncated() -> None:
    for key in (b"\x0b" * 20, b"k" * 32, b"\xaa" * 131):  # keys shorter, equal to, longer than a block's hash
        for text in ("", "016948d7-dc20-7965-afd9-d5d56cc1899e", "x" * 200):
            assert lk3.pseudonym(key, text) == hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:16]
    assert lk3.age_bands()[0] == "0-4" and lk3.age_bands()[-1] == "60+"


# RFC 4231, the test cases whose data is text: HMAC-SHA256 of `data` under `key`.
RFC_4231 = [
    (b"\x0b" * 20, "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (b"Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    (b"\xaa" * 131, "Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    (b"\xaa" * 131, "This is a test using a larger than block-size key and a larger than block-size data. The key "
     "needs to be hashed before being used by the HMAC algorithm.",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
]


@pytest.mark.parametrize("key, data, mac", RFC_4231)
def test_pseudonym_is_the_rfc_4231_hmac_sha256_truncated(key: bytes, data: str, mac: str) -> None:
    assert lk3.pseudonym(key, data) == mac[:16]


def test_every_code_of_the_registry_has_its_own_class() -> None:
    from lk3.errors import error_areas, error_class

    unmapped = [code for code in lk3.errors.error_codes() if error_class(code) is lk3.Lk3Error]
    assert not unmapped, unmapped
    # The class follows the code's area in the core's registry, not its number.
    areas = error_areas()
    for code, area in areas.items():
        cls = error_class(code)
        if area == "chain":
            assert cls is lk3.IntegrityError, code
        if area in ("identifier", "document", "seal"):
            assert issubclass(cls, lk3.ValidationError), code
        if area == "command":
            assert issubclass(cls, (lk3.CommandRefused, lk3.NotFound)), code


@pytest.mark.parametrize(
    "code, cls",
    [
        ("LK3-E001", lk3.ValidationError),
        ("LK3-E011", lk3.ValidationError),
        ("LK3-E064", lk3.ValidationError),
        ("LK3-E066", lk3.ValidationError),
        ("LK3-E067", lk3.ValidationError),
        ("LK3-E068", lk3.ValidationError),
        ("LK3-E070", lk3.ValidationError),
        ("LK3-E020", lk3.TransitionRefused),
        ("LK3-E036", lk3.TransitionRefused),
        ("LK3-E021", lk3.PermissionDenied),
        ("LK3-E022", lk3.ConsentRequired),
        ("LK3-E023", lk3.ConsentRequired),
        ("LK3-E039", lk3.ConsentRequired),
        ("LK3-E024", lk3.CommandRefused),
        ("LK3-E030", lk3.NotFound),
        ("LK3-E081", lk3.NotFound),
        ("LK3-E080", lk3.Conflict),
        ("LK3-E082", lk3.Conflict),
        ("LK3-E051", lk3.IntegrityError),
        ("LK3-E055", lk3.IntegrityError),
        ("LK3-E034", lk3.CommandRefused),
        ("LK3-E012", lk3.ValidationError),
        ("LK3-E042", lk3.ValidationError),
        ("LK3-E120", lk3.CommandRefused),
        ("LK3-E121", lk3.NotFound),
        ("LK3-E087", lk3.IntegrityError),
        ("LK3-E085", lk3.StoreError),
        ("LK3-E090", lk3.StoreError),
        ("LK3-E999", lk3.Lk3Error),
    ],
)
def test_error_classes_by_code(code: str, cls: type) -> None:
    from lk3.errors import _from_code, error_class

    assert error_class(code) is cls
    e = _from_code(code, "in English", "dalam bahasa Indonesia")
    assert type(e) is cls and isinstance(e, lk3.Lk3Error)
    assert (e.code, e.message_en, e.message_id, str(e)) == (code, "in English", "dalam bahasa Indonesia", f"[{code}] in English")


def test_errors_are_documented_in_the_stubs() -> None:
    for name in ("Lk3Error", "ValidationError", "TransitionRefused", "PermissionDenied", "ConsentRequired",
                 "NotFound", "Conflict"):
        assert getattr(lk3, name).__doc__, name
    assert lk3.Store.cases_frame.__doc__ and lk3.validate.__doc__ and lk3.Store.execute.__doc__
