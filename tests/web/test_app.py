"""The web skeleton: application factory, one store per app, health check and home page."""

from __future__ import annotations

import pytest

from web import create_app


@pytest.fixture
def client(store):
    store.upsert_nodes("Phase", [{"id": "phase.p", "properties": {"name": "应急响应", "name_en": "Response", "order": 3}}])
    app = create_app({"STORE": store, "TESTING": True})
    return app.test_client()


def test_healthz_reports_store_kind_and_reachability(client, store):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"store": store.kind, "location": store.location, "ok": True, "detail": ""}


def test_home_page_shows_counts(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "知识图谱概览" in html and "<td>Phase</td>" in html and '<td class="num">1</td>' in html


def test_healthz_is_503_when_the_store_is_down(tmp_path):
    from kg.store.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "down.kgl")
    app = create_app({"STORE": store, "TESTING": True})
    store.close()
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["ok"] is False
    assert client.get("/").status_code == 503


def test_neo4j_down_gives_503():
    from kg.store.neo4j_store import Neo4jStore

    store = Neo4jStore("bolt://127.0.0.1:1", "neo4j", "password123")
    client = create_app({"STORE": store, "TESTING": True}).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["store"] == "neo4j"
    store.close()
