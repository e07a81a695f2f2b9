"""Binds the web platform's journeys (each runs on both stores)."""

from __future__ import annotations

import re

import pytest
from pytest_bdd import given, parsers, scenario, then, when

from kg import audit
from tests.web.platform_fixtures import csrf_token, login, make_app, seed_graph, seed_users


@scenario("accounts.feature", "An admin creates a trainee account")
def test_admin_creates_trainee(store_kind):
    pass


@scenario("accounts.feature", "A trainee signs in and sees only trainee navigation")
def test_trainee_navigation(store_kind):
    pass


@scenario("accounts.feature", "A community user cannot open another community's pages")
def test_community_scope(store_kind):
    pass


@scenario("browsing.feature", "A reviewer browses a hazard and follows a link to a duty")
def test_reviewer_browses(store_kind):
    pass


@pytest.fixture
def world():
    return {}


@given("the bundled test graph with one account per role")
def graph(store, world):
    seed_graph(store)
    seed_users(store)
    world["store"] = store
    world["app"] = make_app(store)


@given(parsers.parse('I am signed in as "{username}"'))
@when(parsers.parse('"{username}" signs in'))
def signed_in(world, username):
    client = world["app"].test_client()
    response = login(client, username)
    assert response.status_code == 302
    world["client"] = client
    world["page"] = client.get(response.headers["Location"]).get_data(as_text=True)


@when(parsers.parse('I create the account "{username}" with the role "{role}"'))
def create_account(world, username, role):
    c = world["client"]
    response = c.post("/admin/users/new", data={
        "csrf_token": csrf_token(c, "/admin/users/new"), "username": username, "display_name": username,
        "password": "initial-pass-1", "confirm": "initial-pass-1", "roles": [role], "community": "", "locale": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@then(parsers.parse('"{username}" can sign in'))
def can_sign_in(world, username):
    assert login(world["app"].test_client(), username, "initial-pass-1").status_code == 302


@then(parsers.parse('the audit log shows "{action}" of "{target}" by "{actor}"'))
def audit_shows(world, action, target, actor):
    events, _ = audit.events(world["store"], action=action)
    assert [(e["target"], e["actor"]) for e in events] == [(target, actor)]
    page = world["client"].get(f"/admin/audit?action={action}").get_data(as_text=True)
    assert target in page


def _nav(page: str) -> str:
    return page[page.index('class="main-nav"'):page.index("</nav>", page.index('class="main-nav"'))]


@then(parsers.parse('the navigation offers "{text}"'))
def nav_offers(world, text):
    assert text in _nav(world["page"])


@then(parsers.parse('the navigation does not offer "{text}"'))
def nav_lacks(world, text):
    assert text not in _nav(world["page"])


@then(parsers.parse('opening "{url}" is refused with {status:d}'))
def refused(world, url, status):
    response = world["client"].get(url)
    assert response.status_code == status


@then(parsers.parse('opening "{url}" shows "{text}"'))
def shows(world, url, text):
    response = world["client"].get(url)
    assert response.status_code == 200 and text in response.get_data(as_text=True)


def _follow(world, url):
    response = world["client"].get(url)
    assert response.status_code == 200, url
    world["page"] = response.get_data(as_text=True)


def _link(page: str, text: str) -> str:
    match = re.search(r'<a href="([^"]+)">' + re.escape(text) + "</a>", page)
    assert match, f"no link {text!r}"
    return match.group(1)


@when(parsers.parse('I open the "{label}" list and choose "{name}"'))
def open_list(world, label, name):
    _follow(world, "/graph/")
    _follow(world, _link(world["page"], label))
    _follow(world, _link(world["page"], name))


@then(parsers.parse('the page shows its source "{source}" at "{locator}"'))
def shows_source(world, source, locator):
    page = world["page"]
    sources = page[page.index('id="sources-heading"'):page.index('id="view-heading"')]
    assert source in sources and locator in sources


@when(parsers.parse('I follow the link to the duty "{name}"'))
def follow_duty(world, name):
    url = _link(world["page"], name)
    assert url.startswith("/node/duty.")
    _follow(world, url)


@then(parsers.parse('the page lists "{name}" under "{heading}"'))
def lists_under(world, name, heading):
    page = world["page"]
    start = page.index(heading)
    section = page[start:page.index("</ul>", start)]
    assert name in section
