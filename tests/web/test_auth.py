"""Sign-in, sign-out, throttling, the account page, sessions, cookies and security headers."""

from __future__ import annotations

import pytest

from kg import accounts, audit
from tests.web.platform_fixtures import PASSWORD, csrf_token, login, make_app


def test_sign_in_and_out(client, seeded):
    response = login(client, "trainee")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "trainee 用户" in page and "退出" in page
    token = csrf_token(client, "/account")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account").status_code == 302
    events, _ = audit.events(seeded, actor="user.trainee")
    assert {"auth.login", "auth.logout"} <= {e["action"] for e in events}
    assert all(e["remote_addr"] for e in events)


def test_wrong_password_and_disabled_account(client, seeded):
    response = login(client, "trainee", "wrong-password")
    assert response.status_code == 401 and "用户名或密码不正确" in response.get_data(as_text=True)
    accounts.disable(seeded, "reviewer")
    assert login(client, "reviewer").status_code == 401
    assert login(client, "no-such-user").status_code == 401
    events, _ = audit.events(seeded, action="auth.login_failed")
    assert len(events) == 3


def test_next_only_redirects_inside_the_site(client):
    token = csrf_token(client, "/login?next=/graph/")
    response = client.post("/login", data={"csrf_token": token, "username": "trainee", "password": PASSWORD,
                                           "next": "/graph/"})
    assert response.headers["Location"] == "/graph/"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    for evil in ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]:
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"csrf_token": token, "username": "trainee", "password": PASSWORD,
                                               "next": evil})
        assert response.headers["Location"] == "/", evil
        client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})


def test_anonymous_is_sent_to_sign_in_and_back(client):
    response = client.get("/graph/Hazard?q=rain")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/graph/Hazard?q%3Drain"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="/graph/Hazard?q=rain"' in page


def test_sign_in_is_throttled_per_account_and_per_address(seeded):
    """Tries are counted before the password is checked; a right password clears the account's
    count, not the address's."""
    app = make_app(seeded, login_limit_account=3, login_limit_address=6)
    client = app.test_client()
    for _ in range(3):
        assert login(client, "trainee", "wrong-password").status_code == 401
    response = login(client, "trainee")  # right password, but the account is locked for now
    assert response.status_code == 429 and "登录失败次数过多" in response.get_data(as_text=True)
    assert login(client, "reviewer", "wrong-password").status_code == 401
    assert login(client, "reviewer", "wrong-password").status_code == 401
    assert login(client, "admin").status_code == 429  # this address has used up its tries
    app.extensions["cem_limiter"].storage.reset()
    assert login(app.test_client(), "trainee").status_code == 302


def test_parallel_wrong_passwords_reach_the_password_check_at_most_the_limit(seeded, monkeypatch):
    import threading

    from kg.accounts import passwords

    app = make_app(seeded, login_limit_account=5, login_limit_address=1000)
    checks = []
    real_verify = passwords.verify
    monkeypatch.setattr(passwords, "verify", lambda h, p: checks.append(1) or real_verify(h, p))
    clients = [app.test_client() for _ in range(20)]
    tokens = [csrf_token(c, "/login") for c in clients]
    statuses, barrier = [], threading.Barrier(20)

    def attempt(c, token):
        barrier.wait()
        statuses.append(c.post("/login", data={"csrf_token": token, "username": "trainee",
                                               "password": "wrong-password"}).status_code)

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(clients, tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checks) <= 5, len(checks)
    assert statuses.count(401) == len(checks) and statuses.count(429) == 20 - len(checks)


def test_the_count_is_shared_by_every_worker(seeded):
    """Two apps on one store (two workers) share one count."""
    first, second = make_app(seeded, login_limit_account=3), make_app(seeded, login_limit_account=3)
    for _ in range(3):
        assert login(first.test_client(), "trainee", "wrong-password").status_code == 401
    assert login(second.test_client(), "trainee").status_code == 429


def test_behind_a_proxy_one_address_does_not_lock_out_the_others(seeded):
    app = make_app(seeded, trusted_proxies=1, login_limit_address=3, login_limit_account=1000)

    def try_from(address, username, password="wrong-password"):
        client = app.test_client()
        token = csrf_token(client, "/login")
        return client.post("/login", data={"csrf_token": token, "username": username, "password": password},
                           headers={"X-Forwarded-For": address}).status_code

    for _ in range(3):
        assert try_from("203.0.113.7", "trainee") == 401
    assert try_from("203.0.113.7", "reviewer") == 429
    assert try_from("198.51.100.20", "reviewer", PASSWORD) == 302  # another client behind the same proxy


def test_rate_counters_start_a_new_window(seeded):
    from kg.ratelimit import GraphStoreStorage

    clock = [1000.0]
    storage = GraphStoreStorage(store=seeded, clock=lambda: clock[0])
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and storage.get_expiry("k") == 1060.0
    clock[0] = 1061.0
    assert storage.get("k") == 0 and storage.incr("k", 60) == 1
    storage.clear("k")
    assert storage.get("k") == 0
    assert storage.check()


def test_password_change_ends_other_sessions(app, as_user):
    first, second = as_user("trainee"), as_user("trainee")
    token = csrf_token(first, "/account")
    response = first.post("/account/password", data={"csrf_token": token, "current": PASSWORD,
                                                      "password": "new-password-1", "confirm": "new-password-1"})
    assert response.status_code == 302
    assert first.get("/account").status_code == 200
    assert second.get("/account").status_code == 302  # signed out by the change
    response = first.post("/account/password", data={"csrf_token": csrf_token(first, "/account"),
                                                      "current": "wrong", "password": "x" * 8, "confirm": "y" * 8})
    assert response.status_code == 400
    assert login(app.test_client(), "trainee", "new-password-1").status_code == 302


def test_profile_sets_name_and_language(as_user, seeded):
    c = as_user("trainee")
    response = c.post("/account/profile", data={"csrf_token": csrf_token(c, "/account"),
                                                "display_name": "<b>小王</b>", "locale": "en"})
    assert response.status_code == 302
    page = c.get("/account").get_data(as_text=True)
    assert "&lt;b&gt;小王&lt;/b&gt;" in page and "<b>小王</b>" not in page
    assert "My account" in page  # the page is now in English
    assert accounts.get_user(seeded, "trainee").locale == "en"
    response = c.post("/account/profile", data={"csrf_token": csrf_token(c, "/account"),
                                                "display_name": "x", "locale": "fr"})
    assert response.status_code == 400


def test_self_registration_only_when_enabled(seeded):
    closed = make_app(seeded).test_client()
    assert closed.get("/register").status_code == 404
    app = make_app(seeded, self_registration=True)
    c = app.test_client()
    token = csrf_token(c, "/register")
    response = c.post("/register", data={"csrf_token": token, "username": "newbie", "display_name": "新学员",
                                         "password": "password-123", "confirm": "password-123"})
    assert response.status_code == 302
    assert accounts.get_user(seeded, "newbie").roles == ("trainee",)
    c2 = app.test_client()
    response = c2.post("/register", data={"csrf_token": csrf_token(c2, "/register"), "username": "newbie",
                                          "password": "password-123", "confirm": "password-123"})
    assert response.status_code == 400 and "已被使用" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(app, as_user, seeded):
    c = app.test_client()
    response = c.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400 and "安全令牌" in response.get_data(as_text=True)
    admin = as_user("admin")
    response = admin.post("/admin/users/trainee/active", data={"active": ""})
    assert response.status_code == 400
    assert accounts.get_user(seeded, "trainee").active


def test_api_tokens_from_the_account_page(as_user, client):
    import re

    c = as_user("reviewer")
    issued = []
    for name in ("夜间导出", "dashboard"):
        page = c.post("/account/tokens", data={"csrf_token": csrf_token(c, "/account"), "name": name,
                                               "days": "30"}).get_data(as_text=True)
        issued.append(re.search(r'id="new-token" type="text" readonly value="([^"]+)"', page).group(1))
        assert 'data-copy="#new-token"' in page and name in page
    first, second = issued

    def api(token):
        return client.get("/api/v1/nodes/hazard.rainstorm", headers={"Authorization": f"Bearer {token}"}).status_code

    assert api(first) == 200 and api(second) == 200
    # tokens work only for the API, never for pages
    assert client.get("/graph/", headers={"Authorization": f"Bearer {first}"}).status_code == 302
    page = c.get("/account").get_data(as_text=True)
    token_id = "token." + first.split(".", 1)[0].removeprefix("cem_")
    assert f'value="{token_id}"' in page and first.split(".", 1)[1] not in page  # the secret is never shown again
    c.post("/account/tokens/revoke", data={"csrf_token": csrf_token(c, "/account"), "token": token_id})
    assert api(first) == 401 and api(second) == 200  # one at a time
    assert c.post("/account/tokens", data={"csrf_token": csrf_token(c, "/account"), "name": "",
                                           "days": "30"}).status_code == 400
    c.post("/account/tokens/revoke-all", data={"csrf_token": csrf_token(c, "/account")})
    assert api(second) == 401


def test_security_headers_and_cookie_flags(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    response = login(client, "trainee")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/account").headers["Cache-Control"] == "no-store"
    https = client.get("/login", base_url="https://localhost")
    assert "Strict-Transport-Security" in https.headers


def test_session_cookie_is_secure_over_https(app):
    c = app.test_client()
    page = c.get("/login", base_url="https://localhost").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = c.post("/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"},
                      data={"csrf_token": token, "username": "trainee", "password": PASSWORD})
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_secret_key_is_kept_in_the_data_dir(tmp_path, store):
    from kg.settings import Settings, SettingsError, secret_key

    settings = Settings.of(data_dir=tmp_path / "data")
    first = secret_key(settings)
    assert len(first) >= 32 and secret_key(settings) == first
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0
    assert (tmp_path / "data").stat().st_mode & 0o077 == 0
    from web import create_app

    assert create_app(settings, store=store).config["SECRET_KEY"] == first
    (tmp_path / "data" / "secret_key").write_text("too-short")
    with pytest.raises(SettingsError, match="at least 32"):
        create_app(settings, store=store)


def test_sign_out_ends_the_session_on_the_server(app, seeded):
    """A copy of the session cookie taken before sign-out no longer signs anybody in."""
    browser = app.test_client()
    assert login(browser, "trainee").status_code == 302
    cookie = browser.get_cookie("cem_session").value
    assert browser.get("/account").status_code == 200
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/account")})
    thief = app.test_client()
    thief.set_cookie("cem_session", cookie)
    assert thief.get("/account").status_code == 302  # sent to sign in
    assert seeded.run_read("accounts_sessions_of_user_count", user="user.trainee")[0]["n"] == 0


def test_sessions_expire_with_the_session_lifetime(seeded):
    from curricula.clock import FixedClock

    clock = FixedClock("2026-01-01T08:00:00Z")
    app = make_app(seeded, clock=clock, session_hours=1)
    browser = app.test_client()
    assert login(browser, "trainee").status_code == 302
    assert browser.get("/account").status_code == 200
    clock.advance(minutes=61)
    assert browser.get("/account").status_code == 302
