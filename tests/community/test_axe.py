"""axe-core (tests/browser/vendor/axe-core) on every community workspace page, in Chromium: no
WCAG 2.1 A/AA and no best-practice violations (embedded store; the pages are the same on both)."""

from __future__ import annotations

import base64
import json
import threading
from pathlib import Path

from werkzeug.serving import make_server

from kg.community import ledger, mapdata, profile, registers, residents
from kg.store.embedded import EmbeddedStore
from tests.browser.conftest import AXE, CHROMIUM, CHROMIUM_ARGS, shot
from tests.community.fixtures import NOW, actor, cipher, png, seed_community_graph, seed_community_users, viewer
from tests.web.platform_fixtures import PASSWORD, make_app

PAGES = ["", "/cases", "/cases/new", "/residents", "/residents/new", "/grids", "/shelters", "/supplies", "/teams",
         "/risk", "/map", "/outbox"]


def test_community_pages_pass_axe(tmp_path):
    from playwright.sync_api import sync_playwright

    store = EmbeddedStore(tmp_path / "axe.kgl")
    store.init_schema()
    seed_community_graph(store)
    seed_community_users(store)
    data = str(tmp_path / "data")
    grid = profile.save_grid(store, "community.a", {"name": "第一网格", "households": 100})
    helper = profile.save_person(store, "community.a", {"name": "李帮扶", "role": "volunteer", "grid": grid})
    residents.save_resident(store, cipher(), viewer(store, "editor-a"), "community.a",
                            {"name": "王秀英", "categories": "elderly_alone", "helpers": [helper]})
    mapdata.set_base_map(store, "community.a", png(400, 300), data_dir=data, max_bytes=10 ** 6, now=NOW)
    registers.save_shelter(store, "community.a", {"name": "社区广场", "capacity": 300, "x": 100, "y": 100})
    registers.save_supply(store, "community.a", {"kind": "radio", "quantity": 2, "expires_on": "2026-06-10"})
    registers.save_team(store, "community.a", {"name": "救援队", "kind": "rescue", "members": [helper]})
    registers.save_risk_assessment(store, "community.a", {"assessed_on": "2026-05-01"},
                                   [{"hazard": "hazard.rainstorm", "likelihood": 4, "consequence": 4}],
                                   today=NOW.date())
    case, _ = ledger.report_case(store, actor(store, "grid-a"), "community.a", {
        "hazard": "hazard.e-bike-fire", "place": "楼道", "description": "飞线充电", "grid": grid, "x": 50, "y": 60},
        now=NOW, data_dir=data, photos=[png()])
    app = make_app(store, TESTING=False, data_dir=data, personal_data_key=base64.urlsafe_b64encode(b"k" * 32).decode())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    failures = {}
    try:
        with sync_playwright() as p:
            assert Path(CHROMIUM).exists()
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(bypass_csp=True, locale="zh-CN")  # axe is injected inline
            page = context.new_page()
            page.goto(base + "/login")
            page.locator("#username").fill("editor-a")
            page.locator("#password").fill(PASSWORD)
            page.locator("#submit").click()
            page.wait_for_url(base + "/")
            axe = AXE.read_text(encoding="utf-8")
            for suffix in PAGES + [f"/cases/{case.id}"]:
                url = f"{base}/community/community.a{suffix}"
                page.goto(url)
                if suffix == "/map":
                    page.wait_for_selector("[data-map][data-ready='true']")
                page.add_script_tag(content=axe)
                result = page.evaluate("""() => axe.run(document, {
                    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
                })""")
                violations = [{"id": v["id"], "help": v["help"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
                              for v in result["violations"]]
                if violations:
                    failures[suffix or "/"] = violations
                    shot(page, f"axe-community{suffix.replace('/', '_') or '_workspace'}")
            browser.close()
    finally:
        server.shutdown()
        store.close()
    assert failures == {}, json.dumps(failures, ensure_ascii=False, indent=1)
