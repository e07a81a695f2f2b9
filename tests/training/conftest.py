"""Fixtures for the training engine: a store of each kind with the small fixture course loaded,
a clock that stands still, a trainee, an instructor and an admin."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from curricula.clock import FixedClock
from tests.training.factory import load_training_content, make_user


@dataclass
class World:
    store: object
    clock: FixedClock
    trainee: str
    instructor: str
    admin: str

    @property
    def now(self):
        return self.clock.now()


@pytest.fixture
def world(store, tmp_path) -> World:
    load_training_content(store, tmp_path / "content")
    return World(store, FixedClock("2025-03-01T08:00:00Z"), make_user(store, "alice", display_name="李爱丽"),
                 make_user(store, "ivan", ("instructor",), display_name="王教员"),
                 make_user(store, "root", ("admin",), display_name="管理员"))
