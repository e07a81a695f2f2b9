"""Graph stores: ``open_store(settings)`` returns the one the settings name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.store.base import (
    ConstraintViolation,
    GraphStore,
    Health,
    InvalidRecord,
    NotFound,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
    dumps_record,
)

if TYPE_CHECKING:
    from kg.settings import Settings


def open_store(settings: Settings | None = None) -> GraphStore:
    """Open the store named by ``settings.store`` (``CEM_STORE``): Neo4j for a URI, else the
    embedded store (its folder created readable by this user only)."""
    from kg.settings import ensure_private_dir, get_settings

    settings = settings if settings is not None else get_settings()
    if settings.is_neo4j:
        from kg.store.neo4j_store import Neo4jStore

        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
        return Neo4jStore(settings.store_location, settings.neo4j_user, password, settings.neo4j_database,
                          embedding_dimensions=settings.embedding_dim)
    from pathlib import Path

    from kg.store.embedded import EmbeddedStore

    path = Path(settings.store_location)
    ensure_private_dir(path.parent)
    return EmbeddedStore(path)


__all__ = [
    "ConstraintViolation",
    "GraphStore",
    "Health",
    "InvalidRecord",
    "NotFound",
    "QueryTimeout",
    "StoreError",
    "StoreUnavailable",
    "dumps_record",
    "open_store",
]
