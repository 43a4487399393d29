"""Pseudonymised tables a neighbour cannot re-identify: ages banded as of
the client's own date (not the day the table is made), and the k-anonymity
check (`lk3.rare_combinations`, `lk3.class_sizes`) over the
quasi-identifiers."""

from __future__ import annotations

import os
import random
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, Hashable, List, Optional, Tuple

import pytest

import lk3
from conftest import UNIT, World

pd = pytest.importorskip("pandas") if os.environ.get("CI") != "true" else __import__("pandas")


def age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def band(years: int) -> str:
    """The band of an age, read from the band names themselves."""
    for name in lk3.age_bands():
        low, _, high = name.partition("-")
        if years >= int(low.rstrip("+")) and (not high or years <= int(high)):
            return name
    raise AssertionError(years)


def client(world: World, client_id: str, born: Optional[date], sex: Optional[str] = "perempuan",
           domicile: str = "64.74.01.1001") -> None:
    record: Dict[str, Any] = {"client_id": client_id, "unit": UNIT, "name": "Nama Samaran", "domicile": domicile}
    if born is not None:
        record["birth_date"] = born.isoformat()
    if sex is not None:
        record["sex"] = sex
    world.store.put_client(record)


def case_naming(world: World, client_ids: List[str]) -> lk3.Case:
    case = world.contact()
    return world.store.register(case.case_id, clients=client_ids, problems=["kdrt"], actor=world.sekretaris,
                                at=world.at())


def rows_by_client(world: World, key: bytes, **kwargs: Any) -> Dict[str, Dict[str, Any]]:
    """The pseudonymised and the plain clients table, by client id."""
    reader = world.ketua._replace(unit=UNIT)
    plain = {
        r["client_id"]: r
        for r in world.store.table("clients", reader=reader, purpose="pelaporan", **kwargs).to_records()
    }
    pseudo = {r["client_id"]: r for r in world.store.table("clients", key=key, **kwargs).to_records()}
    return {cid: {**r, "age_band": pseudo[lk3.pseudonym(key, cid)]["age_band"]} for cid, r in plain.items()}


def test_ages_are_taken_when_the_clients_first_case_was_opened(world: World) -> None:
    key = os.urandom(32)
    # 18 on 2019-03-05: 17 when the first case is opened (2019-03-04), 18 at the second.
    teen, born = lk3.new_id(world.now), date(2001, 3, 5)
    # 17 in 2019, an adult on any day this test runs.
    child, child_born = lk3.new_id(world.now), date(2002, 1, 10)
    first = case_naming(world, [teen, child])
    world.now += timedelta(days=2)
    second = case_naming(world, [teen])
    client(world, teen, born)
    client(world, child, child_born)
    opened = [first.opened_at.date(), second.opened_at.date()]
    assert age(born, opened[0]) == 17 and age(born, opened[1]) == 18

    rows = rows_by_client(world, key)
    assert (rows[teen]["age"], rows[teen]["age_band"]) == (17, "15-17")
    assert (rows[child]["age"], rows[child]["age_band"]) == (age(child_born, opened[0]), band(17))
    today = date.today()
    assert band(age(child_born, today)) != rows[child]["age_band"], "a band taken today would differ"

    # Only the second case selected: its opening is the client's own date.
    later = rows_by_client(world, key, opened_from=opened[1])
    assert set(later) == {teen} and (later[teen]["age"], later[teen]["age_band"]) == (18, "18-24")

    # An explicit date overrides, for every client alike.
    for on in (date(2030, 1, 1), date(2019, 3, 4), today):
        fixed = rows_by_client(world, key, age_as_of=on)
        assert {c: (r["age"], r["age_band"]) for c, r in fixed.items()} == {
            c: (age(b, on), band(age(b, on))) for c, b in ((teen, born), (child, child_born))
        }
    frame = world.store.clients_frame(key=key, age_as_of=datetime(2030, 1, 1, tzinfo=timezone.utc))
    assert sorted(frame["age_band"]) == [band(age(child_born, date(2030, 1, 1))), band(age(born, date(2030, 1, 1)))]
    with pytest.raises(TypeError, match="age_as_of"):
        world.store.clients_frame(age_as_of="2030-01-01")  # type: ignore[arg-type]


# People of a built dataset: (sex, birth date, domicile). Their age bands at
# the case's opening (2019-03-04) and kab/kota make the combinations.
PEOPLE: List[Tuple[Optional[str], date, str]] = [
    ("perempuan", date(1990, 1, 1), "64.74.01.1001"),
    ("perempuan", date(1992, 7, 1), "64.74.03.1002"),
    ("perempuan", date(1994, 2, 2), "64.74.01.1001"),
    ("laki_laki", date(1990, 6, 1), "64.74.02.1002"),
    ("laki_laki", date(1985, 6, 1), "64.74.02.1001"),
    ("perempuan", date(2016, 5, 5), "64.71.01.1001"),
    ("laki_laki", date(1950, 1, 1), "64.74.01.1001"),
    ("perempuan", date(1991, 2, 2), "64.72.01.1001"),
    (None, date(1990, 1, 1), "64.74.01.1001"),
    (None, date(1989, 1, 1), "64.74.01.1005"),
]


def missing_as_none(v: Any) -> Any:
    return None if not isinstance(v, (list, tuple)) and pd.isna(v) else v


def test_rare_combinations_are_exactly_the_unique_rows_of_a_built_dataset(world: World) -> None:
    key = os.urandom(32)
    ids = [lk3.new_id(world.now) for _ in PEOPLE]
    cases = [case_naming(world, ids[i:i + 3]) for i in range(0, len(ids), 3)]
    for client_id, (sex, born, domicile) in zip(ids, PEOPLE):
        client(world, client_id, born, sex, domicile)
    opened = {c.client_id: case.opened_at.date() for case in cases for c in case.clients}
    combination = {
        c: (UNIT, domicile[:5], sex, band(age(born, opened[c]))) for c, (sex, born, domicile) in zip(ids, PEOPLE)
    }
    sizes = Counter(combination.values())
    assert sorted(sizes.values()) == [1, 1, 1, 2, 2, 3], "the dataset has unique rows, pairs and a triple"

    table = world.store.table("clients", key=key)
    frame = table.to_pandas()
    columns = ["unit", "domicile_kab_kota", "sex", "age_band"]
    for k in (2, 3, 4, 5):
        for data in (frame, table):
            rare = lk3.rare_combinations(data, k=k)
            assert list(rare.columns) == columns + ["rows"]
            records = rare.to_dict(orient="records")
            found = {tuple(missing_as_none(r[c]) for c in columns): r["rows"] for r in records}
            assert found == {combo: n for combo, n in sizes.items() if n < k}, k
            assert list(rare["rows"]) == sorted(rare["rows"]), "the smallest first"

    by_row = lk3.class_sizes(frame)
    assert by_row.name == "class_size" and list(by_row.index) == list(frame.index)
    pseudonym = {lk3.pseudonym(key, c): c for c in ids}
    assert {pseudonym[p]: n for p, n in zip(frame["client_id"], by_row)} == {
        c: sizes[combination[c]] for c in ids
    }
    unique = frame[lk3.class_sizes(frame) == 1]
    assert {pseudonym[p] for p in unique["client_id"]} == {c for c in ids if sizes[combination[c]] == 1}
    assert lk3.rare_combinations(frame, k=2, quasi_identifiers=["unit"]).empty


def brute_force(rows: List[Dict[str, Any]], columns: List[str]) -> Tuple[List[int], List[int]]:
    """How many rows equal each row on `columns` (lists as sets, every
    missing value alike: the definition, in O(n^2)), and the size of each
    distinct combination."""

    def norm(v: Any) -> Hashable:
        if isinstance(v, list):
            return frozenset(v)
        return None if v is None or v != v else v

    keys = [tuple(norm(r[c]) for c in columns) for r in rows]
    per_row = [sum(1 for other in keys if other == mine) for mine in keys]
    classes = [n for i, n in enumerate(per_row) if keys[i] not in keys[:i]]
    return per_row, classes


@pytest.mark.parametrize("seed", range(25))
def test_class_sizes_agree_with_the_definition_on_random_frames(seed: int) -> None:
    rnd = random.Random(seed)
    problems = ["kdrt", "kekerasan_anak", "perdagangan_orang", "penelantaran"]
    rows = [
        {
            "sex": rnd.choice(["perempuan", "laki_laki", None]),
            "age_band": rnd.choice(lk3.age_bands()[:3] + [None]),
            "problems": rnd.sample(problems, rnd.randint(0, 2)),
            "risk": rnd.choice(["rendah", "tinggi", float("nan")]),
            "role": rnd.choice(["pekerja_sosial", "psikolog"]),
            "events": rnd.randint(1, 9),
        }
        for _ in range(rnd.randint(1, 60))
    ]
    frame = pd.DataFrame(rows)
    frame["sex"] = frame["sex"].astype("category")
    frame.index = pd.Index([f"r{i}" for i in range(len(frame))])
    columns = ["sex", "age_band", "problems", "risk", "role"]
    per_row, classes = brute_force(rows, columns)
    assert list(lk3.class_sizes(frame)) == per_row
    assert list(lk3.class_sizes(frame).index) == list(frame.index)
    for k in (2, 3, 5):
        rare = lk3.rare_combinations(frame, k=k)
        assert list(rare.columns) == columns + ["rows"], "`events` is no quasi-identifier"
        assert sorted(rare["rows"]) == sorted(n for n in classes if n < k)
    assert list(lk3.class_sizes(frame, quasi_identifiers=["role"])) == brute_force(rows, ["role"])[0]


def test_bad_arguments_are_refused(world: World) -> None:
    frame = pd.DataFrame({"sex": ["perempuan"], "events": [3]})
    for k in (1, 0, True, 2.5):
        with pytest.raises(ValueError, match="`k`"):
            lk3.rare_combinations(frame, k=k)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no such columns in the frame: nope"):
        lk3.class_sizes(frame, quasi_identifiers=["sex", "nope"])
    with pytest.raises(ValueError, match="none of the quasi-identifiers"):
        lk3.class_sizes(frame[["events"]])
    assert list(lk3.class_sizes(frame[["events"]], quasi_identifiers="events")) == [1]
    with pytest.raises(TypeError, match="DataFrame or an lk3.Table"):
        lk3.class_sizes([{"sex": "perempuan"}])  # type: ignore[arg-type]
    assert lk3.rare_combinations(world.store.table("clients", key=os.urandom(32))).empty, "an empty table has no rare rows"
