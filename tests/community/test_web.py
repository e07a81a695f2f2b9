"""The community workspace through the web pages and the JSON API (both stores): who sees
what, the phone's replayed report, transitions with their refusals, residents' full views and
exports in the audit log, CSV exports, and every API answer validated against openapi.yaml."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from kg import audit
from kg.accounts import tokens
from kg.community import ledger, profile, residents
from tests.community.fixtures import NOW, cipher, png, seed_community_graph, seed_community_users, viewer
from tests.web.platform_fixtures import csrf_token, login, make_app
from tests.web.test_api import REGISTRY, SPEC
from web.i18n import CJK_RE

CLIENT = "5d0c7e1a-2b3c-4d5e-8f90-a1b2c3d4e5f6"
SCRIPTS = Path(__file__).resolve().parents[2] / "web" / "static" / "js"
STRINGS = re.compile(r'<script type="application/json" id="community-strings">(.*?)</script>', re.S)


class Clock:
    def now(self):
        return NOW


def check(response, path: str, status: int, method: str = "get") -> dict:
    """The answer has this status and matches the spec's schema for it."""
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    declared = SPEC["paths"][path][method]["responses"][str(status)]
    if "$ref" in declared:
        declared = SPEC["components"]["responses"][declared["$ref"].rsplit("/", 1)[1]]
    ref = declared["content"]["application/json"]["schema"]["$ref"].replace("#/", "urn:cem:openapi#/")
    Draft202012Validator({"$ref": ref}, registry=REGISTRY).validate(response.get_json())
    return response.get_json()


@pytest.fixture
def site(store, tmp_path):
    seed_community_graph(store)
    seed_community_users(store)
    app = make_app(store, clock=Clock(), data_dir=str(tmp_path), personal_data_key=cipher_key())
    clients = {}

    def as_user(username):
        if username not in clients:
            client = app.test_client()
            assert login(client, username).status_code == 302
            clients[username] = client
        return clients[username]

    return {"store": store, "app": app, "as": as_user, "data_dir": str(tmp_path)}


def cipher_key():
    import base64

    return base64.urlsafe_b64encode(b"k" * 32).decode()


def post_report(client, token, **extra):
    data = {"client_id": CLIENT, "hazard": "hazard.e-bike-fire", "place": "3号楼楼道", "description": "飞线充电",
            "severity": "general", **extra}
    return client.post("/api/v1/communities/community.a/cases", data=data, headers={"X-CSRFToken": token},
                       content_type="multipart/form-data")


def test_the_phone_replays_a_report_three_times_and_one_case_is_made(site):
    client = site["as"]("grid-a")
    token = csrf_token(client, "/community/community.a/cases/new")
    first = check(post_report(client, token, photos=(io.BytesIO(png()), "p.png")), "/communities/{community}/cases",
                  201, "post")
    assert first["created"] and len(first["case"]["photos"]) == 1
    for _ in range(3):
        again = check(post_report(client, token, photos=(io.BytesIO(png()), "p.png")),
                      "/communities/{community}/cases", 200, "post")
        assert again["case"]["id"] == first["case"]["id"] and not again["created"]
    listed = check(client.get("/api/v1/communities/community.a/cases"), "/communities/{community}/cases", 200)
    assert listed["total"] == 1
    assert client.post("/api/v1/communities/community.a/cases", data={"hazard": "x"}).status_code == 400  # no CSRF
    bad = post_report(client, token, client_id="9d0c7e1a-2b3c-4d5e-8f90-a1b2c3d4e5f6",
                      photos=(io.BytesIO(b"GIF89a not really"), "x.gif"))
    assert check(bad, "/communities/{community}/cases", 400, "post")["error"]["message"].startswith("照片")
    assert ledger.list_cases(site["store"], "community.a")[1] == 1


def test_a_case_is_assigned_fixed_and_verified_through_the_api(site):
    store = site["store"]
    grid = site["as"]("grid-a")
    created = post_report(grid, csrf_token(grid, "/community/community.a/cases/new")).get_json()["case"]
    url = f"/api/v1/communities/community.a/cases/{created['id']}/transitions"
    editor = site["as"]("editor-a")
    token = csrf_token(editor, "/community/community.a/cases/new")
    body = check(editor.post(url, json={"action": "assess", "version": 1, "organization": "org.property-company",
                                        "assignee_account": "fixer"}, headers={"X-CSRFToken": token}),
                 "/communities/{community}/cases/{case}/transitions", 200, "post")
    assert body["case"]["status"] == "assigned" and "remediate" in body["allowed_actions"]
    stale = editor.post(url, json={"action": "escalate", "version": 1, "reason": "x"}, headers={"X-CSRFToken": token})
    check(stale, "/communities/{community}/cases/{case}/transitions", 409, "post")
    fixer_token = tokens.issue(store, "fixer", "phone")[0]
    fixer = site["app"].test_client()
    auth = {"Authorization": f"Bearer {fixer_token}"}
    seen = check(fixer.get(f"/api/v1/communities/community.a/cases/{created['id']}", headers=auth),
                 "/communities/{community}/cases/{case}", 200)
    assert seen["allowed_actions"] == ["remediate"]
    assert fixer.get("/api/v1/communities/community.a/cases", headers=auth).status_code == 403
    check(fixer.post(url, data={"action": "remediate", "version": 2, "note": "已清理", "photos": (io.BytesIO(png()), "a.png")},
                     headers=auth, content_type="multipart/form-data"),
          "/communities/{community}/cases/{case}/transitions", 200, "post")
    refused = fixer.post(url, json={"action": "verify", "version": 3}, headers=auth)
    assert refused.status_code in (403, 404)
    closed = check(editor.post(url, json={"action": "verify", "version": 3}, headers={"X-CSRFToken": token}),
                   "/communities/{community}/cases/{case}/transitions", 200, "post")
    assert closed["case"]["status"] == "closed"
    out_of_order = editor.post(url, json={"action": "remediate", "version": 4, "note": "x"},
                               headers={"X-CSRFToken": token})
    check(out_of_order, "/communities/{community}/cases/{case}/transitions", 409, "post")
    rates = check(site["as"]("street").get("/api/v1/community-rates"), "/community-rates", 200)
    assert {r["community"]: r["rate"] for r in rates["items"]}["community.a"] == 1.0
    overview = check(editor.get("/api/v1/communities/community.a"), "/communities/{community}", 200)
    assert overview["rate"]["handled"] == 1 and overview["residents"]["residents"] == 0
    assert check(site["as"]("street").get("/api/v1/communities/community.a"), "/communities/{community}",
                 200)["residents"] is None
    check(site["as"]("editor-b").get("/api/v1/communities/community.a"), "/communities/{community}", 404)


def test_pages_show_each_person_what_they_may_see(site):
    store = site["store"]
    helper = profile.save_person(store, "community.a", {"name": "李帮扶", "role": "volunteer", "account": "helper"})
    mine = residents.save_resident(store, cipher(), viewer(store, "editor-a"), "community.a",
                                   {"name": "王秀英", "categories": "elderly_alone", "phone": "13812345678",
                                    "helpers": [helper]})
    residents.save_resident(store, cipher(), viewer(store, "editor-a"), "community.a",
                            {"name": "张建国", "categories": "disabled", "phone": "13900001111"})
    editor = site["as"]("editor-a")
    page = editor.get("/community/community.a/residents").get_data(as_text=True)
    assert "王**" in page and "张**" in page and "13812345678" not in page and "138****5678" in page
    full = editor.get(f"/community/community.a/residents/{mine}").get_data(as_text=True)
    assert "王秀英" in full and "13812345678" in full
    events, _ = audit.events(store, action="community.resident.view")
    assert [e["target"] for e in events] == [mine]
    export = editor.get("/community/community.a/residents.csv")
    assert export.status_code == 200 and "13900001111" in export.get_data(as_text=True)
    assert audit.events(store, action="community.residents.export")[1] == 1
    helper_page = site["as"]("helper").get("/community/community.a/residents").get_data(as_text=True)
    assert "王**" in helper_page and "张**" not in helper_page
    assert site["as"]("helper").get("/community/community.a/residents.csv").status_code == 403
    for username in ("editor-b", "street", "boss", "other-trainee"):
        response = site["as"](username).get("/community/community.a/residents")
        assert response.status_code == 403 and "王" not in response.get_data(as_text=True), username
        assert site["as"](username).get(f"/community/community.a/residents/{mine}").status_code == 403
        check(site["as"](username).get("/api/v1/communities/community.a/residents"),
              "/communities/{community}/residents", 404)
    listed = check(site["as"]("helper").get("/api/v1/communities/community.a/residents"),
                   "/communities/{community}/residents", 200)
    assert [r["id"] for r in listed["items"]] == [mine]
    assert site["as"]("editor-b").get("/community/community.a").status_code == 403
    assert site["as"]("street").get("/community/community.a").status_code == 200
    assert site["as"]("helper").get("/community/community.a").status_code == 403
    response = editor.post(f"/community/community.a/residents/{mine}/delete",
                           data={"csrf_token": csrf_token(editor, "/community/community.a/cases/new")})
    assert response.status_code == 303 and store.get_node(mine) is None


def test_report_form_errors_and_csv_export(site):
    editor = site["as"]("editor-a")
    token = csrf_token(editor, "/community/community.a/cases/new")
    response = editor.post("/community/community.a/cases/new", data={
        "csrf_token": token, "hazard": "hazard.e-bike-fire", "place": "楼道", "description": "x", "severity": "general",
        "client_id": CLIENT, "photos": (io.BytesIO(b"not an image"), "a.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "不是可以打开的图片" in response.get_data(as_text=True)
    assert ledger.list_cases(site["store"], "community.a")[1] == 0
    response = editor.post("/community/community.a/cases/new", data={
        "csrf_token": token, "hazard": "hazard.e-bike-fire", "place": "楼道", "description": "x", "severity": "general",
        "client_id": CLIENT})
    assert response.status_code == 303
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "物业服务企业" in page and "研判交办" in page  # the graph's proposal and the action
    csv_text = editor.get("/community/community.a/cases?format=csv").get_data(as_text=True)
    assert csv_text.count("\n") == 2 and "hazard_name" in csv_text
    assert editor.get("/community/community.a/cases?status=closed").get_data(as_text=True).count("class=\"state") == 0
    for url in ("/community/community.a/grids", "/community/community.a/shelters", "/community/community.a/supplies",
                "/community/community.a/teams", "/community/community.a/risk", "/community/community.a/map",
                "/community/community.a/outbox", "/community/community.a/map?print=a4"):
        assert editor.get(url).status_code == 200, url
    response = editor.post("/community/community.a/supplies", data={"csrf_token": token, "kind": "radio",
                                                                    "quantity": "lots"})
    assert response.status_code == 303
    assert "quantity" in editor.get("/community/community.a/supplies").get_data(as_text=True)
    sw = editor.get("/community/sw.js")
    assert sw.status_code == 200 and sw.headers["Service-Worker-Allowed"] == "/community/"
    map_answer = check(editor.get("/api/v1/communities/community.a/map"), "/communities/{community}/map", 200)
    assert map_answer["base"] is None


def test_an_optional_tile_server_is_allowed_on_the_map_page_only(store, tmp_path):
    seed_community_graph(store)
    seed_community_users(store)
    app = make_app(store, clock=Clock(), data_dir=str(tmp_path), personal_data_key=cipher_key(),
                   map_tile_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    client = app.test_client()
    assert login(client, "editor-a").status_code == 302
    csp = client.get("/community/community.a/map").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in csp and "script-src 'self';" in csp
    assert "tiles.example.org" not in client.get("/community/community.a").headers["Content-Security-Policy"]
    assert client.get("/community/community.a/map.json").get_json()["tile_url"].startswith("https://{s}.tiles")


def test_the_community_scripts_speak_the_page_s_language(site):
    """The outbox, report-form and map scripts show no text of their own: every text comes from
    the page, in the reader's language, and every key they ask for is there in both languages."""
    used: set[str] = set()
    for name in ("community-offline.js", "community-report.js", "community-map.js"):
        code = re.sub(r"/\*.*?\*/", "", (SCRIPTS / name).read_text(encoding="utf-8"), flags=re.S)
        assert not CJK_RE.search(code), f"{name} has text of its own: {CJK_RE.search(code)}"
        used |= set(re.findall(r'(?:cemText|\btext|\blabel)\("(\w+)"', code))
    assert {"offline", "sent", "failed", "marker", "shelter"} <= used
    editor = site["as"]("editor-a")
    for lang in ("zh", "en"):
        editor.get(f"/healthz?lang={lang}")
        for url in ("/community/community.a/cases/new", "/community/community.a/outbox", "/community/community.a/map"):
            page = editor.get(url).get_data(as_text=True)
            strings = json.loads(STRINGS.search(page).group(1))
            assert used <= set(strings), (url, used - set(strings))
            for key, value in strings.items():
                assert bool(CJK_RE.search(value)) == (lang == "zh"), (lang, key, value)
            assert "{n}" in strings["sent"] and "{error}" in strings["failed"] and "{name}" in strings["shelter"]
    assert strings["failed"] == "Not registered: {error}"


def test_an_expired_token_says_so_in_a_word_scripts_can_read_in_either_language(site):
    """The phone's outbox fetches a fresh security token and sends again on ``reason: csrf``; it
    used to look for Chinese words in the message, so in English a queued report was refused."""
    client = site["as"]("grid-a")
    for lang, words in (("zh", "安全令牌"), ("en", "security token")):
        client.get(f"/healthz?lang={lang}")
        body = check(post_report(client, "not-a-token"), "/communities/{community}/cases", 400, "post")
        assert body["error"]["reason"] == "csrf" and words in body["error"]["message"]
    assert ledger.list_cases(site["store"], "community.a")[1] == 0
    body = check(post_report(client, csrf_token(client, "/community/community.a/cases/new"), place=""),
                 "/communities/{community}/cases", 400, "post")
    assert "reason" not in body["error"]  # a bad field is not a token problem: the report waits for a fix


def test_an_english_page_names_the_hazard_in_english_and_flashes_in_english(site):
    """A case keeps the Chinese hazard name it was reported with; English pages show the graph's
    ``name_en`` (case page, ledger, overview, risk page) and the confirmation in English."""
    from kg.community import registers

    editor = site["as"]("editor-a")
    token = csrf_token(editor, "/community/community.a/cases/new")
    registers.save_risk_assessment(site["store"], "community.a", {"assessor": "editor-a"},
                                   [{"hazard": "hazard.e-bike-fire", "likelihood": 4, "consequence": 4,
                                     "exposure": "3号楼"}], today=NOW.date())
    editor.get("/healthz?lang=en")
    response = editor.post("/community/community.a/cases/new", data={
        "csrf_token": token, "hazard": "hazard.e-bike-fire", "place": "Stairwell 3", "description": "x",
        "severity": "general", "client_id": CLIENT})
    assert response.status_code == 303
    case_page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h1>E-bike fire · Stairwell 3</h1>" in case_page and "The hazard has been reported." in case_page
    # the organizations the graph proposes, by their English names (the fixture's are their ids)
    assert "org.property-company — " in case_page and "物业服务企业" not in case_page
    for url in ("/community/community.a/cases", "/community/community.a", "/community/community.a/risk",
                "/community/community.a/cases/new"):
        page = editor.get(url).get_data(as_text=True)
        assert "E-bike fire" in page and "电动自行车火灾" not in page, url
    editor.get("/healthz?lang=zh")
    assert "<h1>电动自行车火灾 · Stairwell 3</h1>" in editor.get(response.headers["Location"]).get_data(as_text=True)
