"""The admin pages: create accounts, change roles, disable, reset passwords; everything audited."""

from __future__ import annotations

from kg import accounts, audit
from tests.web.platform_fixtures import PASSWORD, csrf_token, login


def test_admin_creates_a_user_and_it_is_audited(as_user, seeded, app):
    admin = as_user("admin")
    token = csrf_token(admin, "/admin/users/new")
    response = admin.post("/admin/users/new", data={
        "csrf_token": token, "username": "xiaoli", "display_name": "小李", "password": "password-123",
        "confirm": "password-123", "roles": ["trainee", "community"], "community": "community.b", "locale": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users/xiaoli"
    account = accounts.get_user(seeded, "xiaoli")
    assert account.roles == ("trainee", "community") and account.community == "community.b"
    assert "xiaoli" in admin.get("/admin/users").get_data(as_text=True)
    events, total = audit.events(seeded, action="user.create")
    assert total == 1 and events[0]["actor"] == "user.admin" and events[0]["target"] == "user.xiaoli"
    log = admin.get("/admin/audit?action=user.create").get_data(as_text=True)
    assert "user.xiaoli" in log and "共 1 条记录" in log
    assert login(app.test_client(), "xiaoli", "password-123").status_code == 302


def test_create_form_errors(as_user, seeded):
    admin = as_user("admin")
    cases = [
        {"username": "trainee", "password": "password-123", "confirm": "password-123", "roles": ["trainee"]},
        {"username": "new1", "password": "password-123", "confirm": "password-124", "roles": ["trainee"]},
        {"username": "new2", "password": "password-123", "confirm": "password-123", "roles": []},
        {"username": "new3", "password": "password-123", "confirm": "password-123", "roles": ["community"]},
        {"username": "new4", "password": "password-123", "confirm": "password-123", "roles": ["root"]},
        {"username": "new5", "password": "password-123", "confirm": "password-123", "roles": ["trainee"],
         "community": "community.zzz"},
    ]
    for data in cases:
        response = admin.post("/admin/users/new", data=dict(data, csrf_token=csrf_token(admin, "/admin/users/new")))
        assert response.status_code == 400, data
        assert 'class="field-error"' in response.get_data(as_text=True) or 'class="form-error"' in \
            response.get_data(as_text=True)
    assert {u.username for u in accounts.list_users(seeded)} == {"admin", "trainee", "reviewer", "instructor",
                                                                "comm-a", "comm-b"}


def test_roles_disable_and_password_reset(as_user, seeded, app):
    admin = as_user("admin")
    victim = as_user("trainee")
    token = csrf_token(admin, "/admin/users/trainee")
    assert victim.get("/node/question.q1").status_code == 404  # quiz keys: instructors and admins
    assert admin.post("/admin/users/trainee/roles", data={"csrf_token": token, "roles": ["instructor"],
                                                          "community": ""}).status_code == 302
    assert accounts.get_user(seeded, "trainee").roles == ("instructor",)
    assert victim.get("/node/question.q1").status_code == 200  # the new role applies at once
    assert admin.post("/admin/users/trainee/active", data={"csrf_token": token}).status_code == 302
    assert not accounts.get_user(seeded, "trainee").active
    assert victim.get("/account").status_code == 302  # signed out
    assert login(app.test_client(), "trainee").status_code == 401
    assert admin.post("/admin/users/trainee/active", data={"csrf_token": token, "active": "y"}).status_code == 302
    assert admin.post("/admin/users/trainee/password", data={"csrf_token": token, "password": "brand-new-pw",
                                                             "confirm": "brand-new-pw"}).status_code == 302
    assert login(app.test_client(), "trainee", PASSWORD).status_code == 401
    assert login(app.test_client(), "trainee", "brand-new-pw").status_code == 302
    actions = [e["action"] for e in audit.events(seeded, actor="user.admin")[0]]
    assert {"user.set_roles", "user.disable", "user.enable", "user.password_reset"} <= set(actions)


def test_the_last_admin_cannot_lock_everyone_out(as_user, seeded):
    admin = as_user("admin")
    token = csrf_token(admin, "/admin/users/admin")
    response = admin.post("/admin/users/admin/active", data={"csrf_token": token})
    assert response.status_code == 400 and "最后一位管理员" in response.get_data(as_text=True)
    response = admin.post("/admin/users/admin/roles", data={"csrf_token": token, "roles": ["trainee"]})
    assert response.status_code == 400
    assert accounts.get_user(seeded, "admin").active and accounts.get_user(seeded, "admin").has_role("admin")


def test_unknown_user_pages_are_404(as_user):
    admin = as_user("admin")
    token = csrf_token(admin, "/account")
    assert admin.get("/admin/users/nobody").status_code == 404
    assert admin.post("/admin/users/nobody/roles", data={"csrf_token": token, "roles": ["trainee"]}).status_code == 404
    assert admin.get("/admin/users/" + "x" * 300).status_code == 404


def test_audit_log_filters_and_pages(as_user, seeded):
    for i in range(60):
        audit.record_event(seeded, "cli", "test.bulk", f"x.{i}", remote="cli")
    admin = as_user("admin")
    page = admin.get("/admin/audit?action=test.bulk").get_data(as_text=True)
    assert "共 60 条记录" in page and page.count("<code>test.bulk</code>") == 50 and "第 1 / 2 页" in page
    assert admin.get("/admin/audit?action=<script>").status_code == 400
    assert admin.get("/admin/audit?page=abc").status_code == 400
