"""The routing scheme works: ``neo4j://`` (what a cluster and Aura use) with the database name
from the settings; a database that does not exist is a clear one-line error."""

from __future__ import annotations

from tests.ops.server import cem, cem_env


def test_the_routing_scheme_and_the_database_setting(neo4j_store, tmp_path):
    from tests.conftest import neo4j_env

    env = neo4j_env()
    assert env["CEM_STORE"].startswith("bolt://")
    routing = cem_env(dict(env, CEM_STORE="neo4j://" + env["CEM_STORE"].removeprefix("bolt://"),
                           CEM_DATA_DIR=str(tmp_path), CEM_EMBEDDING_CACHE="off"))
    neo4j_store.upsert_nodes("Hazard", [{"id": "hazard.uri-test",
                                         "properties": {"name": "测试", "name_en": "Test", "category": "natural"}}])
    result = cem(routing, "stats", "--json")
    assert result.returncode == 0, result.stderr
    assert '"Hazard": 1' in result.stdout
    missing = cem(dict(routing, NEO4J_DATABASE="nosuchdb"), "stats")
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: the neo4j store at neo4j://") and "(nosuchdb)" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
