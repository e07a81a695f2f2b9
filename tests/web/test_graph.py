"""Graph browsing: label pages with filters and pages, node pages with sources and grouped
neighbours, the neighbourhood JSON, visibility by role, and English names in English."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def trainee(as_user):
    return as_user("trainee")


def text(response) -> str:
    return response.get_data(as_text=True)


def test_graph_index_lists_visible_labels(trainee, as_user):
    page = text(trainee.get("/graph/"))
    assert 'href="/graph/Hazard"' in page and "灾害风险" in page
    assert 'href="/graph/Question"' not in page and 'href="/graph/User"' not in page
    assert 'href="/graph/Question"' not in text(as_user("reviewer").get("/graph/"))  # quiz keys
    assert 'href="/graph/Question"' in text(as_user("instructor").get("/graph/"))


def test_label_page_filters_and_pages(trainee, seeded):
    page = text(trainee.get("/graph/Hazard"))
    assert page.count('href="/node/hazard.') == 3 and "共 3 个" in page
    page = text(trainee.get("/graph/Hazard?value=accident"))
    assert 'href="/node/hazard.fire"' in page and 'href="/node/hazard.rainstorm"' not in page
    page = text(trainee.get("/graph/Hazard?q=暴"))
    assert re.findall(r'href="/node/([^"]+)"', page) == ["hazard.rainstorm"]
    seeded.upsert_nodes("Facility", [{"id": f"facility.f{i:03d}", "properties": {"name": f"设施{i}", "name_en": f"F{i}"}}
                                     for i in range(60)])
    first = text(trainee.get("/graph/Facility"))
    assert first.count('href="/node/facility.') == 25 and 'rel="next"' in first and "第 1 / 3 页" in first
    last = text(trainee.get("/graph/Facility?page=3"))
    assert last.count('href="/node/facility.') == 10 and 'rel="next"' not in last
    assert trainee.get("/graph/Facility?page=99").status_code == 200
    for bad in ["page=0", "page=x", "page=1.5", "page=" + "9" * 30, "q=" + "x" * 101]:
        assert trainee.get(f"/graph/Facility?{bad}").status_code == 400, bad
    for label in ["User", "AuditEvent", "Question", "Nope", "hazard"]:
        assert trainee.get(f"/graph/{label}").status_code == 404, label


def test_node_page_shows_properties_sources_and_grouped_neighbours(trainee):
    response = trainee.get("/node/hazard.rainstorm")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>" in page and "暴雨" in page
    sources = page[page.index('id="sources-heading"'):page.index('id="view-heading"')]
    assert 'href="/node/src.law"' in sources and "第十条" in sources
    links = page[page.index('id="links-heading"'):page.index('id="sources-heading"')]
    assert "ADDRESSES" not in links and "SUBTYPE_OF" not in links  # relationships by name, not code
    assert 'href="/node/duty.warn"' in links and "应对职责" in links
    assert "属于类别" in links and 'href="/node/hazard.family.weather"' in links
    # the duty's citation (src.plan 3.2) is numbered once in the sources, and marked after the link
    assert 'href="/node/src.plan"' in sources and "3.2" in sources and "3.2" not in links
    assert re.search(r'href="/node/duty.warn">转发预警信息</a><sup class="ref"><a href="#source-2"', links)
    assert "<dt title=\"description\">说明</dt>" in page and "<code>description</code>" not in page
    assert "question.q1" not in page  # a trainee does not see quiz items
    # stored text is escaped on output
    assert "&lt;b&gt;可能&lt;/b&gt;" in page and "<b>可能</b>" not in page
    assert 'src="/static/vendor/cytoscape/cytoscape.min.js"' in page and "<script>" not in page


def test_unknown_or_hidden_nodes_are_404(trainee):
    for node_id in ["hazard.none", "user.admin", "question.q1", "audit.x", "x" * 300, "%3Cscript%3E"]:
        response = trainee.get(f"/node/{node_id}")
        assert response.status_code == 404, node_id
        assert "页面不存在" in text(response)


def test_neighbourhood_json_for_the_graph_view(trainee):
    one = trainee.get("/node/duty.warn/neighbourhood.json").get_json()
    ids = {n["data"]["id"] for n in one["elements"]["nodes"]}
    assert ids == {"duty.warn", "hazard.rainstorm", "org.committee", "src.plan"}
    root = [n for n in one["elements"]["nodes"] if n["data"]["root"]]
    assert root[0]["data"]["id"] == "duty.warn" and root[0]["data"]["url"] == "/node/duty.warn"
    assert {(e["data"]["source"], e["data"]["target"], e["data"]["type"]) for e in one["elements"]["edges"]} == {
        ("duty.warn", "hazard.rainstorm", "ADDRESSES"), ("org.committee", "duty.warn", "HAS_DUTY"),
        ("duty.warn", "src.plan", "CITES")}
    two = trainee.get("/node/duty.warn/neighbourhood.json?depth=2").get_json()
    two_ids = {n["data"]["id"] for n in two["elements"]["nodes"]}
    assert {"plan.flood", "incident.zz", "src.law", "hazard.family.weather"} <= two_ids
    assert "question.q1" not in two_ids
    edges = {(e["data"]["source"], e["data"]["target"]) for e in two["elements"]["edges"]}
    assert all(s in two_ids and t in two_ids for s, t in edges)
    assert trainee.get("/node/duty.warn/neighbourhood.json?depth=3").status_code == 400
    assert trainee.get("/node/user.admin/neighbourhood.json").status_code == 404


def test_instructor_follows_a_hazard_to_a_duty(as_user):
    reviewer = as_user("instructor")
    hazard = text(reviewer.get("/node/hazard.rainstorm"))
    assert "question.q1" in hazard  # instructors see quiz items
    duty_link = re.search(r'<a href="(/node/duty\.[^"]+)">([^<]+)</a>', hazard)
    page = text(reviewer.get(duty_link.group(1)))
    assert duty_link.group(2) in page and "承担者" in page and 'href="/node/org.committee"' in page


def test_english_uses_english_names(trainee):
    page = text(trainee.get("/node/hazard.rainstorm?lang=en"))
    assert '<html lang="en">' in page and "Rainstorm" in page and "Relay warnings" in page
    assert "Linked nodes" in page and "Duties addressing it" in page
    data = trainee.get("/node/duty.warn/neighbourhood.json").get_json()
    names = {n["data"]["id"]: n["data"]["name"] for n in data["elements"]["nodes"]}
    assert names["duty.warn"] == "Relay warnings" and names["src.plan"] == "国家突发公共事件总体应急预案"  # no name_en


def test_home_page_by_role(as_user, client):
    anonymous = text(client.get("/"))
    assert "登录" in anonymous and "用户管理" not in anonymous and "平台能做什么" in anonymous
    assert 'href="/training/verify"' in anonymous  # the public certificate check
    for private in ("用户", "审计", "Attempt", "QuizAnswer", "Certificate", "Answer", "Assessment"):
        assert f"{private} <span" not in anonymous  # counts of curated knowledge only
    admin = text(as_user("admin").get("/"))
    assert 'href="/admin/users"' in admin and 'href="/admin/audit"' in admin
    trainee = text(as_user("trainee").get("/"))
    assert 'href="/graph/"' in trainee and 'href="/admin/users"' not in trainee
    community = text(as_user("comm-a").get("/"))
    assert 'href="/community/community.a"' in community and 'href="/community/community.b"' not in community


def test_every_label_has_an_access_rule(store):
    """Each label in the schema has a rule in the access policy, so a label added later is never
    silently public: without a rule nobody sees it (and this test fails until one is written)."""
    from kg.access import LABEL_RULES, Access, Viewer

    assert set(store.schema.labels) <= set(LABEL_RULES), set(store.schema.labels) - set(LABEL_RULES)
    everybody = Viewer("user.x", frozenset({"admin", "reviewer", "instructor", "community", "trainee"}))
    store.schema.labels["NewThing"] = store.schema.labels["Hazard"]  # a label added without a rule
    try:
        assert not Access(store, everybody).may_see_label("NewThing")
    finally:
        del store.schema.labels["NewThing"]


def test_reviewers_browse_corrective_actions_and_trainees_do_not(seeded, as_user):
    seeded.upsert_nodes("CorrectiveAction", [{"id": "action.cordon-drill", "properties": {
        "name": "燃气泄漏警戒疏散演练", "status": "open", "due_date": "2027-03-01",
        "created_at": "2026-11-29T00:00:00Z"}}])
    reviewer, trainee = as_user("reviewer"), as_user("trainee")
    assert "燃气泄漏警戒疏散演练" in reviewer.get("/node/action.cordon-drill").get_data(as_text=True)
    assert "action.cordon-drill" in reviewer.get("/graph/CorrectiveAction?value=open").get_data(as_text=True)
    assert trainee.get("/node/action.cordon-drill").status_code == 404
    assert trainee.get("/graph/CorrectiveAction").status_code == 404


def test_assessment_records_are_browsed_by_admins_only(seeded, as_user):
    """A draft self-assessment's answers are not readable by reviewers through the browser (the
    self-assessment pages decide who reads what)."""
    seeded.upsert_nodes("Assessment", [{"id": "assessment.a-draft", "properties": {
        "name": "甲社区自评（草稿）", "community": "community.a", "standard": "standard.x", "status": "draft",
        "version": 1}}])
    seeded.upsert_relationships([{"type": "ASSESSES_COMMUNITY", "start": "assessment.a-draft", "end": "community.a"}])
    assert as_user("admin").get("/node/assessment.a-draft").status_code == 200
    for username in ("reviewer", "trainee", "comm-a"):
        assert as_user(username).get("/node/assessment.a-draft").status_code == 404, username
        assert as_user(username).get("/graph/Assessment").status_code == 404, username
    overview = as_user("reviewer").get("/community/community.a").get_data(as_text=True)
    assert "甲社区" in overview and "assessment.a-draft" not in overview


def test_a_large_second_hop_is_clustered_by_label_and_opens_on_request(seeded, trainee):
    from kg.browse import VIEW_CAP

    seeded.upsert_nodes("Duty", [{"id": f"duty.many-{i:03d}", "properties": {"name": f"职责{i}"}}
                                 for i in range(VIEW_CAP + 10)])
    seeded.upsert_relationships([{"type": "ADDRESSES", "start": f"duty.many-{i:03d}", "end": "hazard.rainstorm"}
                                 for i in range(VIEW_CAP + 10)])
    view = trainee.get("/node/duty.warn/neighbourhood.json?depth=2").get_json()
    nodes = view["elements"]["nodes"]
    clusters = [n["data"] for n in nodes if n["data"].get("cluster")]
    assert view["truncated"] and [c["label"] for c in clusters] == ["Duty"]
    assert clusters[0]["count"] == VIEW_CAP + 10 and "×" in clusters[0]["name"]
    assert len([n for n in nodes if not n["data"].get("cluster")]) <= VIEW_CAP
    assert not any(n["data"]["id"].startswith("duty.many-") for n in nodes)
    opened = trainee.get("/node/duty.warn/neighbourhood.json?depth=2&expand=Duty").get_json()
    ids = {n["data"]["id"] for n in opened["elements"]["nodes"]}
    assert {f"duty.many-{i:03d}" for i in range(VIEW_CAP + 10)} <= ids
    assert not any(n["data"].get("cluster") and n["data"]["label"] == "Duty" for n in opened["elements"]["nodes"])
    assert trainee.get("/node/duty.warn/neighbourhood.json?depth=2&expand=Nope").status_code == 400
