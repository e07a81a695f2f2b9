"""Fixtures of the assessment area: a store holding the bundled checklists, two street offices
(areas), two communities and the people who act on them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assessments.workflow import Actor, create_community
from tests.assessment.helpers import add_area, load_checklists


@dataclass
class World:
    store: object
    alice: Actor    # community A
    bob: Actor      # community A
    carol: Actor    # community B
    rita: Actor     # reviewer, street A
    rob: Actor      # reviewer, street B
    admin: Actor
    nobody: Actor   # reviewer whose account names no organization


@pytest.fixture
def world(store) -> World:
    load_checklists(store)
    add_area(store, "org.street-a", "甲街道办事处")
    add_area(store, "org.street-b", "乙街道办事处")
    create_community(store, "community.a", "甲社区", area="org.street-a", first_responder_target=3)
    create_community(store, "community.b", "乙社区", area="org.street-b", first_responder_target=2)
    return World(
        store=store,
        alice=Actor("user.alice", frozenset({"community"}), community="community.a"),
        bob=Actor("user.bob", frozenset({"community"}), community="community.a"),
        carol=Actor("user.carol", frozenset({"community"}), community="community.b"),
        rita=Actor("user.rita", frozenset({"reviewer"}), organization="org.street-a"),
        rob=Actor("user.rob", frozenset({"reviewer"}), organization="org.street-b"),
        admin=Actor("user.admin", frozenset({"admin"})),
        nobody=Actor("user.nobody", frozenset({"reviewer"})),
    )
