"""Binds the community workspace journeys in a real browser (Playwright driving /usr/bin/chromium):
a phone-sized screen reporting offline — the server itself is stopped while the phone is
offline, so what works then is what the service worker and the outbox keep on the phone — and
desktop pages for the follow-up.  Screenshots go to artifacts/browser/community-*.png."""

from __future__ import annotations

import base64
import re
import threading
import time
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenario, then, when
from werkzeug.serving import make_server

from kg.community import ledger, mapdata, profile, residents
from kg.store.embedded import EmbeddedStore
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, shot
from tests.community.fixtures import NOW, cipher, png, seed_community_graph, seed_community_users, viewer
from tests.web.platform_fixtures import PASSWORD, make_app

FEATURE = "community.feature"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/120.0 Mobile Safari/537.36"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@scenario(FEATURE, "A hazard goes from an offline report on a phone to a verified closure")
def test_offline_report_to_closure():
    pass


@scenario(FEATURE, "Residents are shown only to those paired with them")
def test_residents_are_shown_only_to_those_paired():
    pass


class Server:
    """The app on 127.0.0.1, which can be stopped and started again on the same port."""

    def __init__(self, app):
        self.app, self.port, self.server = app, 0, None

    def start(self):
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def world(tmp_path):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists()
    store = EmbeddedStore(tmp_path / "browser.kgl")
    store.init_schema()
    seed_community_graph(store)
    seed_community_users(store)
    key = base64.urlsafe_b64encode(b"k" * 32).decode()
    app = make_app(store, TESTING=False, PROPAGATE_EXCEPTIONS=False, data_dir=str(tmp_path / "data"),
                   personal_data_key=key)
    server = Server(app)
    server.start()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        state = {"store": store, "server": server, "browser": browser, "pages": {}, "data_dir": str(tmp_path / "data"),
                 "problems": []}
        yield state
        browser.close()
    server.stop()
    store.close()


def page_for(world, username: str, device=None):
    if username in world["pages"]:
        return world["pages"][username]
    context = world["browser"].new_context(locale="zh-CN", **(device or DESKTOP))
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda e: world["problems"].append(f"{username}: {e}"))
    page.on("console", lambda m: world["problems"].append(f"{username}: {m.text}") if m.type == "error" else None)
    base = world["server"].url
    page.goto(base + "/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("#submit").click()
    page.wait_for_url(base + "/")
    world["pages"][username] = page
    return page


def cases(world):
    return ledger.list_cases(world["store"], "community.a", limit=100)[0]


@given("the community workspace is served with a base map and its people")
def served(world):
    store = world["store"]
    grid = profile.save_grid(store, "community.a", {"name": "第一网格", "households": 300})
    profile.update_profile(store, "community.a", {"households": 300, "population": 900})
    profile.save_person(store, "community.a", {"name": "网格员甲", "role": "grid_worker", "grid": grid,
                                               "account": "grid-a"})
    mapdata.set_base_map(store, "community.a", png(600, 400, (235, 235, 220)), data_dir=world["data_dir"],
                         max_bytes=10 ** 6, now=NOW)
    mapdata.save_feature(store, "community.a", {"kind": "evacuation_route", "name": "东侧疏散路线",
                                                "coords": "50,350,300,200,550,60"})
    mapdata.save_feature(store, "community.a", {"kind": "assembly_point", "name": "广场集合点", "coords": "550,60"})
    world["grid"] = grid


@given(parsers.parse('grid worker "{username}" is signed in on a phone'))
def phone(world, username):
    world["phone"] = page_for(world, username, PHONE)


def wait_js(page, script: str, arg=None, seconds: float = 15.0) -> None:
    """Poll ``script`` (a function; CSP forbids string eval in the page) until it returns true."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if page.evaluate(script, arg):
                return
        except Error:  # the page is navigating (a form was posted): look again once it has loaded
            pass
        time.sleep(0.2)
    raise AssertionError(f"still false after {seconds} s: {script}")


@when("the grid worker opens the report form while online")
def open_form(world):
    page = world["phone"]
    page.goto(world["server"].url + "/community/community.a/cases/new")
    # the service worker is active and has kept the form and the outbox page on the phone
    wait_js(page, """async () => { if (!navigator.serviceWorker) return false;
        await navigator.serviceWorker.ready;
        const keys = (await (await caches.open('cem-community-v1')).keys()).map(r => r.url);
        return keys.some(u => u.endsWith('/cases/new')) && keys.some(u => u.endsWith('/outbox'))
               && keys.some(u => u.includes('community-offline.js')); }""")
    shot(page, "community-phone-report-online")


@when("the phone loses its connection")
def offline(world):
    world["server"].stop()
    world["phone"].context.set_offline(True)


@when(parsers.parse('the grid worker reports "{description}" at "{place}" with a photo while offline'))
def report_offline(world, description, place, tmp_path):
    page = world["phone"]
    page.goto(world["server"].url + "/community/community.a/cases/new")  # from the service worker's cache
    assert page.get_by_role("heading", name="上报隐患").is_visible()
    page.locator("#hazard").select_option("hazard.e-bike-fire")
    page.locator("#place").fill(place)
    page.locator("#description").fill(description)
    page.locator("#grid").select_option(world["grid"])
    picker = page.locator("[data-pick-map][data-ready]")
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    # as a person would: tap the spot, and tap again if no marker appeared (on a loaded machine the
    # first tap can land while the page is still settling)
    for _ in range(3):
        picker.tap(position={"x": box["width"] / 2, "y": box["height"] / 2})
        try:
            wait_js(page, "() => document.querySelector('input[name=x]').value !== ''", seconds=5.0)
            break
        except AssertionError:
            continue
    assert page.locator("input[name=x]").input_value() != "", "three taps on the map set no point"
    assert page.locator("[data-pick-map] .map-dot").count() == 1  # the marker the person sees
    photo = tmp_path / "hazard.png"
    photo.write_bytes(png(2400, 1800, (180, 40, 40)))
    page.locator("#photos").set_input_files(str(photo))
    page.get_by_role("button", name="上报隐患").click()
    wait_js(page, "() => document.querySelector('[data-offline-status]').textContent.includes('已保存在本机')")
    world["queued"] = page.evaluate("cemOutbox.all().then(items => items.map(i => ({id: i.client_id, "
                                    "size: i.photos[0].size, type: i.photos[0].type})))")
    assert len(world["queued"]) == 1 and world["queued"][0]["type"] == "image/jpeg"
    shot(page, "community-phone-report-offline")


@then(parsers.parse("the outbox screen shows {n:d} report waiting to be sent"))
def outbox_waiting(world, n):
    page = world["phone"]
    page.goto(world["server"].url + "/community/community.a/outbox")
    wait_js(page, "(n) => document.querySelectorAll('[data-outbox-list] tr').length === n && "
                  "document.querySelector('[data-outbox-list]').textContent.includes('等待发送')", n)
    assert "楼道" in page.locator("[data-outbox-list]").inner_text()
    shot(page, "community-phone-outbox")


@then("no case has reached the server yet")
def nothing_yet(world):
    assert cases(world) == []


@when("the phone is back online")
def online(world):
    world["server"].start()
    page = world["phone"]
    page.context.set_offline(False)
    wait_js(page, "() => cemOutbox.all().then(items => items.length === 0)")
    wait_js(page, "() => document.querySelector('[data-outbox-list]').textContent.includes('没有待发送')")


@then(parsers.parse('the case "{description}" appears once in the ledger'))
def appears_once(world, description):
    found = [c for c in cases(world) if c["description"] == description]
    assert len(found) == 1, found
    case = found[0]
    assert case["client_id"] == world["queued"][0]["id"] and case["x"] is not None and len(case["photos"]) == 1
    world["case_id"] = case["id"]


@then("the outbox is empty")
def outbox_empty(world):
    assert world["phone"].evaluate("cemOutbox.all().then(items => items.length)") == 0


@when("the phone replays the same queued report three times")
def replay(world):
    page = world["phone"]
    results = page.evaluate("""async (id) => {
        const out = [];
        for (let i = 0; i < 3; i++) {
          await cemOutbox.add({client_id: id, kind: 'report', url: '/api/v1/communities/community.a/cases',
                               created_at: new Date().toISOString(), label: 'replay',
                               fields: {client_id: id, hazard: 'hazard.e-bike-fire', place: '3号楼1单元楼道',
                                        description: '楼道内飞线充电', severity: 'general'}, photos: []});
          const sent = await cemOutbox.flush();
          out.push(sent.map(r => r.body && r.body.created));
        }
        return out; }""", world["queued"][0]["id"])
    assert results == [[False], [False], [False]], results


@when(parsers.parse('"{editor}" assigns the case to the proposed organization with "{fixer}" as the fixer'))
def assign(world, editor, fixer):
    page = page_for(world, editor)
    page.goto(world["server"].url + f"/community/community.a/cases/{world['case_id']}")
    form = page.locator("form[data-action='assess']")
    assert form.locator("#organization").input_value() == "org.property-company"
    form.locator("#assignee_account").fill(fixer)
    form.get_by_role("button", name="研判交办").click()
    wait_js(page, "() => document.querySelector('.state').textContent.includes('已交办')")
    shot(page, "community-desktop-case-assigned")


@when(parsers.parse('"{fixer}" records the remediation with a photo'))
def remediate(world, fixer, tmp_path):
    page = page_for(world, fixer)
    page.goto(world["server"].url + f"/community/community.a/cases/{world['case_id']}")
    form = page.locator("form[data-action='remediate']")
    form.locator("textarea[name='note']").fill("已清理楼道并引导到集中充电点")
    photo = tmp_path / "fixed.png"
    photo.write_bytes(png(800, 600, (40, 160, 60)))
    form.locator("input[type='file']").set_input_files(str(photo))
    form.get_by_role("button", name="整改完成").click()
    wait_js(page, "() => document.querySelector('.state').textContent.includes('待核验')")


@then(parsers.parse('"{fixer}" is not offered the verification'))
def not_offered(world, fixer):
    page = world["pages"][fixer]
    assert page.locator("form[data-action='verify']").count() == 0
    assert "核验须由其他人进行" in page.content()


@when(parsers.parse('"{editor}" verifies and closes the case'))
def verify(world, editor):
    page = page_for(world, editor)
    page.goto(world["server"].url + f"/community/community.a/cases/{world['case_id']}")
    page.locator("form[data-action='verify']").get_by_role("button", name="核验销号").click()
    wait_js(page, "() => document.querySelector('.state').textContent.includes('销号')")
    assert page.locator(".photos img").count() == 2
    shot(page, "community-desktop-case-closed")


@then(parsers.parse("the case is closed and the workspace shows a handling rate of {rate}"))
def rate_shown(world, rate):
    assert ledger.load_case(world["store"], world["case_id"]).status == "closed"
    page = world["pages"]["editor-a"]
    page.goto(world["server"].url + "/community/community.a")
    assert rate in page.locator(".stats").inner_text()
    shot(page, "community-desktop-workspace")
    page.goto(world["server"].url + "/community/community.a/map")
    page.wait_for_selector("[data-map][data-ready='true']")
    shot(page, "community-desktop-map")
    phone_page = world["phone"]
    phone_page.goto(world["server"].url + "/community/community.a")
    shot(phone_page, "community-phone-workspace")
    assert not [p for p in world["problems"] if "net::ERR" not in p and "Failed to load" not in p], world["problems"]


@given(parsers.parse('two residents of "{community}", one of them paired with "{helper}"'))
def two_residents(world, community, helper):
    store = world["store"]
    person = profile.save_person(store, community, {"name": "李帮扶", "role": "volunteer", "account": helper})
    for name, helpers in (("王秀英", [person]), ("张建国", [])):
        residents.save_resident(store, cipher_for_app(), viewer(store, "editor-a"), community,
                                {"name": name, "categories": "elderly_alone", "phone": "13812345678",
                                 "helpers": helpers})


def cipher_for_app():
    return cipher()


@when(parsers.parse('"{username}" opens the residents list'))
def open_residents(world, username):
    page = page_for(world, username)
    page.goto(world["server"].url + "/community/community.a/residents")
    world["page"] = page


@then(parsers.parse("they see exactly {n:d} resident, with the name masked"))
def see_masked(world, n):
    rows = world["page"].locator("table.residents tbody tr")
    assert rows.count() == n
    assert rows.first.inner_text().startswith("王*")
    assert "张" not in world["page"].content() and "13812345678" not in world["page"].content()
    shot(world["page"], "community-desktop-helper-residents")


@when(parsers.parse('"{username}" opens the residents list of "{community}"'))
def open_other(world, username, community):
    page = page_for(world, username)
    response = page.goto(world["server"].url + f"/community/{community}/residents")
    world["status"] = response.status
    world["page"] = page


@then("the page is refused and names no resident")
def refused(world):
    assert world["status"] == 403
    content = world["page"].content()
    assert "王" not in re.sub(r"<[^>]+>", "", content.split("<main", 1)[1]) and "张建国" not in content
