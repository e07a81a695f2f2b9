"""The web app over the plans world, with one account per person of the world."""

from __future__ import annotations

import re

from kg import accounts
from tests.web.platform_fixtures import csrf_token, login, make_app

#: username -> (roles, community, organization)
PEOPLE = {
    "ed": (("community",), "community.a", None),
    "eb": (("community",), "community.b", None),
    "st": (("reviewer",), None, "org.test-street"),
    "co": (("reviewer",), None, "org.test-county"),
    "os": (("reviewer",), None, "org.other-street"),
    "boss": (("admin",), None, None),
}
TOKEN_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"|value="([^"]+)" name="csrf_token"'
                      r'|id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"'
                      r'|type="hidden" name="csrf_token" value="([^"]+)"')


def add_people(store) -> None:
    for username, (roles, community, organization) in PEOPLE.items():
        accounts.create_user(store, username, "correct-horse-9", roles=roles, community=community,
                             organization=organization, display_name=f"{username} 用户")


def app_for(store, **settings):
    add_people(store)
    return make_app(store, graph_cache_seconds=0, **settings)


def client_for(app, username: str | None):
    client = app.test_client()
    if username:
        response = login(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    m = TOKEN_RE.search(html)
    assert m, f"no CSRF token on {url}"
    return next(g for g in m.groups() if g)


__all__ = ["PEOPLE", "add_people", "app_for", "client_for", "csrf_token", "token"]
