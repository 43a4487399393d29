"""DataFrames: columns and dtypes of every frame, records without pandas,
and pseudonymised frames that leak no identity and no exact time."""

from __future__ import annotations

import builtins
import hashlib
import hmac
import json
import os
import sys
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, Iterator, List

import pytest

import lk3
from conftest import KK, NAMES, NIKS, UNIT, VILLAGE, World, populate

pd = pytest.importorskip("pandas") if os.environ.get("CI") != "true" else __import__("pandas")


@pytest.fixture
def populated(world: World) -> World:
    """A closed case, a case in intervention with a sent referral, a fresh
    contact; the first case's clients in the registry."""
    return populate(world)


def dtypes(frame: Any) -> Dict[str, str]:
    return {str(k): str(v) for k, v in frame.dtypes.items()}


def test_cases_frame_columns_and_dtypes(populated: World) -> None:
    f = populated.store.cases_frame(now=populated.now + timedelta(days=2))
    assert len(f) == 3
    assert dtypes(f) == {
        "unit": "category", "case_id": "string", "case_number": "string", "stage": "category",
        "opened_at": "datetime64[us, UTC]", "last_at": "datetime64[us, UTC]", "events": "int64",
        "worker": "category", "risk": "category", "channel": "category", "sasaran": "category",
        "problems": "object", "clients": "int64",
        "services": "int64", "referrals": "int64", "consents": "int64", "overdue_referral": "bool",
    }
    assert list(f["stage"]) == ["ditutup", "intervensi", "kontak"]
    assert list(f["stage"].cat.categories)[:3] == ["kontak", "registrasi", "pendekatan_awal"]
    assert list(f["overdue_referral"]) == [False, True, False]
    assert f["problems"][0] == ["kdrt", "kekerasan_anak"] and f["problems"][2] == []
    assert pd.isna(f["worker"][2]) and f["worker"][0] == populated.pekerja_sosial.staff_id
    assert f["opened_at"].dt.month.tolist() == [3, 3, 3]


def test_services_and_referrals_frames(populated: World) -> None:
    s = populated.store
    services = s.services_frame()
    assert dtypes(services) == {
        "unit": "category", "case_id": "string", "service_id": "string", "kind": "category", "state": "category",
        "partner_id": "category", "response_deadline": "datetime64[us, UTC]", "overdue": "bool", "case_stage": "category",
        "case_opened_at": "datetime64[us, UTC]",
    }
    assert services.groupby("kind", observed=True).size().to_dict() == {"konseling": 2, "rujukan": 1}
    referrals = s.referrals_frame(now=populated.now + timedelta(days=2))
    assert list(referrals.columns) == ["unit", "case_id", "service_id", "state", "partner_id", "response_deadline",
                                       "overdue", "closed", "case_stage", "case_opened_at"]
    assert list(referrals["state"]) == ["dikirim"] and list(referrals["overdue"]) == [True]
    assert set(referrals["state"].cat.categories) == {"draf", "dikirim", "diterima", "diproses", "ditunda", "ditolak",
                                                      "gagal", "selesai", "dibatalkan", "salah_catat"}


def test_the_frames_hold_each_case_s_channel_sasaran_and_referral_partner(crossing: World) -> None:
    s = crossing.store
    cases = {c.case_id: s.case(c.case_id) for c in s.cases()}
    rows = s.table("cases").to_records()
    assert sorted((r["case_id"], r["channel"], r["sasaran"]) for r in rows) == sorted(
        (i, c.channel, c.sasaran) for i, c in cases.items())
    assert all(r["channel"] is not None for r in rows), "every case reached the LK3 somehow"
    summaries = {c.case_id: c for c in s.cases()}
    assert all((summaries[i].channel, summaries[i].sasaran) == (c.channel, c.sasaran) for i, c in cases.items())
    for name in ("services", "referrals"):
        got = sorted((r["case_id"], r["service_id"], r["partner_id"]) for r in s.table(name).to_records())
        want = sorted((i, v.service_id, v.partner_id) for i, c in cases.items() for v in c.services
                      if name == "services" or v.kind == "rujukan")
        assert got == want, name
    assert any(p for _, _, p in got), "a referral with its partner"
    channels = [o["const"] for o in lk3.schema("case")["$defs"]["ContactChannel"]["oneOf"]]
    assert list(s.cases_frame()["channel"].cat.categories) == channels, "the vocabulary, in its order"
    # An organisation, not a person: the partner stays as it is in a pseudonymised frame.
    keyed = s.referrals_frame(pseudonymise=True, key=b"k" * 32)
    assert sorted(keyed["partner_id"].dropna()) == sorted(p for _, _, p in got if p)


def test_events_frame(populated: World) -> None:
    s = populated.store
    f = s.events_frame()
    total = sum(c.version for c in s.cases())
    assert len(f) == total
    assert dtypes(f) == {
        "unit": "category", "stream_kind": "category", "stream_id": "category", "seq": "int64",
        "event_id": "string", "occurred_at": "datetime64[us, UTC]", "type": "category", "role": "category",
        "staff_id": "category", "partner_id": "category", "command_id": "string", "rule_set": "category", "service_id": "string",
        "step": "category", "consent_override": "bool",
    }
    first = f.iloc[0]
    assert (first["seq"], first["type"], first["role"], first["stream_kind"]) == (1, "contact_recorded", "relawan", "case")
    assert all(g.is_monotonic_increasing for _, g in f.groupby("stream_id", observed=True)["seq"])
    sessions = f[f["step"] == "hold_session"]
    assert len(sessions) == 1 and sessions.iloc[0]["type"] == "service_step_recorded"
    assert f.groupby("stream_id", observed=True)["seq"].max().sum() == total
    assert len(s.events_frame(unit="64.71")) == 0


def test_clients_frame(populated: World) -> None:
    s = populated.store
    with pytest.raises(lk3.PermissionDenied) as refused:
        s.clients_frame(age_as_of=date(2019, 6, 1))
    assert refused.value.code == "LK3-E150", "identities are read by someone, for a purpose"
    ketua = populated.ketua._replace(unit=UNIT)
    f = s.clients_frame(age_as_of=date(2019, 6, 1), reader=ketua, purpose="pelaporan")
    (logged,) = [e["entry"] for e in s.access_log(UNIT) if e["entry"]["target"] == "registry"]
    assert logged["granted"] and sorted(logged["clients"]) == sorted(f["client_id"]) and logged["purpose"] == "pelaporan"
    assert list(f.columns) == ["unit", "client_id", "sex", "cases", "name", "nik", "no_kk", "birth_date", "age",
                               "domicile"]
    assert sorted(f["name"]) == sorted(NAMES) and sorted(f["age"]) == [9, 34]
    assert str(f["age"].dtype) == "Int64" and str(f["birth_date"].dtype).startswith("datetime64")
    assert sorted(f["birth_date"].dt.date) == [date(1985, 5, 15), date(2010, 3, 12)]


def test_an_unknown_birth_date_is_missing_not_a_sentinel(populated: World) -> None:
    s = populated.store
    case = populated.registered()
    unknown = case.clients[0].client_id
    s.put_client({"client_id": unknown, "unit": UNIT, "name": "Tanpa Tanggal Lahir"})
    ketua = populated.ketua._replace(unit=UNIT)
    f = s.clients_frame(age_as_of=date(2019, 6, 1), reader=ketua, purpose="pelaporan").set_index("client_id")
    assert f.loc[unknown, "age"] is pd.NA and pd.isna(f.loc[unknown, "birth_date"])
    assert f["age"].mean() == (9 + 34) / 2, "a missing age is left out of the mean, not counted as -1"
    records = {r["client_id"]: r for r in s.table("clients", reader=ketua, purpose="pelaporan",
                                                    age_as_of=date(2019, 6, 1)).to_records()}
    assert records[unknown]["age"] is None and records[unknown]["birth_date"] is None
    known = [r for r in records.values() if r["age"] is not None]
    assert sorted((r["birth_date"], r["age"]) for r in known) == [(date(1985, 5, 15), 34), (date(2010, 3, 12), 9)]


def test_to_records_works_without_pandas(populated: World, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_pandas(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "pandas", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_pandas)
    s = populated.store
    with pytest.raises(lk3.MissingDependency, match="pip install pandas") as e:
        s.cases_frame()
    assert isinstance(e.value, ImportError)
    table = s.table("cases")
    records = table.to_records()
    assert len(records) == len(table) == 3
    r = records[0]
    assert r["stage"] == "ditutup" and isinstance(r["opened_at"], datetime) and r["opened_at"].tzinfo is not None
    assert r["problems"] == ["kdrt", "kekerasan_anak"] and r["overdue_referral"] is False and isinstance(r["events"], int)
    assert records[2]["risk"] is None and records[2]["worker"] is None
    events = s.table("events").to_records()
    assert events[0]["type"] == "contact_recorded" and events[0]["service_id"] is None
    reader = populated.ketua._replace(unit=UNIT)
    tables = [s.table(n, reader=reader, purpose="pelaporan") for n in lk3.TABLES]
    assert {t.name for t in tables} == set(lk3.TABLES)


def everything(frames: List[Any]) -> str:
    """Every value of every frame, as text."""
    return "\n".join(f.to_csv(index=False) + json.dumps(f.astype(str).to_dict(orient="records")) for f in frames)


def identifiers(world: World) -> List[str]:
    """Every direct identifier the populated store holds: identities, case
    numbers and every id (cases, clients, staff, services, events, commands)."""
    s = world.store
    ids = [c.case_id for c in s.cases()] + [cl for c in s.cases() for cl in c.clients]
    ids += [a.staff_id for a in world.staff.values()] + [x.service_id for c in s.cases() for x in c.services]
    ids += [e[k] for c in s.cases() for e in s.events(c.case_id) for k in ("event_id", "command_id")]
    numbers = [c.case_number for c in s.cases() if c.case_number]
    return NIKS + NAMES + [KK, VILLAGE, "1985-05-15", "2010-03-12", "Siti", "Budi"] + numbers + ids


def test_pseudonymised_frames_leak_no_identity(populated: World) -> None:
    s = populated.store
    key = os.urandom(32)
    frames = [
        s.cases_frame(key=key), s.services_frame(key=key), s.referrals_frame(key=key), s.events_frame(key=key),
        s.clients_frame(key=key, age_as_of=date(2019, 6, 1)),
    ]
    text = everything(frames)
    secrets = identifiers(populated)
    assert f"{UNIT}/2019/0001" in secrets
    for secret in secrets:
        assert secret not in text, secret
    records = "\n".join(json.dumps(s.table(n, key=key).to_records(), default=str) for n in lk3.TABLES)
    for secret in secrets:
        assert secret not in records, secret
    clients = frames[4]
    assert list(clients.columns) == ["unit", "client_id", "sex", "cases", "age_band", "domicile_kab_kota"]
    assert sorted(clients["age_band"]) == ["25-34", "5-9"] and set(clients["domicile_kab_kota"]) == {"64.74"}
    assert list(clients["age_band"].cat.categories) == lk3.age_bands()
    assert "case_number" not in frames[0].columns


def test_pseudonyms_are_keyed_hashes_that_join_across_frames(populated: World) -> None:
    s = populated.store
    key = b"k" * 32
    cases, events, services = s.cases_frame(key=key), s.events_frame(key=key), s.services_frame(key=key)
    case_id = s.cases()[0].case_id
    expected = hmac.new(key, case_id.encode(), hashlib.sha256).hexdigest()[:16]
    assert lk3.pseudonym(key, case_id) == expected == cases["case_id"][0]
    assert set(events["stream_id"].astype(str)) == set(cases["case_id"]), "events join cases under one key"
    assert set(services["case_id"]) <= set(cases["case_id"])
    assert cases["worker"][0] == lk3.pseudonym(key, populated.pekerja_sosial.staff_id)
    again = s.cases_frame(key=key)
    assert list(again["case_id"]) == list(cases["case_id"]), "the same key gives the same pseudonyms"
    a, b = s.cases_frame(pseudonymise=True), s.cases_frame(pseudonymise=True)
    assert not set(a["case_id"]) & set(b["case_id"]), "a per-call key makes calls unlinkable"
    assert not set(a["case_id"]) & set(cases["case_id"])
    with pytest.raises(ValueError, match="16 bytes"):
        s.table("cases", key=b"short")
    with pytest.raises(ValueError, match="unknown table"):
        s.table("notes")


# A Sunday, 20 minutes before midnight: the populated store's times cross a
# day, an ISO week and a month.
MONTH_END = datetime(2019, 3, 31, 23, 40, tzinfo=timezone.utc)


@pytest.fixture
def crossing(store: lk3.Store) -> World:
    world = populate(World(store, start=MONTH_END))
    # Aid and a protective referral in the case in intervention: the tables folded from events.
    (case,) = world.store.cases(stage="intervensi")
    aid = {"aid_id": lk3.new_id(world.now), "funding": "baznas", "given_on": world.now.date().isoformat(),
           "item": "sembako", "quantity": 1, "recipient": world.store.case(case.case_id).clients[0].client_id}
    world.store.execute(case.case_id, {"type": "record_aid", "aid": aid}, actor=world.pekerja_sosial, at=world.at())
    world.store.send_protective_referral(case.case_id, partner="polisi_uppa", reason="kekerasan_berlanjut",
                                         partner_id=world.partner, actor=world.pekerja_sosial, at=world.at())
    return world


def floor(t: datetime, resolution: str) -> datetime:
    """The start of `t`'s day, ISO week or month, in UTC (the reference the
    Rust coarsening is checked against)."""
    day = datetime(t.year, t.month, t.day, tzinfo=timezone.utc)
    if resolution == "date":
        return day
    if resolution == "week":
        return day - timedelta(days=day.weekday())
    assert resolution == "month", resolution
    return day.replace(day=1)


def test_the_data_crosses_every_resolution_boundary(crossing: World) -> None:
    times = crossing.store.table("events").to_dict()["occurred_at"]
    for resolution in lk3.RESOLUTIONS:
        assert len({floor(t, resolution) for t in times}) == 2, resolution
    assert lk3.RESOLUTIONS == tuple(lk3._lk3.resolutions())


@pytest.mark.parametrize("resolution", [None, *lk3.RESOLUTIONS])
@pytest.mark.parametrize("name", lk3.TABLES)
def test_pseudonymised_tables_hold_no_identifier_and_no_time_finer_than_the_resolution(
    crossing: World, name: str, resolution: Any
) -> None:
    s = crossing.store
    key = os.urandom(32)
    reading = {"reader": crossing.ketua._replace(unit=UNIT), "purpose": "pelaporan"}  # identities: read for a purpose
    plain = s.table(name, **reading)
    table = s.table(name, key=key, resolution=resolution)
    expected = resolution or "date"  # pseudonymised tables default to dates
    times = [c for c, kind in table.kinds.items() if kind == "datetime"]
    assert times == [c for c, kind in plain.kinds.items() if kind == "datetime"]
    assert (plain.resolution, table.resolution) == (None, expected)
    assert repr(table).endswith(f"pseudonymised, times by {expected}>")
    exact, coarse = plain.to_dict(), table.to_dict()
    for column in times:
        assert any(t is not None for t in exact[column]), column
        assert any(t is not None and t != floor(t, expected) for t in exact[column]), "no time finer than that"
        assert coarse[column] == [None if t is None else floor(t, expected) for t in exact[column]], column
        frame = table.to_pandas()
        assert str(frame[column].dtype) == "datetime64[us, UTC]"
    for column in [c for c, kind in table.kinds.items() if kind == "date"]:
        # Dates (an aid's hand-over day) are coarsened to the week or month too.
        assert any(d is not None for d in exact[column]), column
        assert coarse[column] == [None if d is None else floor(datetime(d.year, d.month, d.day, tzinfo=timezone.utc),
                                                              expected).date() for d in exact[column]], column
        times.append(column)
    if resolution is not None:
        again = s.table(name, resolution=resolution, **reading).to_dict()
        assert all(again[c] == coarse[c] for c in times), "a plain table coarsens when asked"
    text = json.dumps(table.to_records(), default=str) + everything([table.to_pandas()])
    for secret in identifiers(crossing):
        assert secret not in text, secret


def test_an_unknown_resolution_is_refused(populated: World) -> None:
    with pytest.raises(ValueError, match="unknown resolution `hour`"):
        populated.store.table("events", pseudonymise=True, resolution="hour")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown resolution"):
        populated.store._native.table("events", {}, None, "2019-03-04T00:00:00Z", None, "hour")


def test_the_aid_and_protective_referral_tables_hold_what_each_case_holds(crossing: World) -> None:
    s = crossing.store
    cases = [s.case(c.case_id) for c in s.cases()]
    aid = s.table("aid").to_records()
    assert sorted((r["case_id"], r["aid_id"], r["funding"], r["given_on"], r["item"], r["quantity"], r["recipient"],
                   r["unit"], r["case_stage"]) for r in aid) == sorted(
        (c.case_id, a.aid_id, a.funding, a.given_on, a.item, a.quantity, a.recipient, c.unit, c.stage)
        for c in cases for a in c.aid)
    protective = s.table("protective_referrals").to_records()
    assert sorted((r["case_id"], r["referral_id"], r["partner"], r["partner_id"], r["reason"], r["state"],
                   r["consent_override"], r["sent_at"], r["unit"]) for r in protective) == sorted(
        (c.case_id, p.referral_id, p.partner, p.partner_id, p.reason, p.state, p.consent_override, p.sent_at,
         c.unit) for c in cases for p in c.protective_referrals)
    assert len(aid) == 1 and len(protective) == 1
    frame = s.aid_frame()
    assert str(frame["given_on"].dtype).startswith("datetime64") and str(frame["funding"].dtype) == "category"
    funding = [o["const"] for o in lk3.schema("case")["$defs"]["FundingSource"]["oneOf"]]
    assert list(frame["funding"].cat.categories) == funding, "the vocabulary, in its order"
    assert len(s.protective_referrals_frame(unit="64.71")) == 0
    assert len(s.aid_frame(pseudonymise=True)) == 1
