"""Search fixtures shared by tests/search, tests/search_eval and the search journeys.

The bundled content (kg/data) is embedded once per machine: vectors are cached on disk under
.pytest_cache/cem-search (keyed by model and text), so later sessions only read them back.  The
model runs in one worker process for the whole session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.content.load import load_content
from kg.content.loader import read_content

KG_DATA = Path(__file__).resolve().parents[2] / "kg" / "data"


@pytest.fixture(scope="session")
def embedder():
    from kg.search.embedder import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def vector_cache(request):
    from kg.search.embedder import VectorCache

    folder = Path(request.config.cache.mkdir("cem-search"))
    return VectorCache(folder / "vectors.sqlite")


@pytest.fixture(scope="session")
def bundled_content():
    content = read_content([KG_DATA])
    assert content.ok, "\n".join(map(str, content.problems[:10]))
    return content


@pytest.fixture(scope="session")
def search_env(vector_cache, tmp_path_factory) -> dict[str, str]:
    """Environment for CLI runs: the session's vector cache."""
    return {"CEM_EMBEDDING_CACHE": str(vector_cache.path), "CEM_DATA_DIR": str(tmp_path_factory.mktemp("cem-data"))}


def load_and_index(store, content, embedder, cache):
    from kg.search.index import build_index

    store.init_schema()
    load_content(store, content)
    return build_index(store, embedder, cache=cache)


@pytest.fixture
def indexed_store(store, bundled_content, embedder, vector_cache):
    """An empty store of each kind with the bundled content loaded and indexed."""
    load_and_index(store, bundled_content, embedder, vector_cache)
    return store


@pytest.fixture
def engine(indexed_store, embedder):
    from kg.search.engine import SearchEngine

    return SearchEngine(indexed_store, embedder)


@pytest.fixture
def search_app(indexed_store, engine):
    """The web app over an indexed store, with one account per role and the session's model."""
    from tests.web.platform_fixtures import make_app, seed_users

    indexed_store.upsert_nodes("Organization", [{"id": "org.street", "properties": {
        "name": "某街道办事处", "name_en": "Street office", "kind": "government"}}])
    indexed_store.upsert_nodes("Community", [
        {"id": "community.a", "properties": {"name": "甲社区", "area": "org.street"}},
        {"id": "community.b", "properties": {"name": "乙社区", "area": "org.street"}}])
    seed_users(indexed_store)
    app = make_app(indexed_store)
    app.extensions["cem_search"] = engine
    return app


@pytest.fixture
def signed_in(search_app):
    """``signed_in("reviewer")``: a test client signed in as that account."""
    from tests.web.platform_fixtures import login

    def make(username: str):
        client = search_app.test_client()
        response = login(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return client

    return make
