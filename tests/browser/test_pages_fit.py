"""The start page and the knowledge pages fit a phone (390×844: no sideways scrolling) and a desktop,
in Chinese and in English, on the bundled content; screenshots go to artifacts/browser/."""

from __future__ import annotations

import pytest

from kg.content.load import load_content
from kg.content.loader import read_content
from tests.browser.conftest import running_app, shot, sign_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: (who, path): pages a visitor and a reviewer open first.
PAGES = [(None, "/"), ("reviewer", "/"), ("reviewer", "/graph/"), ("reviewer", "/graph/Hazard"),
         ("reviewer", "/node/hazard.rainstorm"), ("reviewer", "/node/lesson.shiyan-no-cordon-evacuation"),
         ("reviewer", "/search"), ("reviewer", "/search/situation"), ("reviewer", "/lessons/"),
         ("reviewer", "/lessons/lesson.shiyan-no-cordon-evacuation"), ("reviewer", "/lessons/new"),
         ("comm-a", "/community/community.a")]


@pytest.fixture(scope="module")
def bundled_app(tmp_path_factory):
    from assessments.workflow import create_community
    from kg.store.embedded import EmbeddedStore
    from tests.web.platform_fixtures import seed_users

    store = EmbeddedStore(tmp_path_factory.mktemp("fit") / "graph.kgl")
    store.init_schema()
    load_content(store, read_content())
    store.upsert_nodes("Organization", [{"id": "org.street", "properties": {
        "name": "某街道办事处", "name_en": "Street office", "kind": "office"}}])
    create_community(store, "community.a", "甲社区", area="org.street")
    create_community(store, "community.b", "乙社区", area="org.street")
    seed_users(store)
    with running_app(store) as url:
        yield url
    store.close()


def _overflow(page) -> int:
    """How far the page scrolls sideways (0: it fits)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_fit_the_screen(browser, bundled_app, viewport, lang):
    wide = {}
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    signed_in = None
    for who, path in PAGES:
        if who != signed_in:
            context.clear_cookies()
            if who:
                sign_in(page, bundled_app, who)
            signed_in = who
        page.goto(f"{bundled_app}{path}?lang={lang}")
        assert page.locator("html").get_attribute("lang") == ("en" if lang == "en" else "zh-CN")
        if path.startswith("/node/"):
            page.wait_for_selector("#graph-view[data-ready='1']")
        name = f"fit-{lang}-{'phone' if viewport is PHONE else 'desktop'}-{who or 'visitor'}-" \
               f"{path.strip('/').replace('/', '_') or 'home'}"
        shot(page, name)
        if _overflow(page) > 0:
            wide[path + f" ({who or 'visitor'})"] = _overflow(page)
    context.close()
    assert wide == {}
    assert errors == []
