"""A web app over the bundled checklists with two areas, two communities and one account per
role, for the assessment pages (plain tests and the BDD journeys)."""

from __future__ import annotations

import re

from assessments import workflow as wf
from kg import accounts
from tests.assessment.helpers import add_area, load_checklists
from tests.web.platform_fixtures import PASSWORD, csrf_token, login, make_app  # noqa: F401

USERS = {  # username -> (roles, community, organization)
    "comm-a": (("community",), "community.a", None),
    "comm-a2": (("community",), "community.a", None),
    "comm-b": (("community",), "community.b", None),
    "rev-a": (("reviewer",), None, "org.street-a"),
    "rev-b": (("reviewer",), None, "org.street-b"),
    "boss": (("admin",), None, None),
}
VERSION_RE = re.compile(r'name="version" type="hidden" value="([0-9]+)"')


def seed(store) -> None:
    load_checklists(store)
    add_area(store, "org.street-a", "甲街道办事处")
    add_area(store, "org.street-b", "乙街道办事处")
    wf.create_community(store, "community.a", "甲社区", area="org.street-a", first_responder_target=3)
    wf.create_community(store, "community.b", "乙社区", area="org.street-b", first_responder_target=2)
    for username, (roles, community, organization) in USERS.items():
        accounts.create_user(store, username, PASSWORD, roles=roles, community=community,
                             organization=organization, display_name=f"{username} 用户")


def signed_in(app, username: str):
    client = app.test_client()
    response = login(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def page(client, url: str):
    response = client.get(url)
    return response, response.get_data(as_text=True)


def token_and_version(client, url: str) -> tuple[str, str | None]:
    _, html = page(client, url)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    version = VERSION_RE.search(html)
    assert token, f"no CSRF token on {url}"
    return token.group(1), version.group(1) if version else None
