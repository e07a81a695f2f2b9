"""The JSON API: token and session auth, visibility, bad parameters, and every real response
validated against web/static/openapi.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from kg import accounts
from kg.accounts import tokens

SPEC_PATH = Path(__file__).resolve().parents[2] / "web" / "static" / "openapi.yaml"
SPEC = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
REGISTRY = Registry().with_resource("urn:cem:openapi", Resource.from_contents(SPEC, default_specification=DRAFT202012))


def check(response, path: str, status: int) -> dict:
    """Validate a response body against the spec's schema for this operation and status."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    declared = SPEC["paths"][path]["get"]["responses"][str(status)]
    if "$ref" in declared:
        declared = SPEC["components"]["responses"][declared["$ref"].rsplit("/", 1)[1]]
    schema = declared["content"]["application/json"]["schema"]
    ref = schema["$ref"].replace("#/", "urn:cem:openapi#/")
    Draft202012Validator({"$ref": ref}, registry=REGISTRY).validate(response.get_json())
    return response.get_json()


@pytest.fixture
def token(seeded):
    return tokens.issue(seeded, "trainee", "tests")[0]


@pytest.fixture
def api(client, token):
    def get(url, auth=True):
        return client.get(url, headers={"Authorization": f"Bearer {token}"} if auth else {})

    return get


def test_the_spec_is_valid_and_matches_the_routes(app, client):
    from jsonschema.validators import validator_for

    served = client.get("/static/openapi.yaml")
    assert served.status_code == 200 and yaml.safe_load(served.get_data(as_text=True)) == SPEC
    for schema in SPEC["components"]["schemas"].values():
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    def shape(path: str) -> str:  # /api/v1/nodes/{id} and /api/v1/nodes/<node_id> alike
        return re.sub(r"\{[^}]+\}|<[^>]+>", "{}", path)

    spec_paths = {shape("/api/v1" + p) for p in SPEC["paths"]}
    # every route under /api/ (the platform's own and those other areas add) is described, and
    # the file describes nothing the app does not serve
    api_routes = {shape(r.rule) for r in app.url_map.iter_rules() if r.rule.startswith("/api/")}
    assert api_routes == spec_paths
    assert any(p.startswith("/api/v1/search") for p in api_routes)


def test_the_spec_names_each_key_once():
    """YAML keeps the last of two equal keys without a word: two response components of one
    name would silently describe one of them wrongly."""

    class Strict(yaml.SafeLoader):
        pass

    repeated: list = []

    def mapping(loader, node, deep=False):
        keys = [loader.construct_object(key, deep=deep) for key, _value in node.value]
        repeated.extend(sorted({k for k in keys if keys.count(k) > 1}))
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    yaml.load(SPEC_PATH.read_text(encoding="utf-8"), Strict)
    assert repeated == []


def test_node(api):
    body = check(api("/api/v1/nodes/hazard.rainstorm"), "/nodes/{id}", 200)
    assert body["label"] == "Hazard" and body["properties"]["name_en"] == "Rainstorm"
    check(api("/api/v1/nodes/hazard.none"), "/nodes/{id}", 404)
    check(api("/api/v1/nodes/hazard.rainstorm", auth=False), "/nodes/{id}", 401)


def test_accounts_and_staff_only_nodes_are_hidden(api, as_user):
    check(api("/api/v1/nodes/user.admin"), "/nodes/{id}", 404)
    check(api("/api/v1/nodes/question.q1"), "/nodes/{id}", 404)  # a trainee does not see quiz answers
    check(api("/api/v1/labels/User"), "/labels/{label}", 404)
    check(as_user("reviewer").get("/api/v1/nodes/question.q1"), "/nodes/{id}", 404)  # keys: not for reviewers
    instructor = as_user("instructor")
    body = check(instructor.get("/api/v1/nodes/question.q1"), "/nodes/{id}", 200)
    assert body["properties"]["answer"] == ["a"]
    check(instructor.get("/api/v1/nodes/user.trainee"), "/nodes/{id}", 404)


def test_neighbours(api):
    body = check(api("/api/v1/nodes/hazard.rainstorm/neighbours"), "/nodes/{id}/neighbours", 200)
    ids = {n["id"] for n in body["neighbours"]}
    assert {"src.law", "duty.warn", "plan.flood", "hazard.family.weather"} <= ids
    assert "question.q1" not in ids  # staff only
    body = check(api("/api/v1/nodes/org.committee/neighbours?depth=2"), "/nodes/{id}/neighbours", 200)
    assert {n["id"]: n["distance"] for n in body["neighbours"]}["hazard.rainstorm"] == 2
    body = check(api("/api/v1/nodes/hazard.rainstorm/neighbours?type=CITES"), "/nodes/{id}/neighbours", 200)
    assert [n["id"] for n in body["neighbours"]] == ["src.law"]
    assert body["neighbours"][0]["path"][0]["properties"] == {"locator": "第十条"}
    for bad in ["depth=0", "depth=3", "depth=x", "limit=0", "limit=201", "type=NOPE", "type=<script>"]:
        check(api(f"/api/v1/nodes/hazard.rainstorm/neighbours?{bad}"), "/nodes/{id}/neighbours", 400)
    check(api("/api/v1/nodes/nope/neighbours"), "/nodes/{id}/neighbours", 404)


def test_two_hop_paths_never_pass_through_hidden_nodes(api, seeded):
    # trainee -> a path hazard.fire <- question.q2 -> hazard.rainstorm must not reveal the link
    seeded.upsert_nodes("Question", [{"id": "question.q2", "properties": {
        "name": "q", "kind": "single", "options": ["a"], "answer": ["a"], "explanation": "e"}}])
    seeded.upsert_relationships([{"type": "TESTS", "start": "question.q2", "end": "hazard.fire"},
                                 {"type": "TESTS", "start": "question.q2", "end": "hazard.rainstorm"}])
    body = check(api("/api/v1/nodes/hazard.fire/neighbours?depth=2"), "/nodes/{id}/neighbours", 200)
    assert body["neighbours"] == []


def test_label_pages(api):
    body = check(api("/api/v1/labels/Hazard"), "/labels/{label}", 200)
    assert body["total"] == 3 and [i["id"] for i in body["items"]] == sorted(i["id"] for i in body["items"])
    body = check(api("/api/v1/labels/Hazard?value=natural&limit=1&skip=1"), "/labels/{label}", 200)
    assert body["total"] == 2 and [i["id"] for i in body["items"]] == ["hazard.rainstorm"]
    body = check(api("/api/v1/labels/Hazard?q=RAIN"), "/labels/{label}", 200)
    assert [i["id"] for i in body["items"]] == ["hazard.rainstorm"]
    body = check(api("/api/v1/labels/Hazard?q=暴雨"), "/labels/{label}", 200)
    assert body["total"] == 1
    for bad in ["skip=-1", "limit=201", "limit=abc", "q=" + "x" * 101]:
        check(api(f"/api/v1/labels/Hazard?{bad}"), "/labels/{label}", 400)
    check(api("/api/v1/labels/Nope"), "/labels/{label}", 404)


def test_a_disabled_users_token_stops_working(api, seeded):
    assert api("/api/v1/nodes/hazard.rainstorm").status_code == 200
    accounts.disable(seeded, "trainee")
    check(api("/api/v1/nodes/hazard.rainstorm"), "/nodes/{id}", 401)


def test_admins_may_ask_for_more(seeded, client):
    admin_token = tokens.issue(seeded, "admin", "tests")[0]
    response = client.get("/api/v1/nodes/hazard.rainstorm/neighbours?depth=3&limit=500",
                          headers={"Authorization": f"Bearer {admin_token}"})
    check(response, "/nodes/{id}/neighbours", 200)


def test_two_hop_requests_are_limited_per_user_and_admins_are_not(seeded):
    from tests.web.platform_fixtures import make_app

    client = make_app(seeded, api_wide_limit=3).test_client()

    def get(username: str, depth: int):
        token = tokens.issue(seeded, username, f"limit {depth}")[0]
        return client.get(f"/api/v1/nodes/org.committee/neighbours?depth={depth}",
                          headers={"Authorization": f"Bearer {token}"})

    for _ in range(3):
        check(get("trainee", 2), "/nodes/{id}/neighbours", 200)
    refused = get("trainee", 2)
    body = check(refused, "/nodes/{id}/neighbours", 429)
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert "at most 3" in body["error"]["message"]
    check(get("trainee", 1), "/nodes/{id}/neighbours", 200)  # one hop is not counted
    check(get("instructor", 2), "/nodes/{id}/neighbours", 200)  # each user has their own count
    for _ in range(5):
        check(get("admin", 2), "/nodes/{id}/neighbours", 200)
    assert check(get("trainee", 2), "/nodes/{id}/neighbours", 429)  # still within the minute


def test_bad_tokens(client):
    for header in ["Bearer nope", "Bearer trainee:wrong", "Basic dHJhaW5lZTp4", "Bearer " + "x" * 5000, "Bearer"]:
        response = client.get("/api/v1/nodes/hazard.rainstorm", headers={"Authorization": header})
        check(response, "/nodes/{id}", 401)


def test_a_neighbourhood_past_its_time_budget_is_a_422(api, monkeypatch):
    from kg.store import QueryTimeout
    from kg.store.base import GraphStore

    def too_slow(self, *args, **kwargs):
        assert kwargs.get("timeout") == 1.0  # non-admins get a one-second budget
        raise QueryTimeout("past the budget")

    monkeypatch.setattr(GraphStore, "neighbours", too_slow)
    body = check(api("/api/v1/nodes/hazard.rainstorm/neighbours?depth=2"), "/nodes/{id}/neighbours", 422)
    assert "smaller depth" in body["error"]["message"]


def test_the_store_stops_a_read_past_its_time_budget(seeded):
    """The time budget is the engine's own (kglite's timeout_ms, Neo4j's transaction timeout):
    three hops through a dense cluster of hazards (1.6 million paths, over a second on Neo4j on
    this machine) stop at a 50 ms budget.  Neo4j enforces it when its transaction monitor runs
    (the launcher sets every 100 ms; Neo4j's default 2 s let the whole read finish on a fast CI
    machine)."""
    import pytest

    from kg.store import QueryTimeout

    ids = [f"hazard.dense-{i:02d}" for i in range(60)]
    seeded.upsert_nodes("Hazard", [{"id": i, "properties": {"name": i, "name_en": i, "category": "natural"}}
                                   for i in ids])
    seeded.upsert_relationships([{"type": "TRIGGERS", "start": a, "end": b} for a in ids for b in ids if a != b])
    with pytest.raises(QueryTimeout):
        seeded.neighbours(ids[0], depth=3, limit=500, timeout=0.05)
