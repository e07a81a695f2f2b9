"""Browser tests: Debian's Chromium driven by Playwright against the app served by werkzeug on
127.0.0.1 (a thread of the test process).  Never `playwright install`: the browser is the
system's /usr/bin/chromium (`.ci/run` installs it).  Screenshots go to artifacts/browser/."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.web.platform_fixtures import fast_hasher, make_app, seed_graph, seed_users
from kg import accounts

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium (see .ci/run)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@contextmanager
def running(store):
    """The seeded app served on 127.0.0.1 (a free port) while the block runs; yields its URL."""
    seed_graph(store)
    seed_users(store)
    with running_app(store) as url:
        yield url


@contextmanager
def running_app(store):
    """The app on ``store`` as it is, served on 127.0.0.1 while the block runs; yields its URL."""
    app = make_app(store, TESTING=False, PROPAGATE_EXCEPTIONS=False)
    server, thread = serve(app)
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def live_app(store):
    """The app on each store (the `store` fixture is parametrized over embedded and Neo4j)."""
    with running(store) as url:
        yield url


@pytest.fixture
def embedded_live_app(tmp_path):
    """The app on the embedded store only (for checks that do not depend on the store)."""
    from kg.store.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "browser.kgl")
    store.init_schema()
    try:
        with running(store) as url:
            yield url
    finally:
        store.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context and page that records console errors and CSP violations."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(15_000)
    problems: list[str] = []
    p.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    p.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    p.problems = problems
    yield p
    context.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, base: str, username: str, password: str = "correct-horse-9") -> None:
    page.goto(base + "/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("#submit").click()
    page.wait_for_url(base + "/")
