"""No reader shows a record its viewer may not see (property-based, both stores).

Over the bundled content plus generated accounts, sign-in sessions, API tokens, audit events,
quiz attempts and answers, certificates and skill sign-offs, and self-assessments of two
communities in two areas, random users of every role use random readers — keyword search with
its graph context (page and API), node and neighbourhood APIs, label pages, node pages, the
graph view and community pages — and no answer may contain the id of a record that the rules
below forbid them.  The rules are written here independently of ``kg.access`` (they are the
specification it must meet), so a policy mistake cannot hide behind itself.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import workflow as wf
from kg import accounts, audit
from kg.accounts import sessions, tokens
from kg.content.load import load_content
from kg.content.loader import read_content
from kg.store.embedded import EmbeddedStore
from tests.web.platform_fixtures import PASSWORD, login, make_app

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
ALWAYS_PRIVATE = ("User", "LoginSession", "ApiToken", "RateCounter", "AuditEvent", "Attempt", "QuizAnswer",
                  "Certificate", "SkillSignoff", "SetupToken",
                  # the community workspace: residents (personal information) and the case log
                  "VulnerableResident", "CaseEvent")
#: Community workspace records: like the Community they belong to (its users, the reviewers of
#: its area, admins).
COMMUNITY_RECORDS = ("CommunityGrid", "CommunityPerson", "HazardCase", "RiskAssessment", "Shelter", "SupplyItem",
                     "SupplyMinimum", "ResponseTeam", "BaseMap", "MapFeature",
                     # a community's plan, drills and surveys (kg.plans, kg.drills, kg.survey)
                     "CommunityPlan", "PlanVersion", "Drill", "AfterActionReview", "DrillFinding", "Survey")
#: username -> (roles, community, organization)
PEOPLE = {
    "p-admin": (("admin",), None, None),
    "p-trainee": (("trainee",), None, None),
    "p-instructor": (("instructor",), None, None),
    "p-reviewer-x": (("reviewer",), None, "org.test-street-x"),
    "p-reviewer-none": (("reviewer",), None, None),
    "p-comm-x": (("community", "trainee"), "community.test-x", None),
    "p-comm-y": (("community",), "community.test-y", None),
}
AREAS = {"community.test-x": "org.test-street-x", "community.test-y": "org.test-street-y"}
TERMS = ["暴雨", "燃气泄漏", "社区居民委员会", "网格员", "应急响应", "培训", "证书", "学员", "审计", "自评", "考试",
         "街道办事处", "evacuation", "volunteer", "地震", "火灾", "测试社区"]


def forbidden_ids(username: str, ids_by_label: dict[str, set[str]]) -> set[str]:
    """The specification: the ids this person must never be shown by a graph reader."""
    roles, community, organization = PEOPLE[username]
    out = set().union(*(ids_by_label.get(label, set()) for label in ALWAYS_PRIVATE))
    if "admin" not in roles:
        for label in ("Assessment", "Answer", "Evidence", "Review", "GapAction"):
            out |= ids_by_label.get(label, set())
        if "instructor" not in roles:
            out |= ids_by_label.get("Question", set())
        if not {"instructor", "reviewer"} & set(roles):
            out |= ids_by_label.get("Quiz", set())
        if "reviewer" not in roles:
            out |= ids_by_label.get("CorrectiveAction", set())
        reachable = {c for c, area in AREAS.items()
                     if (c == community and "community" in roles) or ("reviewer" in roles and area == organization)}
        out |= {c for c in ids_by_label.get("Community", set()) if c not in reachable}
        out |= {i for label in COMMUNITY_RECORDS for i, c in COMMUNITY_OF.items()
                if i in ids_by_label.get(label, set()) and c not in reachable}
        # anonymous survey answer sheets: only their counts are shown (survey pages); admins in graph readers
        out |= ids_by_label.get("SurveyResponse", set())
    return out


#: record id -> its community (filled when the world is made)
COMMUNITY_OF: dict[str, str] = {}


def _plans_drills_surveys(store, embedder) -> None:
    """Each community's plan in force, a reviewed drill (an improvement: a lesson and a corrective
    action) and a survey with an answer sheet."""
    from kg.access import Viewer
    from kg.drills import drills as dr
    from kg.plans import service as ps
    from kg.search.engine import SearchEngine
    from kg.survey import survey as sv

    engine = SearchEngine(store, embedder)
    for username in ("p-comm-x", "p-comm-y"):
        viewer = Viewer.of(accounts.get_user(store, username))
        cid = viewer.community
        ps.start_plan(store, viewer, cid, ["hazard.rainstorm"], now=NOW)
        ps.put_in_force(store, viewer, cid, 1, expected=1, now=NOW)
        drill = dr.create_drill(store, viewer, cid, name="测试演练", kind="tabletop", held_on="2026-05-20",
                                hazards=["hazard.rainstorm"], objectives=["检验预警叫应"], residents=5, now=NOW)
        dr.review_drill(store, engine, viewer, drill.id, [dr.FindingInput(
            objective=0, kind="improvement", title=f"叫应漏户{cid[-1]}", observation="两户没有接到预警电话。",
            analysis="名单没有更新。", lesson="叫应名单要每月更新。", recommendation="社区居委会每月更新叫应名单。",
            owner="org.community-committee", due_date="2026-07-01")], now=NOW)
        survey = sv.open_survey(store, viewer, cid, name="测试问卷", size=5, now=NOW)
        sv.record_response(store, survey, {q.id: [0] for q in sv.questions_of(store, survey)}, now=NOW)


def _populate(store, embedder, cache, tmp_data) -> dict[str, set[str]]:
    content = read_content()
    assert content.ok, content.problems[:3]
    store.init_schema()
    load_content(store, content)
    from kg.search.index import build_index

    build_index(store, embedder, cache=cache)
    for org, name in (("org.test-street-x", "测试甲街道办事处"), ("org.test-street-y", "测试乙街道办事处")):
        store.upsert_nodes("Organization", [{"id": org, "properties": {"name": name, "name_en": org, "kind": "office"}}])
    for cid, area in AREAS.items():
        wf.create_community(store, cid, f"测试社区{cid[-1]}", area=area)
    some_org = store.nodes_by_label("Organization", limit=1)[0]["id"]
    for username, (roles, community, organization) in PEOPLE.items():
        accounts.create_user(store, username, PASSWORD, roles=roles, community=community,
                             organization=organization or (some_org if username == "p-trainee" else None))
        account = accounts.get_user(store, username)
        sessions.start(store, account, hours=1, now=NOW)
        tokens.issue(store, username, "property test", now=NOW)
        audit.record_event(store, account.id, "test.event", some_org, "generated", remote="test")
    # a trainee's quiz records and certificate
    from curricula import progress, quiz
    from curricula.bank import list_courses, load_course

    course = list_courses(store)[0]["id"]
    progress.enrol(store, "user.p-trainee", course, now=NOW)
    module = load_course(store, course).modules[0]
    for unit in module.units:
        progress.mark_read(store, "user.p-trainee", course, unit.id, now=NOW)
    check = module.knowledge_check
    attempt = quiz.start_attempt(store, "user.p-trainee", check.id, now=NOW, course=course)
    for question in attempt.questions[:3]:
        quiz.answer_question(store, "user.p-trainee", attempt.id, question, [0], now=NOW)
    store.upsert_nodes("Certificate", [{"id": "certificate.p-trainee", "properties": {
        "course": course, "user": "user.p-trainee", "issued_at": "2026-05-01", "expires_at": "2029-05-01",
        "code": "TEST-CERT-0001"}}])
    store.upsert_nodes("SkillSignoff", [{"id": "signoff.p-trainee", "properties": {
        "skill": "cpr", "user": "user.p-trainee", "assessor": "user.p-instructor", "assessed_at": "2026-05-01",
        "result": "pass"}}])
    store.upsert_relationships([{"type": "HOLDS", "start": "user.p-trainee", "end": "certificate.p-trainee"},
                                {"type": "CERTIFIES", "start": "certificate.p-trainee", "end": course}])
    # self-assessments of both communities, with an answer and a note as evidence
    from assessments.checklist import DEFAULT_STANDARD, load_checklist
    from assessments.evidence import add_evidence

    checklist = load_checklist(store, DEFAULT_STANDARD)
    first = checklist.scored[0].id
    for username in ("p-comm-x", "p-comm-y"):
        actor = wf.Actor.of(accounts.get_user(store, username))
        record = wf.open_assessment(store, actor, actor.community, DEFAULT_STANDARD, now=NOW)
        wf.save_answers(store, actor, record.id, {first: {"answer": "met", "note": "测试说明", "last_done": ""}},
                        expected_version=record.version, now=NOW)
        add_evidence(store, actor, record.id, first, kind="note", text="测试佐证", now=NOW)
        from assessments import actions

        actions.save(store, actor, actor.community, key="plan:plan.community-comprehensive", title="测试整改行动",
                     criteria=[first], status="done", evidence="测试完成证据", assessment=record.id, now=NOW)
    _community_records(store, tmp_data)
    from kg.ops import setup as first_run

    first_run.issue(store, now=NOW)  # the first-run set-up token (a secret)
    _plans_drills_surveys(store, embedder)
    ids_by_label: dict[str, set[str]] = {}
    for record in store.export_records():
        if record["kind"] == "node":
            ids_by_label.setdefault(record["labels"][0], set()).add(record["id"])
            community = record["properties"].get("community")
            if record["labels"][0] in COMMUNITY_RECORDS and community:
                COMMUNITY_OF[record["id"]] = community
    return ids_by_label


def _community_records(store, data_dir) -> None:
    """Each test community's workspace: a grid, people (one of them p-trainee's account, as a
    helper), a reported and an assessed case with their log, a resident paired with the helper,
    a shelter, supplies and the minimum list, a team, a risk assessment, a base map and a route."""
    import base64
    import io

    from PIL import Image

    from kg.access import Access
    from kg.community import ledger, mapdata, profile, registers, residents
    from kg.community.crypto import Cipher

    cipher = Cipher([base64.urlsafe_b64encode(b"t" * 32).decode()])
    store.upsert_nodes("Hazard", [{"id": "hazard.test-leak", "properties": {
        "name": "测试隐患", "name_en": "Test hazard", "category": "accident"}}])
    image = io.BytesIO()
    Image.new("RGB", (200, 100), (255, 255, 255)).save(image, "PNG")
    for community, username in (("community.test-x", "p-comm-x"), ("community.test-y", "p-comm-y")):
        grid = profile.save_grid(store, community, {"name": "测试网格", "households": 10})
        helper = profile.save_person(store, community, {"name": "测试帮扶人", "role": "volunteer", "grid": grid,
                                                        "account": "p-trainee"})
        viewer = wf.Actor.of(accounts.get_user(store, username))
        actor = ledger.Actor(Access(store, viewer), username)
        case, _ = ledger.report_case(store, actor, community, {"hazard": "hazard.test-leak", "place": "测试地点",
                                                               "description": "测试", "grid": grid}, now=NOW,
                                     data_dir=str(data_dir))
        ledger.report_case(store, actor, community, {"hazard": "hazard.test-leak", "place": "另一地点",
                                                     "description": "测试"}, now=NOW, data_dir=str(data_dir))
        ledger.transition(store, actor, case.id, "assess", {"organization": "org.test-street-x"},
                          expected_version=case.version, now=NOW)
        residents.save_resident(store, cipher, viewer, community, {"name": "测试居民", "categories": "elderly_alone",
                                                                   "phone": "13800001111", "helpers": [helper]})
        registers.save_shelter(store, community, {"name": "测试避难场所", "kind": "facility.shelter"})
        registers.save_supply(store, community, {"kind": "other", "quantity": 1})
        registers.set_minimum(store, community, [{"kind": "other", "min_quantity": 2}])
        registers.save_team(store, community, {"name": "测试队伍", "kind": "volunteer", "members": [helper]})
        registers.save_risk_assessment(store, community, {"assessed_on": "2026-05-01"},
                                       [{"hazard": "hazard.test-leak", "likelihood": 2, "consequence": 2}],
                                       today=NOW.date())
        mapdata.set_base_map(store, community, image.getvalue(), data_dir=str(data_dir), max_bytes=10 ** 6, now=NOW)
        mapdata.save_feature(store, community, {"kind": "evacuation_route", "name": "测试路线", "coords": "1,1,50,50"})


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def world(request, tmp_path_factory, embedder, vector_cache):
    if request.param == "embedded":
        store = EmbeddedStore(tmp_path_factory.mktemp("leaks") / "graph.kgl")
    else:
        from tests.conftest import _neo4j_store

        store = _neo4j_store()
    ids_by_label = _populate(store, embedder, vector_cache, tmp_path_factory.mktemp("leak-data"))
    app = make_app(store, graph_cache_seconds=0, api_wide_limit=1_000_000)  # leaks, not the rate limit
    clients = {}
    for username in PEOPLE:
        client = app.test_client()
        assert login(client, username).status_code == 302
        clients[username] = client
    yield {"store": store, "ids": ids_by_label, "clients": clients,
           "all_ids": sorted(set().union(*ids_by_label.values()))}
    if request.param == "embedded":
        store.close()


READERS = ["api-search", "page-search", "api-node", "api-neighbours", "api-label", "page-node", "page-graph-json",
           "page-label", "page-community", "page-home", "api-community", "api-community-cases", "page-community-cases",
           "page-community-map"]


def _request(client, reader: str, node_id: str, label: str, term: str):
    if reader == "api-search":
        return client.get("/api/v1/search", query_string={"q": term, "method": "keyword", "limit": 20})
    if reader == "page-search":
        return client.get("/search", query_string={"q": term, "method": "keyword"})
    if reader == "api-node":
        return client.get(f"/api/v1/nodes/{node_id}")
    if reader == "api-neighbours":
        return client.get(f"/api/v1/nodes/{node_id}/neighbours", query_string={"depth": 2, "limit": 200})
    if reader == "api-label":
        return client.get(f"/api/v1/labels/{label}", query_string={"limit": 200})
    if reader == "page-node":
        return client.get(f"/node/{node_id}")
    if reader == "page-graph-json":
        return client.get(f"/node/{node_id}/neighbourhood.json", query_string={"depth": 2})
    if reader == "page-label":
        return client.get(f"/graph/{label}")
    if reader == "page-community":
        return client.get(f"/community/{node_id}")
    community = COMMUNITY_OF.get(node_id, node_id)
    if reader == "api-community":
        return client.get(f"/api/v1/communities/{community}")
    if reader == "api-community-cases":
        return client.get(f"/api/v1/communities/{community}/cases")
    if reader == "page-community-cases":
        return client.get(f"/community/{community}/cases")
    if reader == "page-community-map":
        return client.get(f"/community/{community}/map.json")
    return client.get("/")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          derandomize=True)
@given(data=st.data())
def test_no_reader_lists_a_record_its_viewer_may_not_see(world, data):
    username = data.draw(st.sampled_from(sorted(PEOPLE)), label="viewer")
    reader = data.draw(st.sampled_from(READERS), label="reader")
    forbidden = forbidden_ids(username, world["ids"])
    pool = world["all_ids"] if data.draw(st.booleans(), label="any id") else sorted(forbidden)
    node_id = data.draw(st.sampled_from(pool), label="node")
    label = data.draw(st.sampled_from(sorted(world["store"].schema.labels)), label="label")
    term = data.draw(st.sampled_from(TERMS), label="term")
    response = _request(world["clients"][username], reader, node_id, label, term)
    if node_id in forbidden and reader in ("api-node", "api-neighbours", "page-node", "page-graph-json",
                                           "page-community", "api-community", "api-community-cases",
                                           "page-community-cases", "page-community-map"):
        assert response.status_code in (403, 404), (username, reader, node_id, response.status_code)
        return  # the error answer may name the id that was asked for; nothing else is in it
    assert response.status_code in (200, 403, 404), (username, reader, node_id, label, response.status_code)
    body = response.get_data(as_text=True)
    if response.mimetype == "application/json" and response.status_code == 200:
        body = json.dumps(response.get_json(), ensure_ascii=False)
    leaked = sorted(i for i in forbidden if i in body)
    assert not leaked, (username, reader, node_id, label, term, leaked[:5])


def test_the_specification_is_not_empty(world):
    """The property above means something: every viewer is forbidden private records that exist,
    and each kind of generated record is there."""
    for label in ("User", "LoginSession", "ApiToken", "AuditEvent", "Attempt", "QuizAnswer", "Certificate",
                  "SkillSignoff", "SetupToken", "Assessment", "Answer", "Evidence", "GapAction", "Question",
                  "Community", *COMMUNITY_RECORDS, "VulnerableResident", "CaseEvent", "SurveyResponse"):
        assert world["ids"].get(label), label
    plans_x = {i for i, c in COMMUNITY_OF.items() if c == "community.test-x" and i.startswith(("community.", "drill."))
               and i in world["all_ids"]}
    assert plans_x and plans_x <= forbidden_ids("p-comm-y", world["ids"])
    assert not plans_x & forbidden_ids("p-comm-x", world["ids"])
    cases_y = {i for i in world["ids"]["HazardCase"] if COMMUNITY_OF[i] == "community.test-y"}
    assert cases_y and cases_y <= forbidden_ids("p-comm-x", world["ids"])
    assert not cases_y & forbidden_ids("p-admin", world["ids"])
    assert world["ids"]["VulnerableResident"] <= forbidden_ids("p-comm-x", world["ids"])
    assert world["ids"]["Community"] & forbidden_ids("p-comm-x", world["ids"]) == {"community.test-y"}
    assert "community.test-x" not in forbidden_ids("p-reviewer-x", world["ids"])
    assert "community.test-x" in forbidden_ids("p-reviewer-none", world["ids"])
