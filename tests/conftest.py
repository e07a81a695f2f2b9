"""Shared fixtures: a store of each kind, the CLI runner's environment and cheap password hashing.

The Neo4j half runs against the server named by ``CEM_TEST_NEO4J_URI`` (with ``NEO4J_PASSWORD``);
``.ci/run`` starts one and sets ``CEM_TEST_REQUIRE_NEO4J=1``, which turns a missing server into a
failure.  Elsewhere the Neo4j tests are reported as not run, and the session ends with a clear
notice.

The suite WIPES the Neo4j database it is given, so it refuses one that it does not own: the
database must be empty, or carry the marker node the suite leaves behind
(``(:CemTestDatabase {id: "cem-test-database"})``).  A database holding anything else is never
touched and the run fails with an explanation.  One driver and one schema set-up serve the whole
session; each test starts from an empty graph (data wiped, schema kept).
"""

from __future__ import annotations

import os
import uuid

import pytest

from kg.accounts import passwords
from kg.store.embedded import EmbeddedStore

NEO4J_URI = os.environ.get("CEM_TEST_NEO4J_URI")
REQUIRE_NEO4J = os.environ.get("CEM_TEST_REQUIRE_NEO4J") == "1"
MARKER_LABEL, MARKER_ID = "CemTestDatabase", "cem-test-database"
_neo4j_not_run: list[str] = []
_shared: dict[str, object] = {}


def fast_hasher():
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def cli_in_english(monkeypatch):
    """The command line speaks English in tests whatever the machine's LANG (its messages follow
    CEM_LANGUAGE, or LANG; tests of that choice set their own)."""
    monkeypatch.setenv("CEM_LANGUAGE", "en")


@pytest.fixture(autouse=True)
def cheap_password_hashing():
    """argon2 with the cheapest settings (tests that measure hashing install their own)."""
    previous = passwords.use_hasher(fast_hasher())
    yield
    passwords.use_hasher(previous)


def neo4j_env() -> dict[str, str]:
    """Environment variables that point the CLI at the test database."""
    return {"CEM_STORE": NEO4J_URI or "", "NEO4J_USER": os.environ.get("NEO4J_USER", "neo4j"),
            "NEO4J_PASSWORD": os.environ.get("NEO4J_PASSWORD", ""),
            "NEO4J_DATABASE": os.environ.get("NEO4J_DATABASE", "neo4j")}


def _claim(store) -> None:
    """Refuse a database the suite does not own; mark an empty one as the suite's."""
    with store.driver.session(database=store.database) as session:
        row = session.run(f"MATCH (m:{MARKER_LABEL} {{id: $id}}) WITH count(m) AS marked "
                          f"MATCH (n) WHERE NOT n:{MARKER_LABEL} RETURN marked, count(n) AS others",
                          id=MARKER_ID).single()
        marked, others = (row["marked"], row["others"]) if row else (0, 0)
        if not marked and others:
            pytest.exit(f"refusing to run: the Neo4j database at {NEO4J_URI} holds {others} nodes and is not marked "
                        f"as the test suite's ({MARKER_LABEL} node). The suite wipes the database it is given; "
                        "point CEM_TEST_NEO4J_URI at an empty database or one the suite created.", returncode=2)
        session.run(f"MERGE (m:{MARKER_LABEL} {{id: $id}})", id=MARKER_ID).consume()


def wipe_neo4j(store) -> None:
    """Delete every node but the suite's marker (the schema stays)."""
    with store.driver.session(database=store.database) as session:
        session.run(f"MATCH (n) WHERE NOT n:{MARKER_LABEL} CALL (n) {{ DETACH DELETE n }} "
                    "IN TRANSACTIONS OF 5000 ROWS").consume()


def _shared_neo4j():
    """The session's one Neo4j store (one driver, schema set up once)."""
    from kg.store.neo4j_store import Neo4jStore

    if not NEO4J_URI:
        if REQUIRE_NEO4J:
            pytest.fail("CEM_TEST_REQUIRE_NEO4J=1 but CEM_TEST_NEO4J_URI is not set: the Neo4j half must run")
        _neo4j_not_run.append("")
        pytest.skip("Neo4j tests not run: CEM_TEST_NEO4J_URI is not set (start one with tools/neo4j/run start)")
    store = _shared.get("neo4j")
    if store is None:
        env = neo4j_env()

        class SharedNeo4jStore(Neo4jStore):
            def close(self) -> None:  # shared by the session: closed once, at the end
                pass

            def really_close(self) -> None:
                Neo4jStore.close(self)

        store = SharedNeo4jStore(NEO4J_URI, env["NEO4J_USER"], env["NEO4J_PASSWORD"], env["NEO4J_DATABASE"])
        health = store.health()
        if not health.ok:
            store.really_close()
            pytest.fail(f"Neo4j at {NEO4J_URI} does not answer: {health.detail}")
        _claim(store)
        wipe_neo4j(store)
        store.init_schema()
        _shared["neo4j"] = store
    return store


def _neo4j_store():
    store = _shared_neo4j()
    wipe_neo4j(store)
    return store


@pytest.fixture(params=["embedded", "neo4j"])
def store_kind(request) -> str:
    return request.param


@pytest.fixture
def store(store_kind, tmp_path):
    """An empty, initialised store of each kind."""
    if store_kind == "embedded":
        s = EmbeddedStore(tmp_path / f"graph-{uuid.uuid4().hex[:8]}.kgl")
        s.init_schema()
        yield s
        s.close()
    else:
        yield _neo4j_store()


@pytest.fixture
def neo4j_store():
    yield _neo4j_store()


@pytest.fixture
def store_env(store_kind, tmp_path) -> dict[str, str]:
    """Environment variables that point the CLI at an empty store of each kind."""
    if store_kind == "embedded":
        return {"CEM_STORE": str(tmp_path / "cli-graph.kgl"), "CEM_DATA_DIR": str(tmp_path / "data")}
    _neo4j_store()
    return dict(neo4j_env(), CEM_DATA_DIR=str(tmp_path / "data"))


def pytest_sessionfinish(session, exitstatus):
    """Close the shared driver; in CI (CEM_TEST_REQUIRE_NEO4J=1) a skipped test is a failure:
    nothing may quietly not run."""
    store = _shared.pop("neo4j", None)
    if store is not None:
        store.really_close()  # type: ignore[attr-defined]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if REQUIRE_NEO4J and skipped and exitstatus == 0:
        if reporter:
            reporter.write_line(f"FAILED: {skipped} tests were skipped; in CI every test must run.", red=True, bold=True)
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _neo4j_not_run:
        terminalreporter.write_line(
            f"NOTICE: {len(_neo4j_not_run)} Neo4j tests were NOT run (CEM_TEST_NEO4J_URI is not set); "
            "only the embedded store was tested.", yellow=True, bold=True)
