"""Pages kept whole between requests (node pages, the home page) and the signed-in user kept
for a moment between requests: each viewer still sees their own name, their own sign-out
token and a language link for their own request, and account changes still take effect at
once."""

from __future__ import annotations

import re
import types

import pytest

import web.accounts
import web.shell
from tests.web.platform_fixtures import PASSWORD, CSRF_RE, login, make_app
from web import accounts

NODE = "/node/hazard.rainstorm"


@pytest.fixture
def two_reviewers(seeded):
    accounts.create_user(seeded, "reviewer2", PASSWORD, roles=["reviewer"], display_name="第二位审核员")
    return seeded


def _signed_in(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    client.get("/")  # the page after signing in shows the flash message once
    return client


def _token(html: str) -> str:
    match = CSRF_RE.search(html) or re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no sign-out token on the page"
    return match.group(1)


@pytest.mark.parametrize("path", [NODE, "/"])
def test_a_kept_page_shows_each_viewer_their_own_name_and_token(two_reviewers, path):
    app = make_app(two_reviewers, GRAPH_CACHE_SECONDS=60)
    first, second = _signed_in(app, "reviewer"), _signed_in(app, "reviewer2")
    page_1 = first.get(path).get_data(as_text=True)
    page_2 = second.get(path).get_data(as_text=True)  # same roles: the same kept page
    assert "reviewer 用户" in page_1 and "第二位审核员" not in page_1
    assert "第二位审核员" in page_2 and "reviewer 用户" not in page_2
    token_1, token_2 = _token(page_1), _token(page_2)
    assert token_1 != token_2
    assert "\ue000" not in page_1 + page_2  # no hole left unfilled
    # each token signs its own session out, and not the other's
    assert first.post("/logout", data={"csrf_token": token_2}).status_code == 400
    assert first.post("/logout", data={"csrf_token": token_1}).status_code == 302
    assert first.get(NODE).status_code in (302, 401)
    assert second.get(NODE).status_code == 200


def test_kept_pages_follow_the_viewers_roles_and_language(seeded):
    app = make_app(seeded, GRAPH_CACHE_SECONDS=60)
    trainee, reviewer = _signed_in(app, "trainee"), _signed_in(app, "reviewer")
    assert "question.q1" in reviewer.get(NODE).get_data(as_text=True)
    assert "question.q1" not in trainee.get(NODE).get_data(as_text=True)
    english = trainee.get(NODE + "?lang=en").get_data(as_text=True)
    assert "Rainstorm</h1>" in english and 'href="/node/hazard.rainstorm?lang=zh"' in english
    chinese = trainee.get(NODE + "?lang=zh").get_data(as_text=True)
    assert "Rainstorm</h1>" not in chinese and 'href="/node/hazard.rainstorm?lang=en"' in chinese
    anonymous = app.test_client().get("/").get_data(as_text=True)
    assert "trainee 用户" not in anonymous and "/logout" not in anonymous


def test_a_flash_message_is_shown_once_on_a_kept_page(seeded):
    app = make_app(seeded, GRAPH_CACHE_SECONDS=60)
    client = app.test_client()
    login(client, "reviewer")
    assert "已登录" in client.get("/").get_data(as_text=True)
    assert "已登录" not in client.get("/").get_data(as_text=True)


def test_text_that_looks_like_a_hole_is_shown_as_written(seeded):
    seeded.upsert_nodes("Hazard", [{"id": "hazard.odd", "properties": {
        "name": "怪名\ue000display_name\ue001", "name_en": "Odd", "category": "natural"}}])
    app = make_app(seeded, GRAPH_CACHE_SECONDS=60)
    page = _signed_in(app, "reviewer").get("/node/hazard.odd").get_data(as_text=True)
    assert "怪名\ue000display_name\ue001" in page


def test_the_hole_pattern_is_secret_per_process():
    assert web.shell._HOLE_NONCE and len(web.shell._HOLE_NONCE) == 16
    assert web.shell._HOLE_RE.pattern.count(web.shell._HOLE_NONCE) == 1


# --- the signed-in user, kept between requests ----------------------------------------------
def test_disabling_an_account_ends_its_session_at_once(seeded):
    app = make_app(seeded, USER_CACHE_SECONDS=3600)
    client = _signed_in(app, "reviewer")
    assert client.get(NODE).status_code == 200
    accounts.disable(seeded, "reviewer")
    assert client.get(NODE).status_code in (302, 401)


def test_new_roles_apply_on_the_next_request(seeded):
    app = make_app(seeded, USER_CACHE_SECONDS=3600)
    client = _signed_in(app, "trainee")
    assert client.get("/admin/users").status_code == 403
    accounts.set_roles(seeded, "trainee", ["trainee", "admin"])
    assert client.get("/admin/users").status_code == 200


def test_a_change_made_elsewhere_is_seen_within_the_cache_time(seeded, monkeypatch):
    """A write that does not go through this process (another web worker, ``cem user`` on a
    shared Neo4j) shows once the kept read is USER_CACHE_SECONDS old."""
    clock = [1000.0]
    monkeypatch.setattr(web.accounts, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    app = make_app(seeded, USER_CACHE_SECONDS=2)
    client = _signed_in(app, "reviewer")
    assert client.get(NODE).status_code == 200
    node = seeded.get_node(accounts.user_id("reviewer"))
    seeded.upsert_nodes("User", [{"id": node["id"], "properties": dict(node["properties"], active=False)}],
                        replace=True)  # behind this process's back
    assert client.get(NODE).status_code == 200  # the kept read
    clock[0] += 2.5
    assert client.get(NODE).status_code in (302, 401)


def test_a_read_that_raced_with_a_write_is_not_kept(seeded, monkeypatch):
    real_get_user = web.accounts.get_user
    calls = []

    def get_user_during_a_write(store, username):
        account = real_get_user(store, username)  # the old account ...
        calls.append(username)
        if len(calls) == 1:
            monkeypatch.setattr(web.accounts, "get_user", real_get_user)
            accounts.set_roles(store, username, ["trainee", "reviewer"])  # ... written over meanwhile
            monkeypatch.setattr(web.accounts, "get_user", get_user_during_a_write)
        return account

    monkeypatch.setattr(web.accounts, "get_user", get_user_during_a_write)
    assert accounts.session_user(seeded, "trainee", 60).roles == ("trainee",)
    assert accounts.session_user(seeded, "trainee", 60).roles == ("trainee", "reviewer")
    assert len(calls) == 2
    assert accounts.session_user(seeded, "trainee", 60).roles == ("trainee", "reviewer")
    assert len(calls) == 2  # now kept


def test_no_keeping_when_the_cache_time_is_zero(seeded, monkeypatch):
    calls = []
    real_get_user = web.accounts.get_user
    monkeypatch.setattr(web.accounts, "get_user", lambda s, u: calls.append(u) or real_get_user(s, u))
    for _ in range(3):
        assert accounts.session_user(seeded, "reviewer", 0).username == "reviewer"
    assert len(calls) == 3


def test_the_page_token_is_reused_briefly_and_still_checked(seeded):
    from flask import session
    from flask_wtf.csrf import generate_csrf, validate_csrf
    from wtforms import ValidationError

    from web.security import page_csrf_token

    app = make_app(seeded)

    def token_for(raw: str, make=page_csrf_token) -> str:
        with app.test_request_context("/"):  # a new request each time (nothing kept in g)
            session["csrf_token"] = raw
            return make()

    first = token_for("raw-token-of-session-1")
    assert token_for("raw-token-of-session-1") == first
    assert token_for("raw-token-of-session-2") != first
    with app.test_request_context("/"):
        session["csrf_token"] = "raw-token-of-session-1"
        validate_csrf(first)  # raises when the token is not good for this session
    with app.test_request_context("/"):
        session["csrf_token"] = "raw-token-of-session-2"
        with pytest.raises(ValidationError):
            validate_csrf(first)
    # the same kind of token Flask-WTF makes itself
    assert first.count(".") == token_for("raw-token-of-session-1", generate_csrf).count(".") == 2
