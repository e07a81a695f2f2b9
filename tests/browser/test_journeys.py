"""Journeys in a real browser: sign in (keyboard only), switch language, open a node page and
its graph view, a phone-sized screen; sign-in and the node page run on both stores."""

from __future__ import annotations

from tests.browser.conftest import shot, sign_in
from tests.browser.journeys import follow


def test_sign_in_with_the_keyboard(live_app, page, store_kind):
    page.goto(live_app + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.goto(live_app + "/login")
    page.get_by_label("用户名").focus()
    page.keyboard.type("trainee")
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-9")
    page.keyboard.press("Enter")
    page.wait_for_url(live_app + "/")
    assert page.get_by_role("heading", name="欢迎，trainee 用户").is_visible()
    nav = page.get_by_role("navigation", name="主导航")
    assert nav.get_by_role("link", name="知识图谱").is_visible()
    assert nav.get_by_role("link", name="用户管理").count() == 0
    shot(page, f"home-trainee-{store_kind}")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(live_app + "/")
    assert page.get_by_role("link", name="登录").first.is_visible()
    assert page.problems == []


def test_wrong_password_shows_an_error(embedded_live_app, page):
    live_app = embedded_live_app
    page.goto(live_app + "/login")
    page.get_by_label("用户名").fill("trainee")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码不正确，或账户已停用。"


def test_switch_language(embedded_live_app, page):
    live_app = embedded_live_app
    sign_in(page, live_app, "admin")
    follow(page, page.get_by_role("link", name="English"))
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_by_role("button", name="Sign out").is_visible()
    follow(page, page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Users"))
    assert page.get_by_role("heading", name="Users").is_visible()
    shot(page, "admin-users-en")
    follow(page, page.get_by_role("link", name="中文"))
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.get_by_role("heading", name="用户管理").is_visible()
    assert page.problems == []


def test_node_page_and_graph_view(live_app, page, store_kind):
    sign_in(page, live_app, "reviewer")
    follow(page, page.get_by_role("navigation", name="主导航").get_by_role("link", name="知识图谱"))
    follow(page, page.get_by_role("link", name="灾害风险"))
    follow(page, page.get_by_role("link", name="暴雨"))
    assert page.get_by_role("heading", name="灾害风险 暴雨", level=1).is_visible()
    page.wait_for_selector("#graph-view[data-ready='1'] canvas")
    # itself and 6 neighbours (the quiz item that tests this hazard is for instructors only)
    assert "已显示 7 个节点" in page.locator(".graph-status").inner_text()
    assert page.locator(".legend li").count() == 6  # one entry per label in view
    page.get_by_role("button", name="两跳").click()
    page.wait_for_selector("#graph-view[data-ready='2']")
    assert page.get_by_role("button", name="两跳").get_attribute("aria-pressed") == "true"
    shot(page, f"node-graph-{store_kind}")
    follow(page, page.get_by_role("link", name="转发预警信息"))
    assert page.get_by_role("heading", name="职责 转发预警信息", level=1).is_visible()
    page.wait_for_selector("#graph-view[data-ready='1'] canvas")
    assert page.problems == [], page.problems  # no script errors, no CSP violations


def test_node_page_in_english_uses_english_names(embedded_live_app, page):
    live_app = embedded_live_app
    sign_in(page, live_app, "trainee")
    page.goto(live_app + "/node/duty.warn?lang=en")
    assert page.get_by_role("heading", name="Duty Relay warnings", level=1).is_visible()
    page.wait_for_selector("#graph-view[data-ready='1']")
    names = page.evaluate("fetch('/node/duty.warn/neighbourhood.json').then(r => r.json())"
                          ".then(d => d.elements.nodes.map(n => n.data.name))")
    assert "Rainstorm" in names and "Residents' committee" in names
    shot(page, "node-en")


def test_phone_sized_screen(embedded_live_app, browser):
    live_app = embedded_live_app
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, live_app, "reviewer")
    for url in ["/", "/node/hazard.rainstorm", "/graph/Hazard", "/account"]:
        page.goto(live_app + url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (url, overflow)
    page.goto(live_app + "/node/hazard.rainstorm")
    page.wait_for_selector("#graph-view[data-ready='1']")
    shot(page, "node-phone")
    context.close()
