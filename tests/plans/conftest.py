"""Fixtures for the plans, drills, survey and evidence-rule tests: the bundled content loaded into
a store of each kind, a county with a street office, two communities and their people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pytest

from assessments.workflow import create_community
from kg.access import Viewer
from kg.content.load import load_content
from kg.content.loader import read_content
from tests.search.fixtures import embedder, vector_cache  # noqa: F401 - the session model and its vector cache

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@lru_cache(maxsize=1)
def bundled():
    content = read_content()
    assert content.ok, content.problems[:3]
    return content


def add_org(store, org_id: str, name: str, level: str, part_of: str | None = None) -> None:
    store.upsert_nodes("Organization", [{"id": org_id, "properties": {"name": name, "name_en": org_id,
                                                                      "kind": "office", "level": level}}])
    if part_of:
        store.upsert_relationships([{"type": "PART_OF", "start": org_id, "end": part_of}])


@dataclass
class World:
    store: object
    editor: Viewer        # community A's editor
    editor_b: Viewer      # community B's editor
    street: Viewer        # reviewer at the street office of A and B
    county: Viewer        # reviewer at the county office above the street
    other_street: Viewer  # reviewer of another street
    admin: Viewer
    tmp: Path | None = None  # a folder for files (uploads, the sample's images)


def make_world(store, tmp: Path | None = None) -> World:
    load_content(store, bundled())
    add_org(store, "org.test-county", "测试县应急管理局", "county")
    add_org(store, "org.test-street", "测试街道办事处", "town", part_of="org.test-county")
    add_org(store, "org.test-street-2", "测试二街道办事处", "town", part_of="org.test-county")
    add_org(store, "org.other-street", "别县街道办事处", "town")
    create_community(store, "community.a", "甲社区", area="org.test-street", first_responder_target=3)
    create_community(store, "community.b", "乙社区", area="org.test-street")
    create_community(store, "community.c", "丙社区", area="org.other-street")
    return World(store=store,
                 editor=Viewer("user.ed", frozenset({"community"}), community="community.a"),
                 editor_b=Viewer("user.eb", frozenset({"community"}), community="community.b"),
                 street=Viewer("user.st", frozenset({"reviewer"}), organization="org.test-street"),
                 county=Viewer("user.co", frozenset({"reviewer"}), organization="org.test-county"),
                 other_street=Viewer("user.os", frozenset({"reviewer"}), organization="org.other-street"),
                 admin=Viewer("user.admin", frozenset({"admin"})), tmp=tmp)


@pytest.fixture
def world(store, tmp_path) -> World:
    return make_world(store, tmp_path)



@pytest.fixture
def engine(world, embedder, vector_cache):  # noqa: F811 - the session fixtures imported above
    """The search engine over the world's store, lessons indexed (what the lessons workspace needs)."""
    from kg.search.engine import SearchEngine
    from kg.search.index import build_index

    build_index(world.store, embedder, labels=["LessonLearned"], cache=vector_cache)
    return SearchEngine(world.store, embedder)
