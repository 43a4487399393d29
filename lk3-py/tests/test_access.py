"""Notes and attachments kept with a case, read through the access rule,
and the access log: a secret note read without a purpose is refused, a read
with one is in the log; the rule's table, as Python sees it, is the one the
store enforces."""

from __future__ import annotations

import itertools

import pytest

import lk3
from conftest import UNIT, World

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


def at_unit(actor: lk3.Actor) -> lk3.Actor:
    """The actor naming the test unit: staff who name none read nothing."""
    return actor._replace(unit=UNIT)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_a_secret_note_needs_a_purpose_and_every_read_is_logged(store: lk3.Store, world: World) -> None:
    case = world.in_intervention()
    peksos = at_unit(world.pekerja_sosial)
    case = store.add_note(
        case.case_id, text="Klien takut pulang.", sensitivity="rahasia", about=[world.mother], actor=peksos, at=world.at()
    )
    (note,) = case.notes
    assert (note.sensitivity, note.about, note.added_by) == ("rahasia", (world.mother,), peksos.staff_id)
    assert "takut" not in str(store.events(case.case_id)), "events hold the digest only"
    with pytest.raises(lk3.PermissionDenied) as refused:
        store.read_note(UNIT, note.digest, actor=peksos)
    assert refused.value.code == "LK3-E150" and "tujuan" in refused.value.message_id
    read = store.read_note(UNIT, note.digest, actor=peksos, purpose="penanganan_kasus")
    assert read["text"] == "Klien takut pulang." and read["sensitivity"] == "rahasia"
    with pytest.raises(lk3.PermissionDenied) as refused:
        store.read_note(UNIT, note.digest, actor=at_unit(world.relawan), purpose="penanganan_kasus")
    assert refused.value.code == "LK3-E151"
    log = store.access_log(UNIT, client=world.mother)
    assert [(e["entry"]["granted"], e["entry"].get("purpose"), e["entry"]["actor"]["role"]) for e in log] == [
        (False, None, "pekerja_sosial"),
        (True, "penanganan_kasus", "pekerja_sosial"),
        (False, "penanganan_kasus", "relawan"),
    ]
    assert [e["seq"] for e in log] == [1, 2, 3] and log[1]["entry"]["target"] == note.digest
    assert log[0]["entry"]["refusal"] == "LK3-E150"
    assert store.verify()["problems"] == []


def test_an_attachment_is_checked_kept_read_for_a_purpose_and_erased(store: lk3.Store, world: World) -> None:
    case = world.in_intervention()
    peksos = at_unit(world.pekerja_sosial)
    for content, content_type in [(b"", "application/pdf"), (PNG, "application/pdf"), (PDF + bytes(10 * 2**20), "application/pdf")]:
        with pytest.raises(lk3.ValidationError) as refused:
            store.add_attachment(
                case.case_id, content=content, kind="surat_rujukan", content_type=content_type, actor=peksos, at=world.at()
            )
        assert refused.value.code == "LK3-E152"
    assert store.case(case.case_id).attachments == (), "nothing recorded"
    case = store.add_attachment(
        case.case_id,
        content=PDF,
        kind="surat_rujukan",
        content_type="application/pdf",
        sensitivity="biasa",
        about=[world.mother],
        actor=peksos,
        at=world.at(),
    )
    (kept,) = case.attachments
    assert (kept.kind, kept.content_type, kept.bytes) == ("surat_rujukan", "application/pdf", len(PDF))
    with pytest.raises(lk3.PermissionDenied):
        store.read_attachment(UNIT, kept.digest, actor=peksos)
    read = store.read_attachment(UNIT, kept.digest, actor=peksos, purpose="rujukan")
    assert read["content"] == PDF and read["sensitivity"] == "biasa"
    assert store.erase_client(UNIT, world.mother, at=world.at())[0] is False
    assert store.read_attachment(UNIT, kept.digest, actor=peksos, purpose="rujukan")["content"] is None
    assert store.verify()["problems"] == []


def test_a_top_secret_note_is_read_by_the_worker_and_the_ketua_only(store: lk3.Store, world: World) -> None:
    case = world.in_intervention()
    assert case.worker == world.pekerja_sosial.staff_id
    case = store.add_note(
        case.case_id, text="Alamat rumah aman.", sensitivity="sangat_rahasia", actor=world.pekerja_sosial, at=world.at()
    )
    digest = case.notes[0].digest
    for actor in [world.pekerja_sosial, world.ketua]:
        assert store.read_note(UNIT, digest, actor=at_unit(actor), purpose="supervisi")["text"] == "Alamat rumah aman."
    with pytest.raises(lk3.PermissionDenied) as refused:
        store.read_note(UNIT, digest, actor=at_unit(world.peksos2), purpose="penanganan_kasus")
    assert refused.value.code == "LK3-E151"
    with pytest.raises(lk3.PermissionDenied) as refused:
        store.read_note(UNIT, digest, actor=world.pekerja_sosial, purpose="supervisi")
    assert refused.value.code == "LK3-E151"


def test_an_identity_is_read_for_a_purpose_and_logged(store: lk3.Store, world: World) -> None:
    world.in_intervention()
    store.put_client({"client_id": world.mother, "unit": UNIT, "name": "Ibu Contoh"})
    with pytest.raises(lk3.PermissionDenied):
        store.client(UNIT, world.mother, actor=at_unit(world.sekretaris))
    assert store.client(UNIT, world.mother, actor=at_unit(world.sekretaris), purpose="pelaporan")["name"] == "Ibu Contoh"
    assert [e["entry"]["kind"] for e in store.access_log(UNIT)] == ["identitas", "identitas"]


def test_roles_are_set_and_a_guardian_is_never_made_the_perpetrator(store: lk3.Store, world: World) -> None:
    case = world.in_intervention()
    case = store.set_client_role(case.case_id, client_id=world.mother, role="korban", actor=world.pekerja_sosial, at=world.at())
    assert [c.role for c in case.clients if c.client_id == world.mother] == ["korban"]
    with pytest.raises(lk3.ConsentRequired) as refused:
        store.set_client_role(case.case_id, client_id=world.mother, role="pelaku", actor=world.pekerja_sosial, at=world.at())
    assert refused.value.code == "LK3-E023"


def test_the_access_rules_python_sees_are_the_ones_the_store_enforces(store: lk3.Store, world: World) -> None:
    """Every role x sensitivity x purpose given or not, read against the
    table :func:`lk3.access_rules` returns."""
    table = lk3.access_rules()
    assert table["floors"] == {"identitas": "rahasia", "catatan": "biasa", "lampiran": "rahasia"}
    case = world.in_intervention()
    roles = ["penanggung_jawab", "ketua", "sekretaris", "bendahara", "pekerja_sosial", "konselor", "psikolog",
             "tenaga_profesional", "relawan", "admin"]
    for rule in table["rules"]:
        case = store.add_note(
            case.case_id, text=f"catatan {rule['sensitivity']}", sensitivity=rule["sensitivity"],
            actor=world.pekerja_sosial, at=world.at(),
        )
        digest = case.notes[-1].digest
        for role, purpose in itertools.product(roles, [None, "penanganan_kasus"]):
            worker = at_unit(world.pekerja_sosial)
            actor = worker if role == "pekerja_sosial" else lk3.Actor(lk3.new_id(world.now), role, unit=UNIT)
            insider = role in table["heads"] or actor == worker  # the case's worker wrote it
            allowed = (
                role in rule["roles"]
                and (purpose is not None or not rule["purpose_required"])
                and (insider or not rule["insiders_only"])
            )
            try:
                store.read_note(UNIT, digest, actor=actor, purpose=purpose)
                assert allowed, (rule["sensitivity"], role, purpose)
            except lk3.PermissionDenied as e:
                assert not allowed, (rule["sensitivity"], role, purpose, e.code)


def test_a_reader_lists_only_the_cases_of_their_scope(store: lk3.Store, world: World) -> None:
    first = world.in_intervention()
    second = world.in_intervention()
    store.assign_worker(second.case_id, worker=world.peksos2.staff_id, reason="beban_kerja", actor=world.ketua, at=world.at())
    scopes = lk3.access_rules()["scopes"]
    assert scopes["pekerja_sosial"] == "pekerja" and scopes["ketua"] == "unit" and scopes["admin"] == "tidak_ada"
    ids = lambda reader: [c.case_id for c in store.cases(reader=reader)]  # noqa: E731
    peksos = world.pekerja_sosial
    assert ids(lk3.Actor(peksos.staff_id, "pekerja_sosial", unit=UNIT)) == [first.case_id]
    assert ids(lk3.Actor(world.peksos2.staff_id, "pekerja_sosial", unit=UNIT)) == [second.case_id]
    assert ids(lk3.Actor(world.ketua.staff_id, "ketua", unit=UNIT)) == [first.case_id, second.case_id]
    assert ids(lk3.Actor(world.ketua.staff_id, "ketua", unit="64.72")) == []
    assert ids(lk3.Actor(world.admin.staff_id, "admin", unit=UNIT)) == []
    with pytest.raises(lk3.PermissionDenied) as refused:
        store.cases(reader=world.ketua)
    assert refused.value.code == "LK3-E151"


def test_a_family_shows_its_members_roles(store: lk3.Store, world: World) -> None:
    case = world.registered()
    store.set_client_role(case.case_id, client_id=world.mother, role="korban", actor=world.sekretaris, at=world.at())
    for client in (world.mother, world.child):
        store.put_client({"client_id": client, "unit": UNIT, "name": "Anggota", "no_kk": "6474010101190001"})
    family = store.family(UNIT, "6474010101190001")
    assert sorted(m["client_id"] for m in family) == sorted([world.mother, world.child])
    roles = {m["client_id"]: [f.get("role") for f in m["files"]] for m in family}
    assert roles == {world.mother: ["korban"], world.child: [None]}
    assert "6474010101190001" not in str(family)
