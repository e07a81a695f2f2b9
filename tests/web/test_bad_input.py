"""Bad input never gives a 500 and never corrupts data: over-long fields, wrong types, HTML and
script in text, missing CSRF tokens, unknown ids — and hypothesis throws random data at every
form the app shows (found by reading the pages, so each area's forms are covered too)."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import accounts
from tests.web.platform_fixtures import csrf_token, login, make_app

SCRIPT = "<script>alert('x')</script>"
#: Pages to read forms from, beyond every GET route without arguments.
PAGES = ["/admin/users/trainee", "/node/hazard.rainstorm", "/graph/Hazard", "/community/community.a"]
SKIP_ACTIONS = {"/logout"}


class FormFinder(HTMLParser):
    """The forms of a page: action, method and fields (name -> list of offered values)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            values = self._form["fields"].setdefault(a["name"], [])
            if tag == "select":
                self._select = values
            elif a.get("value") is not None and a.get("type") in ("checkbox", "radio", "hidden", "submit"):
                values.append(a["value"])
        elif tag == "option" and self._select is not None:
            self._select.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def find_forms(client, urls) -> dict[str, dict]:
    forms = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        finder = FormFinder()
        finder.feed(response.get_data(as_text=True))
        for form in finder.forms:
            action = form["action"].split("?")[0] or url
            if action not in SKIP_ACTIONS:
                forms.setdefault((form["method"], action), form)
    return forms


def get_pages(app) -> list[str]:
    pages = [r.rule for r in app.url_map.iter_rules()
             if "GET" in r.methods and not r.arguments and not r.rule.startswith(("/api/", "/static"))]
    return sorted(set(pages + PAGES))


nasty_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from([SCRIPT, "x" * 5000, "", " ", "\x00\x01", "'; MATCH (n) DETACH DELETE n //", "１２３",
                     "user.admin", "../../etc/passwd", "%s%n", "{{7*7}}", "-1", "99999999999999999999", "true"]),
)


@st.composite
def form_data(draw, fields: dict):
    data = {}
    for name, offered in fields.items():
        if name == "csrf_token" or draw(st.integers(0, 9)) == 0:
            continue  # sometimes a field is missing
        choices = [v for v in offered if v]
        value = draw(st.one_of(nasty_text, st.sampled_from(choices)) if choices else nasty_text)
        if draw(st.integers(0, 7)) == 0:
            value = [value, draw(nasty_text)]  # a field sent twice (a list where one value is expected)
        data[name] = value
    return data


def test_random_data_at_every_form(seeded):
    app = make_app(seeded, self_registration=True, login_limit_account=10_000, login_limit_address=10_000)
    admin = app.test_client()
    assert login(admin, "admin").status_code == 302
    anonymous = app.test_client()
    forms = find_forms(admin, get_pages(app))
    forms.update(find_forms(anonymous, ["/login", "/register"]))
    posts = {action for method, action in forms if method == "post"}
    assert {"/login", "/register", "/account/profile", "/account/password", "/admin/users/new",
            "/admin/users/trainee/roles", "/admin/users/trainee/password"} <= posts
    for (method, action), form in sorted(forms.items()):
        client = anonymous if action in ("/login", "/register") else admin
        random_data_check(client, method, action, form["fields"], signed_in=client is not anonymous)()
        assert admin.get("/account").status_code == 200, f"{action} signed the admin out"
    assert accounts.get_user(seeded, "admin").active


def random_data_check(client, method: str, action: str, fields, *, signed_in: bool):
    """A Hypothesis test of one form: random data never gives a server error or unescaped input."""

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=form_data(fields))
    def attempt(data):
        if method == "post":
            data = dict(data, csrf_token=csrf_token(client, "/account" if signed_in else "/login"))
            response = client.post(action, data=data)
        else:
            response = client.get(action, query_string=data)
        assert response.status_code < 500, (method, action, data)
        if response.mimetype == "text/html":
            assert SCRIPT not in response.get_data(as_text=True), (action, "unescaped input")

    return attempt


def test_over_long_and_wrong_typed_fields(as_user, seeded):
    admin = as_user("admin")
    token = csrf_token(admin, "/account")
    for data in [{"username": "a" * 10_000, "password": "p" * 10_000, "confirm": "p" * 10_000, "roles": "trainee"},
                 {"username": ["a", "b"], "password": "password-1", "confirm": "password-1", "roles": "nope"},
                 {"username": "ok-name", "password": "password-1", "confirm": "password-1", "roles": "trainee",
                  "locale": "klingon"},
                 {"username": "ok-name", "display_name": "n" * 500, "password": "password-1", "confirm": "password-1",
                  "roles": "trainee"}]:
        response = admin.post("/admin/users/new", data=dict(data, csrf_token=token))
        assert response.status_code == 400, data
    assert accounts.get_user(seeded, "ok-name") is None
    response = admin.post("/admin/users/trainee/active", data={"csrf_token": token, "active": SCRIPT})
    assert response.status_code == 302  # any non-empty checkbox value means "on"
    response = admin.post("/account/profile", json={"display_name": "x"})
    assert response.status_code == 400
    response = admin.post("/account/profile", data={"csrf_token": token, "display_name": "x" * (17 * 1024 * 1024)})
    assert response.status_code == 413


def test_script_in_stored_text_is_escaped_everywhere(as_user, seeded):
    seeded.upsert_nodes("Hazard", [{"id": "hazard.xss", "properties": {
        "name": SCRIPT, "name_en": SCRIPT, "category": SCRIPT, "description": f'"><img src=x onerror=alert(1)>{SCRIPT}'}}])
    seeded.upsert_relationships([{"type": "TRIGGERS", "start": "hazard.xss", "end": "hazard.fire",
                                  "properties": {"locator": SCRIPT}}])
    accounts.update_profile(seeded, "trainee", display_name=SCRIPT)
    admin = as_user("admin")
    trainee = as_user("trainee")
    for client, url in [(trainee, "/node/hazard.xss"), (trainee, "/node/hazard.fire"), (trainee, "/graph/Hazard"),
                        (trainee, "/graph/Hazard?value=" + SCRIPT), (trainee, "/graph/Hazard?q=" + SCRIPT),
                        (trainee, "/"), (trainee, "/account"), (admin, "/admin/users"), (admin, "/admin/users/trainee"),
                        (trainee, "/node/hazard.xss?lang=en")]:
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert SCRIPT not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;" in page, url
    data = trainee.get("/node/hazard.xss/neighbourhood.json").get_json()
    assert any(n["data"]["name"] == SCRIPT for n in data["elements"]["nodes"])  # JSON is data; the view sets text


def test_writes_with_bad_input_change_nothing(as_user, seeded):
    before = accounts.get_user(seeded, "trainee")
    admin = as_user("admin")
    token = csrf_token(admin, "/account")
    admin.post("/admin/users/trainee/roles", data={"csrf_token": token, "roles": ["community"], "community": "nope"})
    admin.post("/admin/users/trainee/roles", data={"csrf_token": token, "roles": ["community"],
                                                   "community": "community.zzz"})
    admin.post("/admin/users/trainee/password", data={"csrf_token": token, "password": "short", "confirm": "short"})
    after = accounts.get_user(seeded, "trainee")
    assert after == before
