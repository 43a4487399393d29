"""Seals checked without lk3: an Ed25519 verifier written from RFC 8032
(its section 6 reference code, in pure Python) accepts the seal the Rust core
makes over the documented message, and ``lk3.validate(..., trust=...)``
refuses what does not verify.

The fixture (``data/sealed-case.json``, ``data/trust.json``) is written by
``lk3-core/tests/core/seal.rs`` with a test key (secret: 32 bytes of 0x42)."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import pytest

import lk3

DATA = Path(__file__).resolve().parent / "data"

# -- Ed25519 verification, RFC 8032 section 6 ---------------------------------

P = 2**255 - 19
Q = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
Point = Tuple[int, int, int, int]


def _add(a: Point, b: Point) -> Point:
    x = (a[1] - a[0]) * (b[1] - b[0]) % P
    y = (a[1] + a[0]) * (b[1] + b[0]) % P
    c = 2 * a[3] * b[3] * D % P
    d = 2 * a[2] * b[2] % P
    e, f, g, h = y - x, d - c, d + c, y + x
    return (e * f, g * h, f * g, e * h)


def _mul(s: int, a: Point) -> Point:
    out: Point = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            out = _add(out, a)
        a = _add(a, a)
        s >>= 1
    return out


def _equal(a: Point, b: Point) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def _recover_x(y: int, sign: int) -> Optional[int]:
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P)
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    return P - x if (x & 1) != sign else x


def _decompress(s: bytes) -> Optional[Point]:
    y = int.from_bytes(s, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % P)


_GY = 4 * pow(5, P - 2, P) % P
_GX = _recover_x(_GY, 0)
assert _GX is not None
G: Point = (_GX, _GY, 1, _GX * _GY % P)


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    a = _decompress(public)
    r = _decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= Q or len(public) != 32 or len(signature) != 64:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % Q
    return _equal(_mul(s, G), _add(r, _mul(h, a)))


# -- the fixture ----------------------------------------------------------------


def load() -> Tuple[Dict[str, Any], Dict[str, Any]]:
    doc = json.loads((DATA / "sealed-case.json").read_text(encoding="utf-8"))
    trust = json.loads((DATA / "trust.json").read_text(encoding="utf-8"))
    return doc, trust


def message(doc: Dict[str, Any]) -> bytes:
    """The signed message, exactly as `lk3_core::seal` documents it."""
    head, seal = doc["events"][-1], doc["seal"]
    return f"lk3-seal-v1\n{head['stream_id']}\n{seal['seq']}\n{seal['head_hash']}".encode("ascii")


def test_the_verifier_passes_rfc_8032_test_1() -> None:
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    signature = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    assert ed25519_verify(public, b"", signature)
    assert not ed25519_verify(public, b"x", signature)


def test_a_seal_verifies_with_python_alone() -> None:
    doc, trust = load()
    seal, head = doc["seal"], doc["events"][-1]
    key = next(k for k in trust["keys"] if k["key_id"] == seal["key_id"])
    public = bytes.fromhex(key["public_key"])
    assert hashlib.sha256(public).hexdigest()[:16] == key["key_id"]
    assert (seal["seq"], seal["head_hash"]) == (head["seq"], head["hash"])
    assert key["unit"] == doc["case"]["unit"]
    assert ed25519_verify(public, message(doc), bytes.fromhex(seal["signature"]))
    # Another seq, or another stream, is another message.
    forged = copy.deepcopy(doc)
    forged["seal"]["seq"] -= 1
    assert not ed25519_verify(public, message(forged), bytes.fromhex(seal["signature"]))


def test_validate_checks_the_seal_against_a_trust_file(tmp_path: Path) -> None:
    doc, trust = load()
    trust_path = DATA / "trust.json"
    for given in (trust_path, str(trust_path), trust, json.dumps(trust), trust_path.read_bytes()):
        r = lk3.validate(doc, trust=given)
        assert r.valid and not r.findings, r.findings
    # Without a trust file the seal is noted, not checked.
    r = lk3.validate(doc)
    assert r.valid and [(f.code, f.pointer, f.severity) for f in r.findings] == [("LK3-W006", "/seal", "warning")]

    bad = copy.deepcopy(doc)
    bad["seal"]["signature"] = ("0" if doc["seal"]["signature"][0] != "0" else "1") + doc["seal"]["signature"][1:]
    r = lk3.validate(bad, trust=trust)
    assert not r.valid and [(f.code, f.pointer) for f in r.errors] == [("LK3-E042", "/seal/signature")]

    unsigned = {k: v for k, v in doc.items() if k != "seal"}
    assert [f.code for f in lk3.validate(unsigned, trust=trust).errors] == ["LK3-E040"]
    assert lk3.validate(unsigned).findings == ()

    nobody = {"document": "lk3.trust", "version": 1, "keys": []}
    assert [(f.code, f.pointer) for f in lk3.validate(doc, trust=nobody).errors] == [("LK3-E041", "/seal/key_id")]

    retired = copy.deepcopy(trust)
    retired["keys"][0]["retired_from"] = doc["events"][-1]["occurred_at"]
    assert [f.code for f in lk3.validate(doc, trust=retired).errors] == ["LK3-E044"]

    broken = copy.deepcopy(trust)
    broken["keys"][0]["key_id"] = "0" * 16
    with pytest.raises(lk3.ValidationError) as e:
        lk3.validate(doc, trust=broken)
    assert e.value.code == "LK3-E046"


def test_import_documents_with_a_trust_file_takes_only_sealed_documents(tmp_path: Path) -> None:
    doc, trust = load()
    sealed = tmp_path / "sealed"
    sealed.mkdir()
    (sealed / "case.json").write_text(json.dumps(doc), encoding="utf-8")
    unsigned_dir = tmp_path / "unsigned"
    unsigned_dir.mkdir()
    unsigned = copy.deepcopy(doc)
    del unsigned["seal"]
    (unsigned_dir / "case.json").write_text(json.dumps(unsigned), encoding="utf-8")
    with lk3.Store.open(str(tmp_path / "refused.db")) as store:
        # Refused by import (LK3-E089), naming the seal's own code.
        with pytest.raises(lk3.StoreError) as refused:
            store.import_documents(unsigned_dir, trust=trust)
        assert refused.value.code == "LK3-E089" and "LK3-E040" in str(refused.value)
        assert store.count_cases() == 0, "a refused import writes nothing"
        assert store.import_documents(sealed, trust=DATA / "trust.json").imported == 1
    nobody = {"document": "lk3.trust", "version": 1, "keys": []}
    with lk3.Store.open(str(tmp_path / "untrusted.db")) as store:
        with pytest.raises(lk3.StoreError) as untrusted:
            store.import_documents(sealed, trust=nobody)
        assert untrusted.value.code == "LK3-E089" and "LK3-E041" in str(untrusted.value)
        assert store.count_cases() == 0, "a refused import writes nothing"


def test_import_documents_of_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with lk3.Store.open(str(tmp_path / "lk3.db")) as store:
        with pytest.raises(lk3.ValidationError) as nothing:
            store.import_documents(empty)
        assert nothing.value.code == "LK3-E068"


# -- a store that seals its batches and trusts keys ----------------------------

# The fixture key (secret: 32 bytes of 0x42) as `lk3 keys generate` writes it.
_KEY = json.loads((DATA / "trust.json").read_text())["keys"][0]
PRIVATE_KEY = {
    "document": "lk3.private-key",
    "version": 1,
    "key_id": _KEY["key_id"],
    "unit": _KEY["unit"],
    "public_key": _KEY["public_key"],
    "private_key": "42" * 32,
    "created": "2019-01-01T00:00:00Z",
}
PUBLIC_KEY = {k: v for k, v in PRIVATE_KEY.items() if k != "private_key"} | {"document": "lk3.public-key"}


def test_a_store_seals_its_batches_and_verifies_them_against_its_trusted_keys(world: Any) -> None:
    from datetime import timedelta

    store = world.store
    assert store.signing_key_id is None
    assert store.set_signing_key(PRIVATE_KEY) == _KEY["key_id"] == store.signing_key_id
    case = world.contact()
    case = store.register(case.case_id, clients=[lk3.new_id()], problems=["kdrt"], actor=world.sekretaris, at=world.at())
    report = store.verify()
    assert report["problems"] == [] and report["seals_checked"] is False
    # Trusted: every head sealed by the key, and the export carries the seal.
    assert store.trust_key(PUBLIC_KEY) is True and store.trust_key(PUBLIC_KEY) is False
    report = store.verify()
    assert (report["problems"], report["seals_checked"], report["sealed_streams"]) == ([], True, 1)
    doc = json.loads(store.export_case(case.case_id))
    assert doc["seal"]["key_id"] == _KEY["key_id"] and doc["seal"]["seq"] == 2
    assert ed25519_verify(bytes.fromhex(_KEY["public_key"]), message(doc), bytes.fromhex(doc["seal"]["signature"]))
    assert lk3.validate(doc, trust=DATA / "trust.json").valid
    # Written without the key: the head is unsealed, and verify says so.
    store.set_signing_key(None)
    store.start_engagement(case.case_id, actor=world.pekerja_sosial, at=world.at())
    codes = [p["code"] for p in store.verify()["problems"]]
    assert codes == ["LK3-E043"], "sealed at seq 2, the head is seq 3"
    # The key back: the heads left unsealed are sealed once, after a re-check.
    store.set_signing_key(PRIVATE_KEY)
    assert store.seal_heads() == {"sealed": 1, "already": 0, "other_units": 0}
    assert store.seal_heads() == {"sealed": 0, "already": 1, "other_units": 0}
    assert store.verify()["problems"] == []
    # Retired before the last sealed head, then revoked: the record stays, marked.
    store.retire_key(_KEY["key_id"], world.now - timedelta(days=1))
    assert [p["code"] for p in store.verify()["problems"]] == ["LK3-E044"] * 3 + ["LK3-E040"]
    store.revoke_key(_KEY["key_id"])
    (record,) = store.trusted_keys()
    assert record["key_id"] == _KEY["key_id"] and record["revoked_at"] is not None
    assert record["retired_from"] == world.now - timedelta(days=1)
    assert store.verify()["seals_checked"] is False
    with pytest.raises(lk3.Lk3Error) as refused:
        store.trust_key(PUBLIC_KEY)
    assert refused.value.code == "LK3-E046"
    # A trust file given instead of the store's keys.
    report = store.verify(trust=DATA / "trust.json")
    assert report["seals_checked"] is True and report["problems"] == [] and report["sealed_streams"] == 1
