"""Shared fixtures: a store of each kind, the CLI runner and the web client.

The Neo4j half runs when NEO4J_URI (with NEO4J_PASSWORD) points at a server; `.ci/run` starts
one and sets CEM_REQUIRE_NEO4J=1, which turns a missing server into a failure.  Elsewhere the
Neo4j tests are reported as not run, and the session ends with a clear notice.
"""

from __future__ import annotations

import os
import uuid

import pytest

from kg.store.embedded import EmbeddedStore

NEO4J_URI = os.environ.get("NEO4J_URI")
REQUIRE_NEO4J = os.environ.get("CEM_REQUIRE_NEO4J") == "1"
_neo4j_not_run: list[str] = []


def neo4j_env() -> dict[str, str]:
    return {"CEM_STORE": NEO4J_URI or "", "NEO4J_USER": os.environ.get("NEO4J_USER", "neo4j"),
            "NEO4J_PASSWORD": os.environ.get("NEO4J_PASSWORD", ""),
            "NEO4J_DATABASE": os.environ.get("NEO4J_DATABASE", "neo4j")}


def _neo4j_store():
    from kg.store.neo4j_store import Neo4jStore

    if not NEO4J_URI:
        if REQUIRE_NEO4J:
            pytest.fail("CEM_REQUIRE_NEO4J=1 but NEO4J_URI is not set: the Neo4j half must run")
        _neo4j_not_run.append("")
        pytest.skip("Neo4j tests not run: NEO4J_URI is not set (start one with tools/neo4j/run start)")
    env = neo4j_env()
    store = Neo4jStore(NEO4J_URI, env["NEO4J_USER"], env["NEO4J_PASSWORD"], env["NEO4J_DATABASE"])
    health = store.health()
    if not health.ok:
        store.close()
        pytest.fail(f"Neo4j at {NEO4J_URI} does not answer: {health.detail}")
    wipe_neo4j(store)
    return store


def wipe_neo4j(store) -> None:
    with store.driver.session(database=store.database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


@pytest.fixture(params=["embedded", "neo4j"])
def store_kind(request) -> str:
    return request.param


@pytest.fixture
def store(store_kind, tmp_path):
    """An empty, initialised store of each kind."""
    if store_kind == "embedded":
        s = EmbeddedStore(tmp_path / f"graph-{uuid.uuid4().hex[:8]}.kgl")
    else:
        s = _neo4j_store()
    s.init_schema()
    yield s
    s.close()


@pytest.fixture
def neo4j_store():
    s = _neo4j_store()
    s.init_schema()
    yield s
    s.close()


@pytest.fixture
def store_env(store_kind, tmp_path) -> dict[str, str]:
    """Environment variables that point the CLI at an empty store of each kind."""
    if store_kind == "embedded":
        return {"CEM_STORE": str(tmp_path / "cli-graph.kgl")}
    s = _neo4j_store()
    s.close()
    return neo4j_env()


def pytest_terminal_summary(terminalreporter):
    if _neo4j_not_run:
        terminalreporter.write_line(
            f"NOTICE: {len(_neo4j_not_run)} Neo4j tests were NOT run (NEO4J_URI is not set); "
            "only the embedded store was tested.", yellow=True, bold=True)


def pytest_sessionfinish(session, exitstatus):
    """In CI (CEM_REQUIRE_NEO4J=1) a skipped test is a failure: nothing may quietly not run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if REQUIRE_NEO4J and skipped and exitstatus == 0:
        if reporter:
            reporter.write_line(f"FAILED: {skipped} tests were skipped; in CI every test must run.", red=True, bold=True)
        session.exitstatus = 1
