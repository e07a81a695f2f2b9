"""axe-core (tests/browser/vendor/axe-core) on the main pages, in both languages: no WCAG 2.1
A/AA violations and no best-practice violations (axe-core 4.14.1 from the npm registry, MPL-2.0)."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import AXE, shot, sign_in

PAGES = {
    None: ["/", "/login", "/no-such-page"],
    "admin": ["/", "/graph/", "/graph/Hazard", "/node/hazard.rainstorm", "/account", "/admin/users",
              "/admin/users/new", "/admin/users/comm-a", "/admin/audit", "/community/community.a",
              "/search", "/search/situation", "/lessons/", "/lessons/lesson.zz-1", "/lessons/new",
              "/lessons/overdue"],
}
#: In English, the pages whose text differs most (the rest share their markup with Chinese).
PAGES_EN = {None: ["/login"], "admin": ["/", "/node/hazard.rainstorm", "/admin/users/new", "/search",
                                        "/lessons/lesson.zz-1", "/community/community.a"]}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_main_pages_pass_axe(embedded_live_app, browser, lang):
    live_app = embedded_live_app
    context = browser.new_context(bypass_csp=True, locale="zh-CN")  # axe is injected as an inline script
    page = context.new_page()
    axe = AXE.read_text(encoding="utf-8")
    failures = {}
    for user, urls in (PAGES if lang == "zh" else PAGES_EN).items():
        if user:
            sign_in(page, live_app, user)
        for url in urls:
            page.goto(f"{live_app}{url}{'&' if '?' in url else '?'}lang={lang}")
            if url.startswith("/node/"):
                page.wait_for_selector("#graph-view[data-ready='1']")
            page.add_script_tag(content=axe)
            result = page.evaluate("""() => axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
            })""")
            violations = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                           "nodes": [n["html"][:200] for n in v["nodes"][:3]]} for v in result["violations"]]
            if violations:
                failures[url] = violations
                shot(page, f"axe-{lang}-{url.strip('/').replace('/', '_') or 'home'}")
    context.close()
    assert failures == {}, json.dumps(failures, ensure_ascii=False, indent=1)
