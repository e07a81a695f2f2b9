"""First-run set-up (one-time token, hashed in the store) and request ids in the logs and on the
500 page — both stores."""

from __future__ import annotations

import io
import logging
import re
import threading

from kg import accounts
from kg.ops import setup as first_run
from tests.web.platform_fixtures import CSRF_RE, PASSWORD, login, make_app, seed_graph
from web.requestlog import ACCESS_LOGGER, configure_logging


def _form(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return CSRF_RE.search(response.get_data(as_text=True)).group(1)


def test_the_setup_url_creates_the_first_admin_once(store):
    seed_graph(store)
    app = make_app(store)
    token = first_run.issue(store)
    stored = store.get_node(first_run.TOKEN_ID)["properties"]
    assert token not in str(stored) and len(stored["token_hash"]) == 64  # only the hash is kept
    client = app.test_client()
    assert client.get("/setup/" + "x" * 32).status_code == 404
    csrf = _form(client, f"/setup/{token}")
    bad = client.post(f"/setup/{token}", data={"csrf_token": csrf, "username": "boss", "password": PASSWORD,
                                               "confirm": "other-password-1"})
    assert bad.status_code == 400 and accounts.count_admins(store) == 0
    no_csrf = client.post(f"/setup/{token}", data={"username": "boss", "password": PASSWORD, "confirm": PASSWORD})
    assert no_csrf.status_code == 400 and accounts.count_admins(store) == 0
    done = client.post(f"/setup/{token}", data={"csrf_token": csrf, "username": "boss", "display_name": "主任",
                                                "password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 302, done.get_data(as_text=True)[:300]
    admin = accounts.get_user(store, "boss")
    assert admin is not None and admin.roles == ("admin",) and admin.display_name == "主任"
    assert client.get("/admin/users").status_code == 200  # signed in as the new admin
    assert store.get_node(first_run.TOKEN_ID) is None
    again = app.test_client()
    assert again.get(f"/setup/{token}").status_code == 404
    assert login(again, "boss").status_code == 302


def test_a_token_is_refused_once_an_admin_exists_another_way(store):
    app = make_app(store)
    token = first_run.issue(store)
    assert app.test_client().get(f"/setup/{token}").status_code == 200
    accounts.create_user(store, "scripted", PASSWORD, roles=("admin",))  # `cem user add --role admin`
    assert app.test_client().get(f"/setup/{token}").status_code == 404


def test_two_requests_with_the_token_make_one_admin(store):
    app = make_app(store)
    token = first_run.issue(store)
    results = []

    def submit(name):
        client = app.test_client()
        csrf = _form(client, f"/setup/{token}")
        barrier.wait()
        results.append(client.post(f"/setup/{token}", data={"csrf_token": csrf, "username": name,
                                                            "password": PASSWORD, "confirm": PASSWORD}).status_code)

    barrier = threading.Barrier(4)
    threads = [threading.Thread(target=submit, args=(f"first{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [302, 404, 404, 404]
    assert accounts.count_admins(store) == 1


def test_a_wrong_username_gives_the_token_back(store):
    app = make_app(store)
    accounts.create_user(store, "taken", PASSWORD, roles=("trainee",))
    token = first_run.issue(store)
    client = app.test_client()
    csrf = _form(client, f"/setup/{token}")
    response = client.post(f"/setup/{token}", data={"csrf_token": csrf, "username": "taken", "password": PASSWORD,
                                                    "confirm": PASSWORD})
    assert response.status_code == 400 and "taken" in response.get_data(as_text=True)
    assert first_run.is_valid(store, token)  # still usable with another name
    ok = client.post(f"/setup/{token}", data={"csrf_token": csrf, "username": "chief", "password": PASSWORD,
                                              "confirm": PASSWORD})
    assert ok.status_code == 302 and accounts.count_admins(store) == 1


def test_every_log_line_of_a_request_carries_its_id_and_the_500_page_shows_it(store):
    seed_graph(store)
    app = make_app(store, TESTING=False)

    @app.get("/boom-for-test")
    def boom():
        logging.getLogger("web.test").warning("about to fail")
        raise RuntimeError("kaput")

    boom.cem_access = ("public",)
    out = io.StringIO()
    configure_logging("INFO", stream=out)
    try:
        response = app.test_client().get("/boom-for-test", headers={"X-Request-ID": "abcdefgh12345678"})
        ok = app.test_client().get("/healthz?x=1", headers={"User-Agent": "probe/1"})
        response.close()
        ok.close()  # the access line is written when the server closes the response
    finally:
        configure_logging("WARNING", stream=io.StringIO())
    assert response.status_code == 500 and ok.status_code == 200
    rid = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", rid) and rid != "abcdefgh12345678"  # no trusted proxy: not taken over
    assert rid in response.get_data(as_text=True)  # quoted on the 500 page
    lines = out.getvalue().splitlines()
    mine = [line for line in lines if f"[{rid}]" in line or f"rid={rid}" in line]
    assert any("[WARNING]" in line and "about to fail" in line for line in mine), lines
    assert any("[ERROR]" in line and "unexpected error on /boom-for-test" in line for line in mine), lines
    access = [line for line in lines if '"GET /healthz?x=1 HTTP/1.1" 200' in line]
    assert len(access) == 1 and '"probe/1"' in access[0] and f"rid={ok.headers['X-Request-ID']}" in access[0]
    assert re.match(r'^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET ', access[0])
    assert logging.getLogger(ACCESS_LOGGER).propagate is False


def test_a_trusted_proxy_may_name_the_request_id_and_the_setup_token_is_not_logged(store):
    app = make_app(store, trusted_proxies=1)
    out = io.StringIO()
    configure_logging("INFO", stream=out)
    try:
        token = first_run.issue(store)
        response = app.test_client().get("/healthz", headers={"X-Request-ID": "proxy-id-0001"})
        response.close()
        app.test_client().get(f"/setup/{token}", headers={"Referer": f"http://localhost/setup/{token}"}).close()
    finally:
        configure_logging("WARNING", stream=io.StringIO())
    assert response.headers["X-Request-ID"] == "proxy-id-0001"
    assert "rid=proxy-id-0001" in out.getvalue()
    assert token not in out.getvalue() and "GET /setup/… HTTP/1.1" in out.getvalue()
    assert '"http://localhost/setup/…"' in out.getvalue()  # nor in the referring URL
