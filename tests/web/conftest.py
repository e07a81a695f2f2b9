"""Fixtures for the web platform tests (both stores)."""

from __future__ import annotations

import pytest

from tests.web.platform_fixtures import login, make_app, seed_graph, seed_users


@pytest.fixture
def seeded(store):
    seed_graph(store)
    seed_users(store)
    return store


@pytest.fixture
def app(seeded):
    return make_app(seeded)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def as_user(app):
    """``as_user("trainee")``: a test client signed in as that account."""

    def make(username: str):
        c = app.test_client()
        response = login(c, username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return c

    return make
