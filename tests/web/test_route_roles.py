"""Every route declares who may use it, and every non-public route refuses an anonymous user
and a signed-in user without its role: a redirect to sign-in / 401 JSON, or 403 — never a 500
and never data.  Walks the whole URL map, so each area's routes are checked as they arrive."""

from __future__ import annotations

import pytest

from tests.web.platform_fixtures import USERS, csrf_token, login
from web.security import PUBLIC, access_of

#: Values for URL arguments (real ids of the seeded graph where an area needs them).
ARGUMENTS = {"node_id": "hazard.rainstorm", "label": "Hazard", "username": "trainee", "community_id": "community.a",
             "filename": "x"}
SECRET_TEXT = ("暴雨", "Rainstorm", "甲社区", "correct-horse")


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {name: ARGUMENTS.get(name, "1" if "int" in str(rule._converters.get(name, "")).lower() else "x")
                  for name in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def _send(client, method, url, token):
    if method == "GET":
        return client.get(url, headers={"Accept": "text/html"})
    return client.open(url, method=method, data={"csrf_token": token})


def test_every_route_declares_its_access(app):
    missing = sorted({endpoint for endpoint, _, _ in _routes(app)
                      if access_of(app.view_functions[endpoint]) is None})
    assert missing == [], f"routes without @public or @roles_required: {missing}"


def test_non_public_routes_refuse_anonymous_and_wrong_roles(app):
    anonymous = app.test_client()
    anon_token = csrf_token(anonymous, "/login")
    clients = {}
    checked = 0
    for endpoint, method, url in _routes(app):
        mark = access_of(app.view_functions[endpoint])
        if mark is None or mark[0] == PUBLIC:
            continue
        response = _send(anonymous, method, url, anon_token)
        body = response.get_data(as_text=True)
        if url.startswith("/api/"):
            assert response.status_code == 401, (endpoint, method, response.status_code)
            assert response.get_json()["error"]["code"] == 401
        else:
            assert response.status_code == 302, (endpoint, method, response.status_code)
            assert "/login?next=" in response.headers["Location"]
        assert not any(s in body for s in SECRET_TEXT), (endpoint, "anonymous response leaks data")
        checked += 1
        roles = mark[1]
        if not roles:
            continue
        for username, (user_roles, _community, _organization) in USERS.items():
            if "admin" in user_roles or set(user_roles) & set(roles):
                continue
            if username not in clients:
                clients[username] = app.test_client()
                assert login(clients[username], username).status_code == 302
            c = clients[username]
            response = _send(c, method, url, csrf_token(c, "/account"))
            assert response.status_code == 403, (endpoint, method, username, response.status_code)
            body = response.get_data(as_text=True)
            assert not any(s in body for s in SECRET_TEXT), (endpoint, username, "403 response leaks data")
            checked += 1
    assert checked >= 20


def test_a_view_without_a_mark_is_refused_to_everybody(seeded):
    from tests.web.platform_fixtures import make_app

    app = make_app(seeded)

    @app.get("/forgotten")
    def forgotten():
        return "secret data"

    client = app.test_client()
    assert client.get("/forgotten").status_code == 403
    assert login(client, "admin").status_code == 302
    response = client.get("/forgotten")
    assert response.status_code == 403 and "secret data" not in response.get_data(as_text=True)


@pytest.mark.parametrize("username,community,status", [
    ("comm-a", "community.a", 200), ("comm-a", "community.b", 403), ("comm-b", "community.a", 403),
    ("reviewer", "community.b", 200), ("admin", "community.b", 200), ("trainee", "community.a", 403),
    ("comm-a", "community.nope", 403), ("admin", "community.nope", 404)])
def test_community_pages_are_scoped(as_user, username, community, status):
    response = as_user(username).get(f"/community/{community}")
    assert response.status_code == status
    if status == 403:
        assert "乙社区" not in response.get_data(as_text=True) and "甲社区" not in response.get_data(as_text=True)
