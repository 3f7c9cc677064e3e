"""The daemon's copy of the board's directory (tinbai.queue.directory.DirectoryCache): loaded
again only when the pages changed it, and then seen by the very next message."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from tests.web_fixtures import make_engine_for
from tinbai.queue.directory import (
    ContributorForm,
    DirectoryCache,
    UnitForm,
    save_contributor,
    save_unit,
    set_retired,
)
from tinbai.queue.models import UnitRow

PROFILE = "thainguyen-thads"


@pytest.fixture
def engine(tmp_path: Path):
    engine = make_engine_for(tmp_path)
    yield engine
    engine.dispose()


def read(engine, cache: DirectoryCache, profile: str = PROFILE):
    with Session(engine) as s:
        return cache.get(s, profile)


def test_an_unchanged_directory_is_not_built_again(engine) -> None:
    cache = DirectoryCache()
    first = read(engine, cache)
    assert read(engine, cache) is first


def test_a_unit_added_edited_or_retired_is_seen_by_the_next_read(engine) -> None:
    cache = DirectoryCache()
    before = {u.name for u in read(engine, cache).units}
    with Session(engine) as s:
        unit = save_unit(s, PROFILE, UnitForm(name="Phòng Thi hành án dân sự khu vực 9", domains="thads9.gov.vn"))
        s.commit()
        unit_id = unit.id
    added = read(engine, cache)
    assert {u.name for u in added.units} == before | {"Phòng Thi hành án dân sự khu vực 9"}
    with Session(engine) as s:
        save_unit(s, PROFILE, UnitForm(name="Phòng Thi hành án dân sự khu vực 9", domains="khuvuc9.gov.vn"), unit_id)
        s.commit()
    edited = next(u for u in read(engine, cache).units if u.id == unit_id)
    assert edited.domains == ("khuvuc9.gov.vn",)
    with Session(engine) as s:
        set_retired(s, UnitRow, PROFILE, unit_id, True)
        s.commit()
    assert next(u for u in read(engine, cache).units if u.id == unit_id).retired


def test_a_contributor_added_is_seen_and_profiles_are_kept_apart(engine) -> None:
    cache = DirectoryCache()
    other = read(engine, cache, "haiduong-thads")
    with Session(engine) as s:
        save_contributor(s, PROFILE, ContributorForm(name="Nguyễn Thị Lan", email="lan@thads9.gov.vn"))
        s.commit()
    assert "lan@thads9.gov.vn" in {p.email for p in read(engine, cache).people}
    assert read(engine, cache, "haiduong-thads") is other
