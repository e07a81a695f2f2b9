"""All configuration read from the environment, in one place.

CEM_STORE       a filesystem path to the embedded store's file (``…/graph.kgl``) or a
                ``neo4j://``, ``neo4j+s://``, ``bolt://`` or ``bolt+s://`` URI.
                Default: ``graph.kgl`` inside CEM_DATA_DIR.
CEM_DATA_DIR    where the embedded store and uploads live (default: the user's data directory).
NEO4J_USER      default ``neo4j``
NEO4J_PASSWORD  no default
NEO4J_DATABASE  default ``neo4j``
CEM_EMBEDDING_MODEL  the search embedding model: a sentence-transformers model name (hub) or a
                local folder; default: the bundled offline model (see kg.search.embedder)
CEM_EMBEDDING_DIM    dimensions of Neo4j's vector index ``cem_embedding`` (default 384; must
                match the model)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


class ConfigError(ValueError):
    """A configuration value is unusable; the message says which and why."""


@dataclass(frozen=True)
class StoreConfig:
    """Where the graph lives and how to reach it."""

    location: str
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    embedding_dimensions: int = 384

    @property
    def is_neo4j(self) -> bool:
        return self.location.startswith(NEO4J_SCHEMES)

    @property
    def kind(self) -> str:
        return "neo4j" if self.is_neo4j else "embedded"

    def describe(self) -> str:
        """A safe, human-readable description (never contains the password)."""
        if self.is_neo4j:
            return f"neo4j {self.location} (database {self.neo4j_database}, user {self.neo4j_user})"
        return f"embedded {self.location}"


def data_dir(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    value = env.get("CEM_DATA_DIR")
    return Path(value) if value else Path(platformdirs.user_data_dir("cem", appauthor=False))


def store_config(env: dict[str, str] | None = None, location: str | None = None) -> StoreConfig:
    """Build the store configuration from the environment (or an explicit location)."""
    env = os.environ if env is None else env
    location = location or env.get("CEM_STORE") or str(data_dir(env) / "graph.kgl")
    if "://" in location and not location.startswith(NEO4J_SCHEMES):
        raise ConfigError(
            f"CEM_STORE={location!r}: unsupported URI scheme; use a file path or one of "
            + ", ".join(NEO4J_SCHEMES)
        )
    dims = env.get("CEM_EMBEDDING_DIM") or "384"
    if not dims.isdigit() or not 1 <= int(dims) <= 4096:
        raise ConfigError(f"CEM_EMBEDDING_DIM={dims!r}: give a whole number of dimensions (1 to 4096)")
    cfg = StoreConfig(
        location=location,
        embedding_dimensions=int(dims),
        neo4j_user=env.get("NEO4J_USER", "neo4j"),
        neo4j_password=env.get("NEO4J_PASSWORD"),
        neo4j_database=env.get("NEO4J_DATABASE", "neo4j"),
    )
    if cfg.is_neo4j and not cfg.neo4j_password:
        raise ConfigError("CEM_STORE points at Neo4j but NEO4J_PASSWORD is not set")
    return cfg
