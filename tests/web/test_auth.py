"""Sign-in, sign-out, throttling, the account page, sessions, cookies and security headers."""

from __future__ import annotations

from tests.web.platform_fixtures import PASSWORD, csrf_token, login, make_app
from web import accounts, audit


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
    app = make_app(seeded, LOGIN_LIMIT_ACCOUNT=3, LOGIN_LIMIT_ADDRESS=5)
    client = app.test_client()
    for _ in range(3):
        assert login(client, "trainee", "wrong-password").status_code == 401
    response = login(client, "trainee")  # right password, but the account is locked for now
    assert response.status_code == 429 and "登录失败次数过多" in response.get_data(as_text=True)
    assert login(client, "reviewer", "wrong-password").status_code == 401
    assert login(client, "reviewer", "wrong-password").status_code == 401
    assert login(client, "admin").status_code == 429  # this address has used up its tries
    app.extensions["cem_login_throttle"].reset()
    assert login(app.test_client(), "trainee").status_code == 302


def test_throttle_window_slides():
    from web.security import LoginThrottle

    throttle = LoginThrottle(per_account=2, per_address=10, window=0.2)
    throttle.failed("u", "a")
    throttle.failed("u", "a")
    assert throttle.retry_after("u", "a") >= 1
    assert throttle.retry_after("v", "a") == 0
    import time

    time.sleep(0.25)
    assert throttle.retry_after("u", "a") == 0
    throttle.failed("u", "a")
    throttle.succeeded("u")
    assert throttle.retry_after("u", "a") == 0


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
    app = make_app(seeded, SELF_REGISTRATION=True)
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
    c = as_user("reviewer")
    page = c.post("/account/tokens", data={"csrf_token": csrf_token(c, "/account")}).get_data(as_text=True)
    import re

    token = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', page).group(1)
    assert client.get("/api/v1/nodes/hazard.rainstorm", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    # tokens work only for the API, never for pages
    assert client.get("/graph/", headers={"Authorization": f"Bearer {token}"}).status_code == 302
    c.post("/account/tokens/revoke", data={"csrf_token": csrf_token(c, "/account")})
    assert client.get("/api/v1/nodes/hazard.rainstorm", headers={"Authorization": f"Bearer {token}"}).status_code == 401


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


def test_secret_key_is_kept_in_the_data_dir(tmp_path, monkeypatch, store):
    from web.security import secret_key_from_data_dir

    monkeypatch.setenv("CEM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CEM_SECRET_KEY", raising=False)
    first = secret_key_from_data_dir()
    assert len(first) >= 32 and secret_key_from_data_dir() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    app = make_app(store, SECRET_KEY=None, TESTING=False)
    assert app.config["SECRET_KEY"] == first
