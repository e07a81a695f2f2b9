"""The web skeleton: application factory, one store per app, health check and start page."""

from __future__ import annotations

import pytest

from tests.web.platform_fixtures import make_app, seed_users


@pytest.fixture
def client(store):
    store.upsert_nodes("Phase", [{"id": "phase.p", "properties": {"name": "应急响应", "name_en": "Response", "order": 3}}])
    return make_app(store).test_client()


def test_healthz_tells_the_public_only_whether_the_store_answers(client, store):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "store": store.kind}


def test_healthz_gives_admins_the_details(store):
    from tests.web.platform_fixtures import login, seed_graph

    seed_graph(store)
    seed_users(store)
    client = make_app(store).test_client()
    assert login(client, "admin").status_code == 302
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["location"] == store.location


def test_start_page_shows_knowledge_counts(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "工作阶段" in html and '<span class="num">1</span>' in html


def test_healthz_is_503_when_the_store_is_down(tmp_path):
    from kg.store.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "down.kgl")
    app = make_app(store)
    store.close()
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "store": "embedded"}
    assert client.get("/").status_code == 503


def test_neo4j_down_gives_503():
    from kg.store.neo4j_store import Neo4jStore

    store = Neo4jStore("bolt://127.0.0.1:1", "neo4j", "password123")
    client = make_app(store).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "store": "neo4j"}
    store.close()
