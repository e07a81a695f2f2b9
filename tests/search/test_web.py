"""The search page, /api/v1/search and the lessons workspace — on both stores."""

import re
from datetime import date, timedelta

from tests.web.platform_fixtures import CSRF_RE


def test_search_needs_sign_in(search_app):
    client = search_app.test_client()
    assert client.get("/search?q=暴雨").status_code == 302
    response = client.get("/api/v1/search?q=暴雨")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == 401


def test_page_api_and_engine_agree(signed_in, engine):
    client = signed_in("trainee")
    page = client.get("/search?q=老旧小区燃气泄漏谁先处置")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "lesson.shiyan-no-cordon-evacuation" in html
    api = client.get("/api/v1/search?q=老旧小区燃气泄漏谁先处置&limit=20").get_json()
    expected = engine.search("老旧小区燃气泄漏谁先处置", k=20, context=True).as_dict()
    assert [h["id"] for h in api["hits"]] == [h["id"] for h in expected["hits"]]
    shown = re.findall(r'class="hit-link" href="/node/([^"]+)"', html)
    assert shown == [h["id"] for h in expected["hits"]]
    filtered = client.get("/api/v1/search?q=暴雨&phase=phase.response&label=LessonLearned").get_json()
    assert filtered["filters"] == {"labels": ["LessonLearned"], "phase": "phase.response"}
    assert all(h["label"] == "LessonLearned" for h in filtered["hits"])
    assert client.get("/api/v1/search?q=暴雨&phase=nope").status_code == 400
    assert client.get("/api/v1/search?q=暴雨&limit=999").status_code == 400
    assert client.get("/api/v1/search").status_code == 400


def test_api_hits_name_their_kind_in_the_readers_language(signed_in):
    """``label_name`` is what the schema calls the label, in the reader's language."""
    client = signed_in("trainee")
    zh = client.get("/api/v1/search?q=暴雨&label=Plan&label=LessonLearned&limit=20").get_json()["hits"]
    assert {(h["label"], h["label_name"]) for h in zh} == {("Plan", "应急预案"), ("LessonLearned", "经验教训")}
    client.get("/healthz?lang=en")  # the choice is kept in the session
    en = client.get("/api/v1/search?q=暴雨&label=Plan&label=LessonLearned&limit=20").get_json()["hits"]
    assert {(h["label"], h["label_name"]) for h in en} == {("Plan", "Emergency plan"),
                                                           ("LessonLearned", "Lesson learned")}


def test_a_hand_edited_label_is_refused_in_the_pages_language(signed_in):
    """WTForms' Chinese catalogue leaves this message fuzzy (English on a Chinese page); ours
    translates it."""
    client = signed_in("trainee")
    zh = client.get("/search?q=暴雨&label=Nope").get_data(as_text=True)
    assert "“Nope”不是该字段的有效选项。" in zh and "valid choice" not in zh
    client.get("/healthz?lang=en")
    en = client.get("/search?q=暴雨&label=Nope").get_data(as_text=True)
    assert "is not a valid choice for this field" in en


def test_lessons_workspace_is_for_reviewers(signed_in):
    assert signed_in("trainee").get("/lessons/").status_code == 403
    reviewer = signed_in("reviewer")
    assert reviewer.get("/lessons/").status_code == 200
    assert reviewer.get("/lessons/lesson.nope").status_code == 404


def _token(client, url):
    return CSRF_RE.search(client.get(url).get_data(as_text=True)).group(1)


LESSON = {"name": "燃气泄漏报警后没有拉警戒线也没疏散群众",
          "observation": "燃气企业人员到场后未设置警戒区，未疏散集贸市场周边商户和群众，也没有立即关闭管道上下游阀门。",
          "discussion": "", "lesson": "接报燃气泄漏后应先关阀、设警戒、疏散周边人员。",
          "recommendation": "燃气经营企业修订燃气泄漏现场处置方案，把设警戒区、关阀断气和疏散周边人员列为必做步骤；社区居委会协助通知居民撤离。",
          "act_by": ["org.gas-operator", "org.community-committee"], "phase": "phase.response",
          "hazards": ["hazard.gas-leak"], "incident": "", "source": "src.emergency-response-law", "locator": "第七十八条"}


def test_add_lesson_warns_about_a_near_duplicate_then_tracks_actions(signed_in, indexed_store):
    reviewer = signed_in("reviewer")
    data = dict(LESSON, csrf_token=_token(reviewer, "/lessons/new"))
    first = reviewer.post("/lessons/new", data=data)
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "可能重复" in html
    assert 'href="/lessons/lesson.shiyan-no-cordon-evacuation"' in html
    bad = reviewer.post("/lessons/new", data=dict(data, recommendation="社区配备AED。", confirm_new="y"))
    assert bad.status_code == 400 and "AED" in bad.get_data(as_text=True)
    saved = reviewer.post("/lessons/new", data=dict(data, confirm_new="y"))
    assert saved.status_code == 302
    new_id = saved.headers["Location"].rsplit("/", 1)[-1]
    page = reviewer.get(f"/lessons/{new_id}").get_data(as_text=True)
    assert "尚无整改措施" in page
    assert indexed_store.node_vectors([new_id])  # searchable at once

    # An overdue action, then done: the lesson page says the recommendation was acted on.
    token = _token(reviewer, f"/lessons/{new_id}")
    past = (date.today() - timedelta(days=3)).isoformat()
    reviewer.post(f"/lessons/{new_id}/actions", data={"csrf_token": token, "name": "修订燃气泄漏处置方案",
                                                       "owner": "org.gas-operator", "due_date": past, "status": "open"})
    overdue = reviewer.get("/lessons/overdue").get_data(as_text=True)
    assert "修订燃气泄漏处置方案" in overdue
    action_id = re.search(r'/lessons/actions/([^/]+)/status', reviewer.get(f"/lessons/{new_id}").get_data(as_text=True)).group(1)
    assert reviewer.post(f"/lessons/actions/{action_id}/status", data={"csrf_token": token, "status": "done"}).status_code == 303
    assert "已落实" in reviewer.get(f"/lessons/{new_id}").get_data(as_text=True)
    assert "修订燃气泄漏处置方案" not in reviewer.get("/lessons/overdue").get_data(as_text=True)
    no_csrf = reviewer.post(f"/lessons/actions/{action_id}/status", data={"status": "open"})
    assert no_csrf.status_code == 400

    # The same problem comes back: a new, closely matching lesson is flagged as a recurrence.
    again = dict(LESSON, name="集贸市场燃气泄漏后又一次未设警戒和疏散群众", csrf_token=token, confirm_new="y")
    response = reviewer.post("/lessons/new", data=again)
    assert response.status_code == 302
    page = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert "复发" in page and new_id in page


def test_situation_and_similar_endpoints(signed_in):
    client = signed_in("trainee")
    answer = client.get("/api/v1/search/situation", query_string={"q": "夜里小区地下车库开始进水", "role": "org.property-company"}).get_json()
    assert answer["role"] == "org.property-company"
    assert "duty.underground-space-flood-protection" in [d["id"] for d in answer["duties"]]
    page = client.get("/search/situation", query_string={"q": "夜里小区地下车库开始进水", "role": "org.property-company"})
    assert page.status_code == 200 and "应履行的职责" in page.get_data(as_text=True)
    assert client.get("/api/v1/search/situation").status_code == 400
    similar = client.get("/api/v1/search/similar/lesson.shiyan-no-cordon-evacuation").get_json()
    assert len(similar["similar"]) == 5 and similar["similar"][0]["similarity"] > 0.4
    assert client.get("/api/v1/search/similar/duty.report-gas-leak").status_code == 404


def test_search_answers_match_the_openapi_file(signed_in):
    """Every search endpoint's real answers (with and without context, each kind of hit
    context, errors) validated against web/static/openapi.yaml."""
    from tests.web.test_api import check

    client = signed_in("reviewer")
    found = check(client.get("/api/v1/search?q=老旧小区燃气泄漏谁先处置&limit=20"), "/search", 200)
    assert {h["context"]["kind"] for h in found["hits"]} >= {"lesson", "duty", "neighbours"}
    bare = check(client.get("/api/v1/search?q=rainstorm warning&limit=3&context=0&method=keyword"), "/search", 200)
    assert bare["method"] == "keyword" and all("context" not in h for h in bare["hits"])
    read = check(client.get("/api/v1/search?q=xhs 没水&limit=3&method=keyword"), "/search", 200)
    assert read["pinyin"] == {"xhs": ["消火栓"]}
    assert "pinyin" not in found  # only where a token was read as pinyin
    check(client.get("/api/v1/search?q=暴雨&limit=0"), "/search", 400)
    check(client.application.test_client().get("/api/v1/search?q=暴雨"), "/search", 401)
    answer = check(client.get("/api/v1/search/situation", query_string={"q": "夜里小区地下车库开始进水",
                                                                         "role": "org.property-company"}),
                   "/search/situation", 200)
    assert answer["lessons"] and answer["duties"]
    check(client.get("/api/v1/search/situation"), "/search/situation", 400)
    similar = check(client.get("/api/v1/search/similar/lesson.shiyan-no-cordon-evacuation"), "/search/similar/{id}", 200)
    assert similar["similar"]
    check(client.get("/api/v1/search/similar/lesson.nope"), "/search/similar/{id}", 404)


def test_search_straight_after_set_up_answers_on_keywords_and_shows_progress(indexed_store, search_app, signed_in):
    """While the server's background index build runs, a semantic search answers on keywords
    and says so, the page shows the build's progress, and the status endpoint reports it."""
    from kg.search.job import IndexJob
    from tests.web.test_api import check

    job = IndexJob()
    job._set(state="vectors", total=40, done=10)
    search_app.extensions["cem_index_job"] = job
    search_app.extensions.pop("cem_search", None)  # the engine is built again with the job
    client = signed_in("trainee")
    page = client.get("/search?q=暴雨+地下车库").get_data(as_text=True)
    assert "已完成 10 / 40" in page and "<progress" in page and "仅按关键词检索" in page
    body = check(client.get("/api/v1/search?q=暴雨+地下车库"), "/search", 200)
    assert body["degraded"] is True and body["method"] == "keyword" and body["hits"]
    status = check(client.get("/api/v1/search/status"), "/search/status", 200)
    assert status["ready"] is False and status["index"]["percent"] == 25.0
    job._set(state="ready", done=40)
    body = client.get("/api/v1/search?q=暴雨+地下车库").get_json()
    assert body["degraded"] is False and body["method"] == "hybrid"
    assert "<progress" not in client.get("/search?q=暴雨").get_data(as_text=True)


def test_the_page_says_how_it_read_pinyin(signed_in):
    """A worker types xhs for 消火栓: the page says what it searched for, in either language."""
    client = signed_in("trainee")
    html = client.get("/search?q=xhs 没水&method=keyword").get_data(as_text=True)
    assert re.search(r'class="hint pinyin-readings">拼音按这些词检索：<code>xhs</code> → <span lang="zh-CN">消火栓</span>', html)
    assert "消火栓" in re.findall(r'class="hit-link" href="/node/[^"]+"[^>]*>([^<]+)<', html)[0] + html.split('class="snippet">')[1][:300]
    english = client.get("/search?q=xhs 没水&method=keyword&lang=en").get_data(as_text=True)
    assert "Pinyin searched as these words: <code>xhs</code>" in english
    assert "pinyin-readings" not in client.get("/search?q=暴雨 转移").get_data(as_text=True)
