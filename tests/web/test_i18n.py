"""Languages: the catalogue is compiled automatically and complete for the platform's own
text; the locale follows ?lang=, the user's setting, then Accept-Language."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from kg import accounts
from tests.web.platform_fixtures import csrf_token
from web.i18n import TRANSLATIONS, compile_catalogs

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
#: The platform's own files (other areas keep their own catalogues and checks).
PLATFORM_FILES = ["security.py", "shell.py", "i18n.py", "forms.py", "errors.py", "auth", "admin",
                  "graph", "api", "main", "templates/base.html", "templates/macros.html", "templates/index.html",
                  "templates/errors", "templates/auth", "templates/admin", "templates/graph", "../kg/accounts"]
KEYWORDS = {"_": None, "_l": None, "N_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}


def platform_msgids() -> set[str]:
    ids = set()
    for name in PLATFORM_FILES:
        path = WEB / name
        for f in ([path] if path.is_file() else sorted(path.rglob("*"))):
            if f.suffix not in (".py", ".html"):
                continue
            method = "python" if f.suffix == ".py" else "jinja2"
            for _, msg, _, _ in extract_from_file(method, str(f), keywords=KEYWORDS,
                                                  options={"extensions": "jinja2.ext.i18n"}):
                ids.add(msg[0] if isinstance(msg, tuple) else msg)
    return ids


def test_every_platform_message_has_an_english_translation():
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = {m.id: m.string for m in read_po(f) if m.id}
    ids = platform_msgids()
    assert len(ids) > 150
    missing = sorted(i for i in ids if not catalog.get(i))
    assert missing == []


def test_the_build_step_compiles_every_po_file_of_a_language(tmp_path):
    source = tmp_path / "translations"
    (source / "en" / "LC_MESSAGES").mkdir(parents=True)
    po = source / "en" / "LC_MESSAGES" / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "首页"\nmsgstr "Home"\n',
                  encoding="utf-8")
    (source / "en" / "LC_MESSAGES" / "search.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "搜索"\nmsgstr "Search"\n',
        encoding="utf-8")
    assert compile_catalogs(source) == [source / "en" / "LC_MESSAGES" / "messages.mo"]
    from babel.support import Translations

    t = Translations.load(str(source), ["en"])
    assert t.gettext("首页") == "Home" and t.gettext("搜索") == "Search"

def test_language_switch_is_remembered(client):
    assert '<html lang="zh-CN">' in client.get("/login").get_data(as_text=True)
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page and 'href="/login?lang=zh"' in page
    assert "Sign in" in client.get("/login").get_data(as_text=True)  # kept in the session
    assert "登录" in client.get("/login?lang=zh").get_data(as_text=True)
    assert client.get("/login?lang=xx").status_code == 200


def test_accept_language_then_user_setting(app, seeded):
    from tests.web.platform_fixtures import login

    c = app.test_client()
    assert "Sign in" in c.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "登录" in c.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    accounts.update_profile(seeded, "trainee", locale="en")
    login(c, "trainee")
    page = c.get("/graph/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "Knowledge graph" in page


def test_error_pages_in_both_languages(as_user, client):
    trainee = as_user("trainee")
    assert "无权访问" in trainee.get("/admin/users").get_data(as_text=True)
    assert "Access denied" in trainee.get("/admin/users?lang=en").get_data(as_text=True)
    assert "Page not found" in trainee.get("/node/nope").get_data(as_text=True)
    assert "页面不存在" in client.get("/no/such/page").get_data(as_text=True)
    response = client.get("/no/such/page?lang=en")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)
    c = as_user("admin")
    token = csrf_token(c, "/account")
    response = c.post("/admin/users/new?lang=en", data={"csrf_token": token, "username": "Bad Name",
                                                          "password": "x", "confirm": "y", "roles": ["trainee"]})
    assert response.status_code == 400 and "A username is 2–40" in response.get_data(as_text=True)
