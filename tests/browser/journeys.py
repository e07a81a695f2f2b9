"""What the journey tests share: the app over the *bundled* content (every course, the checklist,
the organizations) with one account per role, phone (390×844) and desktop browser contexts, and
``Visit`` — every page a journey opens is screenshotted (artifacts/browser/journeys/) and checked
with axe-core (injected through the DevTools protocol, so the page's CSP stays on), and on a
phone it must not scroll sideways."""

from __future__ import annotations

import json
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser.conftest import ARTIFACTS, AXE, serve
from tests.web.platform_fixtures import PASSWORD, make_app

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
SHOTS = ARTIFACTS / "journeys"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
ISSUER, SIGNATORY = "示例区应急管理局", "陈立 培训科科长"
#: username -> (display name, roles, community, organization)
PEOPLE = {
    "lin": ("林小雨", ("trainee",), None, None),
    "mei": ("王梅", ("trainee",), None, None),
    "qiang": ("张强", ("trainee",), None, "org.community-service-station"),
    "teacher": ("赵教员", ("instructor",), None, None),
    "cadre": ("社区干部甲", ("community",), "community.demo", None),
    "cadre2": ("社区干部乙", ("community",), "community.demo", None),
    "street": ("街道审核员", ("reviewer",), None, "org.town-emergency-office"),
    "boss": ("管理员", ("admin",), None, None),
}
_content_lock = threading.Lock()
_content = None


def bundled_content():
    """The bundled content, read once per test process."""
    global _content
    with _content_lock:
        if _content is None:
            from kg.content.loader import read_content

            _content = read_content()
            assert _content.ok, _content.problems[:3]
        return _content


@dataclass
class Site:
    url: str
    store: object
    app: object


@contextmanager
def bundled_site(**settings):
    """The app on an embedded store holding the bundled content, a demonstration community in
    the street of org.town-emergency-office and the people above; served on 127.0.0.1."""
    from assessments.workflow import create_community
    from kg import accounts
    from kg.accounts import passwords
    from kg.content.load import load_content
    from kg.store.embedded import EmbeddedStore
    from tests.conftest import fast_hasher

    folder = Path(tempfile.mkdtemp(prefix="cem-journeys-"))
    store = EmbeddedStore(folder / "graph.kgl")
    store.init_schema()
    load_content(store, bundled_content())
    create_community(store, "community.demo", "示范社区", area="org.town-emergency-office", population=8600,
                     households=3100, first_responder_target=13)
    previous = passwords.use_hasher(fast_hasher())  # module-scoped: before the per-test cheap hashing
    try:
        for username, (name, roles, community, organization) in PEOPLE.items():
            accounts.create_user(store, username, PASSWORD, roles=roles, community=community,
                                 organization=organization, display_name=name)
    finally:
        passwords.use_hasher(previous)
    settings.setdefault("certificate_issuer", ISSUER)
    settings.setdefault("certificate_signatory", SIGNATORY)
    app = make_app(store, TESTING=False, PROPAGATE_EXCEPTIONS=False, data_dir=str(folder), **settings)
    server, thread = serve(app)
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", store, app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        store.close()


@dataclass
class Visit:
    """One person's browser: pages are opened, looked at (screenshot) and checked (axe, no
    sideways scrolling on a phone, no script errors or CSP violations)."""

    page: object
    name: str
    phone: bool
    javascript: bool = True
    failures: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    dialogs: list = field(default_factory=list)
    shots: list = field(default_factory=list)
    expected: set = field(default_factory=set)

    def expect_status(self, status: int) -> None:
        """A page answered with this HTTP status is expected (Chromium logs it as a console error)."""
        self.expected.add(f"status of {status} ")

    def check(self, what: str) -> Path:
        """Screenshot the page and run axe on it; problems are collected for ``done``."""
        self.page.wait_for_load_state()
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{self.name}-{what}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        result = self._axe(self.page) if self.javascript else self._axe_copy()
        violations = [{"id": v["id"], "help": v["help"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
                      for v in result["violations"]]
        if violations:
            self.failures[f"{what} {self.page.url}"] = violations
        if self.phone:
            overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                self.failures[f"{what} {self.page.url}"] = self.failures.get(f"{what} {self.page.url}", []) + [
                    {"id": "sideways-scroll", "help": f"the page is {overflow}px wider than the phone"}]
        return path

    @staticmethod
    def _axe(page) -> dict:
        page.evaluate(AXE.read_text(encoding="utf-8"))  # through DevTools: the page's CSP does not apply
        return page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)

    def _axe_copy(self) -> dict:
        """axe needs scripts: a page seen without JavaScript is checked as a copy of its markup
        (same address, same styles) in a page where scripts run."""
        html = self.page.content()
        context = self.page.context.browser.new_context(locale="zh-CN", **(PHONE if self.phone else DESKTOP))
        try:
            copy = context.new_page()
            copy.route(self.page.url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
            copy.goto(self.page.url)
            return self._axe(copy)
        finally:
            context.close()

    def done(self) -> None:
        assert self.failures == {}, json.dumps(self.failures, ensure_ascii=False, indent=1)
        problems = [p for p in self.problems if not any(e in p for e in self.expected)]
        assert problems == [], problems


def follow(page, target) -> None:
    """Click a link or button that loads another page, and return once that page has loaded.

    A bare ``click()`` returns before the next page is there: ``page.content()``, ``count()``
    or ``is_visible()`` straight after it read the page being left, or an empty document (CI
    failed once on exactly that)."""
    with page.expect_navigation():  # waits for the new page's load event
        target.click()


@contextmanager
def person(browser, site: Site, username: str | None, *, phone: bool = False, name: str | None = None,
           javascript: bool = True):
    """A browser context for ``username`` (signed in; None: anonymous), phone or desktop."""
    context = browser.new_context(locale="zh-CN", java_script_enabled=javascript, **(PHONE if phone else DESKTOP))
    page = context.new_page()
    page.set_default_timeout(20_000)
    visit = Visit(page, name or f"{username or 'anonymous'}-{'phone' if phone else 'desktop'}", phone, javascript)
    page.on("console", lambda m: visit.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.problems.append(f"page error: {e}"))

    def on_dialog(dialog):
        visit.dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    if username:
        page.goto(site.url + "/login")
        page.locator("#username").fill(username)
        page.locator("#password").fill(PASSWORD)
        page.locator("#submit").click()
        page.wait_for_url(site.url + "/")
    try:
        yield visit
    finally:
        context.close()


__all__ = ["DESKTOP", "ISSUER", "PEOPLE", "PHONE", "SHOTS", "SIGNATORY", "Site", "Visit", "bundled_site", "follow", "person"]
