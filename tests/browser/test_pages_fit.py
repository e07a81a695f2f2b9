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


#: Record tables (``table.list``, ``table.data``) that do not fit: wider than their box (they
#: scroll sideways), or with a column under 5 em whose text breaks over more than 2.5 lines.
UNFIT_TABLES = """() => Array.from(document.querySelectorAll('table.list, table.data')).flatMap((table, n) => {
  const room = table.parentElement.clientWidth;
  const style = getComputedStyle(table);
  const em = parseFloat(style.fontSize), line = parseFloat(style.lineHeight) || em * 1.5;
  const range = document.createRange();
  const out = [];
  if (table.getBoundingClientRect().width > room + 1) out.push(`table ${n}: ${Math.round(table.getBoundingClientRect().width)} px in ${room}`);
  for (const cell of table.querySelectorAll('tbody td, tbody th')) {
    if (cell.getBoundingClientRect().width >= 5 * em) continue;
    range.selectNodeContents(cell);
    if (range.getBoundingClientRect().height > 2.5 * line) { out.push(`table ${n}: "${cell.textContent.trim().slice(0, 20)}" squeezed`); break; }
  }
  return out;
})"""


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


# --- every page, in English, on a phone -------------------------------------------------------
from tests.search.fixtures import embedder, vector_cache  # noqa: E402,F401 - the English-page world's model
from tests.web.test_english_pages import pages, world  # noqa: E402,F401 - every page, records of every kind

#: Who opens a page first: the community's own user sees its forms, a reviewer the review pages.
FIRST = ["comm-a", "reviewer", "instructor", "trainee", "admin", "anonymous"]
#: Documents laid out on A4 paper for printing (the plan and the application form): they keep the
#: paper's width on a phone, as a PDF would.
PAPER = ("plans.print_version", "application.application_form")


def test_every_page_in_english_fits_a_phone(browser, world):  # noqa: F811 - the fixture imported above
    """Every GET page of the app (the English-page test's list: the bundled content, the sample
    community's year of records, accounts of every role) at 390 px in English: no sideways
    scrolling, and no record table that scrolls sideways in its box or squeezes a column to a
    few characters (such tables read as cards on a phone).  English words are longer than
    Chinese ones; long status names, record ids and tables pushed pages sideways that fit in
    Chinese."""
    from tests.browser.conftest import serve

    todo: dict[str, list[str]] = {}
    for endpoint, url, users in pages(world):
        if endpoint not in PAPER:
            todo.setdefault(url, [u for u in FIRST if u in users])
    server, thread = serve(world["app"])
    base = f"http://127.0.0.1:{server.server_port}"
    wide, unfit, opened = {}, {}, 0
    try:
        for user in FIRST:
            mine = [url for url, users in todo.items() if users and users[0] == user]
            if not mine:
                continue
            context = browser.new_context(locale="en-US", viewport=PHONE)
            page = context.new_page()
            page.set_default_timeout(15_000)
            if user != "anonymous":
                sign_in(page, base, user)
            for url in mine:
                response = page.goto(f"{base}{url}{'&' if '?' in url else '?'}lang=en")
                if response is None or response.status != 200:
                    todo[url] = todo[url][1:]  # not this user's page after all: the next one tries
                    continue
                opened += 1
                if _overflow(page) > 0:
                    wide[f"{url} ({user})"] = _overflow(page)
                    shot(page, f"fit-en-phone-wide-{user}-{url.strip('/').replace('/', '_')[:60]}")
                tables = page.evaluate(UNFIT_TABLES)
                if tables:
                    unfit[f"{url} ({user})"] = tables
            context.close()
    finally:
        server.shutdown()
        thread.join(5)
    assert opened >= 100, opened
    assert wide == {}
    assert unfit == {}


def test_record_tables_read_as_cards_on_a_phone_and_as_tables_on_a_desktop(browser, world):  # noqa: F811
    """The sample community's list of vulnerable residents, in Chinese: on a phone each resident is
    a card (each value beside its column's name, the table no wider than the screen); on a
    desktop, and when the phone's screen grows to a desktop's, it is a table again."""
    from tests.browser.conftest import serve

    server, thread = serve(world["app"])
    base = f"http://127.0.0.1:{server.server_port}"
    path = f"/community/{world['ids']['sample']}/residents?lang=zh"
    cell = "table.residents tbody tr:first-child td:first-child"
    try:
        context = browser.new_context(locale="zh-CN", viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, base, "comm-a")
        page.goto(base + path)
        table = page.locator("table.residents")
        assert "stackable" in (table.get_attribute("class") or "")
        header = page.locator("table.residents thead th").first.inner_text().strip()
        assert header and page.locator(cell).get_attribute("data-label") == header
        assert page.evaluate(f"() => getComputedStyle(document.querySelector('{cell}'), '::before').content") \
            == f'"{header}"'
        assert page.evaluate(f"() => getComputedStyle(document.querySelector('{cell}')).display") == "flow-root"
        assert page.evaluate(UNFIT_TABLES) == [] and _overflow(page) == 0
        shot(page, "tables-zh-phone-residents")
        page.set_viewport_size(DESKTOP)
        page.wait_for_function("() => !document.querySelector('table.residents').classList.contains('stackable')")
        assert page.evaluate(f"() => getComputedStyle(document.querySelector('{cell}')).display") == "table-cell"
        context.close()
        context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
        page = context.new_page()
        sign_in(page, base, "comm-a")
        page.goto(base + path)
        assert "stackable" not in (page.locator("table.residents").get_attribute("class") or "")
        assert page.evaluate(f"() => getComputedStyle(document.querySelector('{cell}')).display") == "table-cell"
        shot(page, "tables-zh-desktop-residents")
        context.close()
    finally:
        server.shutdown()
        thread.join(5)
