"""Graph stores: ``open_store()`` returns the one configured for this process."""

from __future__ import annotations

from kg.config import StoreConfig, store_config
from kg.store.base import (ConstraintViolation, GraphStore, Health, InvalidRecord, NotFound,
                           StoreError, StoreUnavailable, dumps_record)


def open_store(config: StoreConfig | None = None) -> GraphStore:
    """Open the store named by the configuration (``CEM_STORE``): Neo4j for a URI, else embedded."""
    config = config or store_config()
    if config.is_neo4j:
        from kg.store.neo4j_store import Neo4jStore

        return Neo4jStore(config.location, config.neo4j_user, config.neo4j_password or "",
                          config.neo4j_database, embedding_dimensions=config.embedding_dimensions)
    from kg.store.embedded import EmbeddedStore

    return EmbeddedStore(config.location)


__all__ = ["open_store", "GraphStore", "Health", "StoreError", "StoreUnavailable", "ConstraintViolation",
           "NotFound", "InvalidRecord", "dumps_record"]
