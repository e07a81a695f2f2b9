"""A Neo4j server that cannot be reached makes the search queries (vector and keyword ranking, run
in auto-commit transactions) fail as ``StoreUnavailable``, like every other read (no server needed)."""

from __future__ import annotations

import pytest

from kg.store.base import StoreUnavailable
from kg.store.neo4j_store import Neo4jStore
from tests.ops.server import free_port


@pytest.fixture
def unreachable():
    # Nothing listens on a free port: the driver's connection is refused at once.
    store = Neo4jStore(f"bolt://127.0.0.1:{free_port()}", "neo4j", "not-used")
    yield store
    store.close()


def test_search_queries_on_a_server_that_is_down_are_store_unavailable(unreachable):
    label = next(name for name, spec in unreachable.schema.labels.items() if spec.text)
    with pytest.raises(StoreUnavailable):
        unreachable.vector_search([0.1] * unreachable.embedding_dimensions, labels=[label], k=5)
    with pytest.raises(StoreUnavailable):
        unreachable.keyword_search("flood", "flood", labels=[label], k=5)
