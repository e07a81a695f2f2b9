"""Every page in English: each GET page of the app (the whole URL map), opened by each role that may
open it on the bundled content plus a trainee's records, a self-assessment and a corrective
action, shows no Chinese text outside content.  Content (the graph's data) shown in Chinese on
an English page is marked ``lang="zh-CN"``; the check strips those elements, and text in the
page's title and labelling attributes (``title``, ``aria-label``, ``placeholder``, ``alt``,
``data-*``) counts as content only where the page also shows it marked.

In Chinese, pages name labels and properties in Chinese: the home page lists no label by its code
and node pages show no raw property keys.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from assessments import workflow as wf
from kg import accounts
from kg.content.load import load_content
from kg.content.loader import read_content
from kg.store.embedded import EmbeddedStore
from tests.search.fixtures import embedder, vector_cache  # noqa: F401 - the session model and its vector cache
from tests.web.platform_fixtures import USERS, login, make_app, seed_users
from web.i18n import CJK_RE
from web.security import PUBLIC, access_of

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
#: Responses that are not pages (files, JSON) or that only answer for a code sent by mail.
NOT_PAGES = (".json", ".csv", ".md", "/file", ".js", "/<name>", ".svg")
#: Pages whose templates do not mark content yet (their area is being reworked): for these the
#: store's content strings are taken out instead of marked elements, so every interface string
#: is still checked.  The last test fails once a page here marks its content — then remove it.
CONTENT_NOT_MARKED = {
    "training.home", "training.course", "training.module", "training.unit", "training.attempt",
    "training.feedback", "training.result", "training.certificate", "training.staff", "training.staff_analytics",
    "training.verify_code", "training.signoff_queue", "training.signoff", "assessment.index", "assessment.view", "assessment.gaps", "assessment.track_page",
    "assessment.report",
    "assessment.result", "assessment.community", "assessment.communities", "assessment.readiness_view",
    *(f"community.{view}" for view in ("workspace", "cases", "report", "case", "resident_list", "resident_new",
                                       "resident", "grids", "shelters", "supplies", "teams", "risk", "map_page")),
    # the plan, drills, survey and application pages (issue 15) show the plan's text, drills, questions
    # and criteria as they are stored, without marking them
    *(f"plans.{view}" for view in ("index", "community", "version", "edit")),
    *(f"drills.{view}" for view in ("index", "community", "show", "review")),
    *(f"survey.{view}" for view in ("index", "community", "show", "poster", "answer")),
    *(f"application.{view}" for view in ("evidence", "review", "application_form", "queue")),
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
LABELLING = {"title", "aria-label", "aria-description", "placeholder", "alt"}


class PageText(HTMLParser):
    """Splits a page into interface text (``ui``, with where it came from) and content marked
    ``lang="zh-…"`` (``marked``); scripts and styles are left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.ui: list[str] = []
        self.attributes: list[str] = []
        self.title: list[str] = []
        self.marked: list[str] = []

    def _content(self) -> bool:
        return any(marked for _, marked in self.stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        marked = (values.get("lang") or "").lower().startswith("zh") or tag in ("script", "style")
        if not (marked or self._content()):
            for name, value in values.items():
                if value and (name in LABELLING or name.startswith("data-")
                              or (name == "value" and values.get("type") in ("submit", "button"))):
                    self.attributes.append(f"@{name}={value}")
        if tag not in VOID:
            self.stack.append((tag, marked))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not data.strip():
            return
        if any(tag == "title" for tag, _ in self.stack):
            self.title.append(data)
        elif self._content():
            if not any(tag in ("script", "style") for tag, _ in self.stack):
                self.marked.append(data.strip())
        else:
            self.ui.append(data.strip())


HAN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def untranslated(body: str, content: list[str] = ()) -> list[str]:
    """Texts of a page that hold Chinese outside content (each with a little context).

    ``content``: the store's texts, for a page that does not mark its content — then a text that
    is part of one of them (a piece of a rendered unit body) or holds nothing but them and
    punctuation (names joined by 、) counts as content too."""
    parsed = PageText()
    parsed.feed(body)
    marked = sorted({m for m in parsed.marked if CJK_RE.search(m)}, key=len, reverse=True)
    blob = "\n".join(content)

    def leftover(text: str) -> bool:
        for m in marked:
            text = text.replace(m, " ")
        if not content:
            return CJK_RE.search(text) is not None
        if text.strip() in blob:
            return False
        for c in content:
            if c in text:
                text = text.replace(c, " ")
        return HAN_RE.search(text) is not None

    found = [t for t in parsed.ui if leftover(t)]
    found += [t for t in parsed.attributes if leftover(t)]
    found += [f"<title>{t}" for t in parsed.title if leftover(t)]
    return found


# --- the world: bundled content, accounts of every role, records of every kind ----------------
@pytest.fixture(scope="module")
def world(tmp_path_factory, embedder, vector_cache):  # noqa: F811 - fixtures imported above
    from kg.search.engine import SearchEngine
    from kg.search.index import build_index
    store = EmbeddedStore(tmp_path_factory.mktemp("english") / "graph.kgl")
    store.init_schema()
    content = read_content()
    assert content.ok, content.problems[:3]
    load_content(store, content)
    build_index(store, embedder, cache=vector_cache)
    store.upsert_nodes("Organization", [{"id": "org.street", "properties": {
        "name": "某街道办事处", "name_en": "Street office", "kind": "office"}}])
    wf.create_community(store, "community.a", "甲社区", area="org.street")
    wf.create_community(store, "community.b", "乙社区", area="org.street")
    seed_users(store)
    ids = _records(store)
    app = make_app(store, graph_cache_seconds=0, self_registration=True)
    ids.update(_community_records(store, app))
    ids.update(_plan_records(store, embedder, vector_cache))
    ids["action"] = _first_gap_action(store, ids["assessment_current"])
    app.extensions["cem_search"] = SearchEngine(store, embedder)
    clients = {}
    for username in [*USERS, "anonymous"]:
        client = app.test_client()
        client.get("/healthz?lang=en")  # the choice is kept in the session
        if username != "anonymous":
            assert login(client, username).status_code == 302
        clients[username] = client
    yield {"store": store, "app": app, "ids": ids, "clients": clients, "content": _content_strings(store)}
    store.close()


def _first_gap_action(store, assessment_id: str) -> str:
    """The key of the first action of an assessment's gap plan (comm-a's community's)."""
    from assessments.gap_plan import gap_plan

    view = wf.get_assessment(store, wf.Actor.of(accounts.get_user(store, "comm-a")), assessment_id)
    return gap_plan(store, view.result, assessment_id=view.id, community=dict(view.community)).actions[0].key


def _community_records(store, app) -> dict[str, str]:
    """The fictional sample community (cem sample load) with a year of records, edited by comm-a
    from now on (comm-a's own self-assessment of community A was made above)."""
    from kg.community import sample
    from kg.community.crypto import cipher_for

    settings = app.extensions["cem_settings"]
    sample.load(store, cipher_for(settings), data_dir=str(settings.data_dir), now=NOW)
    accounts.set_roles(store, "comm-a", ["community"], community=sample.COMMUNITY)
    cases = store.run_read_for("browse_label_page", "HazardCase", q=None, prop="kind", value=None,
                               scope=None, skip=0, limit=1)
    residents = store.run_read_for("browse_label_page", "VulnerableResident", q=None, prop="kind", value=None,
                                   scope=None, skip=0, limit=1)
    return {"sample": sample.COMMUNITY, "case": cases[0]["id"], "resident": residents[0]["id"]}


def _plan_records(store, model, cache) -> dict[str, str]:
    """The sample community's plan, reviewed drills, survey and self-assessments (kg.plans.sample),
    and a drill not reviewed yet (its review form)."""
    from kg.drills import drills as dr
    from kg.plans import sample as plans_sample
    from kg.search.engine import SearchEngine
    from kg.search.index import build_index

    build_index(store, model, labels=["LessonLearned"], cache=cache)
    written = plans_sample.load(store, SearchEngine(store, model), now=NOW)
    drill = dr.create_drill(store, plans_sample.EDITOR, plans_sample.COMMUNITY, name="示例桌面推演（虚构）",
                            kind="tabletop", held_on=NOW.date(), hazards=["hazard.rainstorm"],
                            objectives=["检验预警叫应"], now=NOW)
    survey = next(iter(store.nodes_by_label("Survey", limit=1)))
    return {"assessment_current": written["current"], "drill_open": drill.id,
            "drill_reviewed": next(d.id for d in dr.list_drills(store, [plans_sample.COMMUNITY]) if d.reviewed),
            "survey": survey["id"], "slug": survey["properties"]["slug"]}


def _records(store) -> dict[str, str]:
    """A trainee's reading, a submitted and an open quiz attempt and a certificate; community A's
    self-assessment with an answer and evidence; a corrective action on a lesson."""
    from curricula import progress, quiz
    from curricula.bank import list_courses, load_course
    from curricula.certificates import new_code

    course = list_courses(store)[0]["id"]
    progress.enrol(store, "user.trainee", course, now=NOW)
    module = load_course(store, course).modules[0]
    for unit in module.units:
        progress.mark_read(store, "user.trainee", course, unit.id, now=NOW)
    done = quiz.start_attempt(store, "user.trainee", module.knowledge_check.id, now=NOW, course=course)
    quiz.submit_attempt(store, "user.trainee", done.id, now=NOW, answers={q: [0] for q in done.questions})
    attempt = quiz.start_attempt(store, "user.trainee", module.knowledge_check.id, now=NOW, course=course)
    quiz.answer_question(store, "user.trainee", attempt.id, attempt.questions[0], [0], now=NOW)
    store.upsert_nodes("Certificate", [{"id": "cert.trainee", "properties": {
        "course": course, "user": "user.trainee", "issued_at": "2026-05-01T00:00:00Z",
        "expires_at": "2029-05-01T00:00:00Z", "code": (code := new_code())}}])
    store.upsert_relationships([{"type": "HOLDS", "start": "user.trainee", "end": "cert.trainee"},
                                {"type": "CERTIFIES", "start": "cert.trainee", "end": course}])
    from assessments.checklist import DEFAULT_STANDARD, load_checklist
    from assessments.evidence import add_evidence

    first = load_checklist(store, DEFAULT_STANDARD).scored[0].id
    actor = wf.Actor.of(accounts.get_user(store, "comm-a"))
    record = wf.open_assessment(store, actor, actor.community, DEFAULT_STANDARD, now=NOW)
    wf.save_answers(store, actor, record.id, {first: {"answer": "met", "note": "测试说明", "last_done": ""}},
                    expected_version=record.version, now=NOW)
    add_evidence(store, actor, record.id, first, kind="note", text="测试佐证", now=NOW)
    from kg.lessons.workspace import add_action

    lesson = "lesson.shiyan-no-cordon-evacuation"
    assert store.get_node(lesson) is not None
    add_action(store, lesson, name="修订预警转发流程", owner="org.street", due_date="2026-01-01", actor="user.reviewer")
    return {"course": course, "module": module.id, "unit": module.units[0].id, "attempt": attempt.id,
            "question": attempt.questions[0], "done": done.id, "assessment": record.id, "lesson": lesson,
            "certificate": "cert.trainee", "code": code}


def _content_strings(store) -> list[str]:
    """Every Chinese text the store holds (for the pages listed in CONTENT_NOT_MARKED)."""
    out = set()
    for record in store.export_records():
        for value in (record.get("properties") or {}).values():
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and CJK_RE.search(v):
                    out.add(v)
    return sorted(out, key=len, reverse=True)


def _arguments(store, ids) -> dict[str, list[dict]]:
    """URL arguments per endpoint: a node of every label, every label page, the records above
    (labels that no graph reader shows are left out)."""
    from kg.access import rule_for

    labels = sorted(label for label in store.schema.labels if rule_for(label) and not rule_for(label).private)
    nodes = [found[0]["id"] for label in labels if (found := store.nodes_by_label(label, limit=1))]
    nodes += ["hazard.rainstorm", ids["lesson"]]
    return {
        "graph.label": [{"label": label} for label in labels],
        "graph.node": [{"node_id": n} for n in dict.fromkeys(nodes)],
        "admin.user": [{"username": "trainee"}],
        **{f"community.{view}": [{"community_id": ids["sample"]}]
           for view in ("workspace", "cases", "report", "resident_list", "resident_new", "grids", "shelters",
                        "supplies", "teams", "risk", "map_page", "outbox")},
        "community.case": [{"community_id": ids["sample"], "case_id": ids["case"]}],
        "community.resident": [{"community_id": ids["sample"], "resident_id": ids["resident"]}],
        "assessment.community": [{"community_id": "community.a"}],
        **{f"assessment.{view}": [{"assessment_id": ids["assessment"]}]
           for view in ("view", "gaps", "report", "result")},
        "assessment.track_page": [{"assessment_id": ids["assessment_current"], "key": ids["action"]}],
        "lessons.lesson": [{"lesson_id": ids["lesson"]}],
        # search answers: hits with their graph context (lessons, duties, other nodes), a situation
        "search.index": [{}, {"q": "暴雨 地下车库 转移"}, {"q": "gas leak evacuation", "method": "keyword"},
                         {"q": "网格员 预警", "label": ["Duty", "Organization", "Hazard"]}],
        "search.situation": [{}, {"q": "夜里小区地下车库开始进水，物业人手不够", "role": "org.property-company"}],
        "training.attempt": [{"attempt_id": ids["attempt"]}],
        "training.feedback": [{"attempt_id": ids["attempt"], "question_id": ids["question"]}],
        "training.result": [{"attempt_id": ids["done"]}],
        "training.certificate": [{"cert_id": ids["certificate"]}],
        "training.course": [{"course_id": ids["course"]}],
        "training.module": [{"course_id": ids["course"], "module_id": ids["module"]}],
        "training.unit": [{"course_id": ids["course"], "unit_id": ids["unit"]}],
        "training.verify_code": [{"code": ids["code"]}],
        "training.signoff_queue": [{}, {"course": ids["course"], "q": "trainee"}],
        "training.signoff": [{"course_id": ids["course"], "user_id": "user.trainee"}],
        **{f"plans.{view}": [{"community_id": ids["sample"]}] for view in ("community", "edit")},
        **{f"plans.{view}": [{"community_id": ids["sample"], "number": 4}] for view in ("version", "print_version")},
        "drills.community": [{"community_id": ids["sample"]}],
        "drills.show": [{"drill_id": ids["drill_reviewed"]}, {"drill_id": ids["drill_open"]}],
        "drills.review": [{"drill_id": ids["drill_open"]}],
        "survey.community": [{"community_id": ids["sample"]}],
        **{f"survey.{view}": [{"survey_id": ids["survey"]}] for view in ("show", "poster")},
        "survey.answer": [{"slug": ids["slug"]}],
        **{f"application.{view}": [{"assessment_id": ids["assessment_current"]}]
           for view in ("evidence", "review", "application_form")},
    }


def pages(world):
    """(endpoint, url, [users who may open it]) for every GET page of the app."""
    app = world["app"]
    arguments = _arguments(world["store"], world["ids"])
    from flask import url_for

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in ("static", "main.healthz") or rule.rule.startswith("/api/") \
                or rule.rule.endswith(NOT_PAGES):
            continue
        mark = access_of(app.view_functions[rule.endpoint])
        assert mark is not None, rule.endpoint
        if mark[0] == PUBLIC:
            users = ["anonymous", *USERS]
        else:
            users = [u for u, (roles, _c, _o) in USERS.items()
                     if not mark[1] or "admin" in roles or set(roles) & set(mark[1])]
        if rule.endpoint in CHECKED_APART:
            continue
        if rule.arguments and rule.endpoint not in arguments:
            raise AssertionError(f"{rule.endpoint}: the test has no arguments for {sorted(rule.arguments)}")
        for values in arguments.get(rule.endpoint, [{}]):
            with app.test_request_context():
                url = url_for(rule.endpoint, **values)
            yield rule.endpoint, url, users


#: The app's areas (blueprints); every page belongs to one.
AREAS = ("main", "auth", "admin", "graph", "search", "lessons", "training", "assessment", "community", "plans",
         "drills", "survey", "application")
#: Pages that only open in another world (the set-up page needs a store without an admin):
#: each is checked by its own test below.
CHECKED_APART = {"setup.first_admin"}


def test_every_page_belongs_to_an_area_checked_here(world):
    areas = {endpoint.split(".")[0] for endpoint, _url, _users in pages(world)}
    assert sorted(areas - set(AREAS)) == []


def test_the_setup_page_in_english_shows_no_untranslated_text(tmp_path):
    """The one-time set-up page (README: the first admin) on a fresh store without an admin."""
    from kg.ops import setup as first_run

    store = EmbeddedStore(tmp_path / "fresh.kgl")
    store.init_schema()
    try:
        token = first_run.issue(store)
        client = make_app(store).test_client()
        client.get("/healthz?lang=en")
        response = client.get(f"/setup/{token}", headers={"Accept": "text/html"})
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and '<html lang="en">' in body
        assert "password" in body.lower()
        assert untranslated(body) == []
        posted = client.post(f"/setup/{token}", data={"username": "x"})  # no CSRF, no password
        assert posted.status_code == 400
        assert untranslated(posted.get_data(as_text=True)) == []
    finally:
        store.close()


@pytest.mark.parametrize("area", AREAS)
def test_every_page_in_english_shows_no_untranslated_text(world, area):
    problems, opened = {}, 0
    for endpoint, url, users in pages(world):
        if endpoint.split(".")[0] != area:
            continue
        shown = 0
        for user in users:
            response = world["clients"][user].get(url, headers={"Accept": "text/html"}, follow_redirects=True)
            assert response.status_code in (200, 403, 404), (url, user, response.status_code)
            if response.status_code != 200:
                continue
            body = response.get_data(as_text=True)
            assert '<html lang="en">' in body, (url, user)
            content = world["content"] if endpoint in CONTENT_NOT_MARKED else ()  # (see the list)
            left = untranslated(body, content)
            if left:
                problems[f"{url} ({user})"] = left[:8]
            shown += 1
        assert shown, f"{url}: no role could open it in this test's world"
        opened += shown
    assert opened >= 3
    assert problems == {}


def test_content_not_marked_lists_only_pages_that_need_it(world):
    """A page listed in CONTENT_NOT_MARKED that marks its content now must leave the list."""
    still = set()
    for endpoint, url, users in pages(world):
        if endpoint not in CONTENT_NOT_MARKED:
            continue
        for user in users:
            response = world["clients"][user].get(url, follow_redirects=True)
            if response.status_code == 200 and untranslated(response.get_data(as_text=True)):
                still.add(endpoint)
    assert sorted(CONTENT_NOT_MARKED - still) == []


def test_the_checker_finds_untranslated_text():
    page = ('<html lang="en"><head><title>甲社区 · Home</title></head><body>'
            '<h1><span lang="zh-CN">甲社区</span></h1><p>Text</p><p>未翻译</p>'
            '<a title="打开">x</a><div aria-label="甲社区 graph"></div><script>var s = "脚本";</script>'
            '<span lang="zh-CN">内容<b>加粗</b></span><input type="submit" value="提交"></body></html>')
    assert untranslated(page) == ["未翻译", "@title=打开", "@value=提交"]


# --- English content names, "Chinese only" notices, and the Chinese pages ---------------------
def test_english_pages_show_english_names_and_say_when_text_is_chinese_only(world):
    trainee = world["clients"]["trainee"]
    page = trainee.get("/node/hazard.rainstorm").get_data(as_text=True)
    assert "<h1>" in page and "Rainstorm" in page[page.index("<h1>"):page.index("</h1>")]
    assert re.search(r'<dt title="description">Description</dt>\s*<dd lang="zh-CN"><span class="zh-only" lang="en">'
                     r'Available in Chinese only</span>', page)
    lesson = world["clients"]["reviewer"].get(f"/lessons/{world['ids']['lesson']}").get_data(as_text=True)
    assert lesson.count("Available in Chinese only") >= 3  # observation, lesson, recommendation


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_chinese_home_page_names_every_label_in_chinese(world):
    client = make_app(world["store"]).test_client()
    page = client.get("/?lang=zh").get_data(as_text=True)
    counts = page[page.index('class="count-list"'):]
    items = re.findall(r"<li>(.*?)</li>", counts[:counts.index("</ul>")], re.S)
    assert len(items) >= 10
    for item in items:
        name = _text(item).strip()
        assert CJK_RE.search(name) and not re.search(r"[A-Za-z]{3,}", name), name


def test_chinese_node_pages_name_properties_and_relationships(world):
    client = world["clients"]["admin"]
    client.get("/healthz?lang=zh")
    try:
        for args in _arguments(world["store"], world["ids"])["graph.node"]:
            page = client.get(f"/node/{args['node_id']}").get_data(as_text=True)
            for term in re.findall(r"<dt[^>]*>(.*?)</dt>", page, re.S):
                assert CJK_RE.search(term), (args["node_id"], term)
            for heading in re.findall(r'<h3 class="rel-heading">(.*?)</h3>', page, re.S):
                assert CJK_RE.search(heading) and not re.search(r"[A-Z]{3,}_?", heading), (args["node_id"], heading)
    finally:
        client.get("/healthz?lang=en")


def test_node_pages_list_sources_once_and_number_them(world):
    client = world["clients"]["trainee"]
    page = client.get("/node/hazard.rainstorm?lang=zh").get_data(as_text=True)
    client.get("/healthz?lang=en")
    sources = page[page.index('id="sources-heading"'):page.index('id="view-heading"')]
    documents = re.findall(r'<li><a href="(/node/src\.[^"]+)"[^>]*>', sources)
    assert len(documents) >= 5 and len(set(documents)) == len(documents)  # each document once
    places = re.findall(r'<li id="source-(\d+)"><span class="ref-number">\[(\d+)\]</span> '
                        r'<span class="locator"[^>]*>([^<]*)</span>', sources)
    assert [int(n) for n, _, _ in places] == list(range(1, len(places) + 1))
    assert all(n == shown for n, shown, _ in places)
    links = page[page.index('id="links-heading"'):page.index('id="sources-heading"')]
    refs = re.findall(r'<a href="#source-(\d+)" aria-label="来源 \1">\[\1\]</a>', links)
    assert len(refs) >= 10 and {int(n) for n in refs} <= {int(n) for n, _, _ in places}
    for _n, _shown, locator in places:  # no locator repeated after the links
        assert locator not in links, locator


def test_every_property_a_node_page_can_show_is_named_in_both_languages(world):
    """Every property of every record a graph reader may show (not only the first node of each
    label, which the page test above opens) has a Chinese and an English name in the schema."""
    from kg.access import rule_for

    app = world["app"]
    from web.graph.names import property_names

    missing = set()
    for lang, script in (("zh", CJK_RE), ("en", re.compile(r"[A-Za-z]"))):
        with app.test_request_context(f"/?lang={lang}"):
            from flask import session

            session["lang"] = lang
            names = property_names()
        for record in world["store"].export_records():
            if record["kind"] != "node":
                continue
            label = record["labels"][0]
            rule = rule_for(label)
            if rule is None or rule.private:
                continue
            for key in record.get("properties", {}):
                name = names.get(key)
                if not name or not script.search(name) or (lang == "zh" and name == key):
                    missing.add((lang, label, key))
    assert sorted(missing) == []
