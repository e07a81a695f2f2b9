"""Fixtures for the operations tests: a Neo4j server of their own (the fault tests stop and start
it, so they never use the suite's shared database)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import NEO4J_URI, REQUIRE_NEO4J, _neo4j_not_run
from tests.ops.server import ROOT, free_port

PASSWORD = "ops-test-neo4j-1"


@dataclass
class OwnNeo4j:
    port: int
    home: Path
    password: str = PASSWORD

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def run(self, action: str, password: str | None = None) -> subprocess.CompletedProcess:
        env = dict(os.environ, NEO4J_PORT=str(self.port), NEO4J_HOME_DIR=str(self.home), NEO4J_HEAP="512m",
                   NEO4J_PASSWORD=password or self.password, PYTHON=sys.executable)
        return subprocess.run([str(ROOT / "tools" / "neo4j" / "run"), action], env=env, capture_output=True,
                              text=True, timeout=300)

    def start(self, password: str | None = None) -> None:
        result = self.run("start", password)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]

    def stop(self) -> None:
        self.run("stop")

    def env(self, data_dir: Path) -> dict[str, str]:
        return {"CEM_STORE": self.uri, "NEO4J_PASSWORD": self.password, "CEM_DATA_DIR": str(data_dir),
                "CEM_EMBEDDING_CACHE": "off"}

    def store(self):
        from kg.store.neo4j_store import Neo4jStore

        return Neo4jStore(self.uri, "neo4j", self.password)


def _needs_neo4j() -> None:
    if not NEO4J_URI:
        if REQUIRE_NEO4J:
            pytest.fail("CEM_TEST_REQUIRE_NEO4J=1 but CEM_TEST_NEO4J_URI is not set: the Neo4j half must run")
        _neo4j_not_run.append("")
        pytest.skip("Neo4j tests not run: CEM_TEST_NEO4J_URI is not set (the launcher and Java are needed)")


@pytest.fixture(scope="module")
def own_neo4j(tmp_path_factory):
    """A launcher-started Neo4j on its own port and data folder, stopped at the end."""
    _needs_neo4j()
    server = OwnNeo4j(free_port(), tmp_path_factory.mktemp("own-neo4j") / "data")
    server.start()
    try:
        yield server
    finally:
        server.stop()
