"""The account service (web.accounts) on both stores."""

from __future__ import annotations

import pytest

from web import accounts
from web.accounts import AccountError


@pytest.fixture
def communities(store):
    store.upsert_nodes("Community", [{"id": "community.a", "properties": {"name": "甲社区"}}])
    return store


def test_create_and_authenticate(communities):
    store = communities
    a = accounts.create_user(store, "alice", "password-1", roles=["admin", "trainee"], display_name="爱丽丝")
    assert a.id == "user.alice" and a.roles == ("trainee", "admin") and a.active
    node = store.get_node("user.alice")
    assert node["label"] == "User" and node["properties"]["password_hash"].startswith("$argon2id$")
    assert "password-1" not in str(node)
    assert accounts.authenticate(store, "alice", "password-1").username == "alice"
    assert accounts.authenticate(store, "alice", "password-2") is None
    assert accounts.authenticate(store, "nobody", "password-1") is None
    assert accounts.authenticate(store, "ALICE'--", "password-1") is None


def test_username_taken_and_bad_input_write_nothing(communities):
    store = communities
    accounts.create_user(store, "alice", "password-1")
    with pytest.raises(AccountError, match="已被使用"):
        accounts.create_user(store, "alice", "password-2")
    for bad in ["A", "x", "has space", "<script>", "a" * 41, "", "用户"]:
        with pytest.raises(AccountError):
            accounts.create_user(store, bad, "password-1")
    with pytest.raises(AccountError, match="密码"):
        accounts.create_user(store, "bob", "short")
    with pytest.raises(AccountError, match="密码"):
        accounts.create_user(store, "bob", "x" * 129)
    with pytest.raises(AccountError, match="未知角色"):
        accounts.create_user(store, "bob", "password-1", roles=["root"])
    with pytest.raises(AccountError, match="社区"):
        accounts.create_user(store, "bob", "password-1", roles=["community"])
    with pytest.raises(AccountError, match="社区不存在"):
        accounts.create_user(store, "bob", "password-1", roles=["community"], community="community.zzz")
    assert [u.username for u in accounts.list_users(store)] == ["alice"]


def test_community_link_follows_the_role(communities):
    store = communities
    accounts.create_user(store, "cw", "password-1", roles=["community"], community="community.a")
    assert [(n["id"], n["path"][0]["type"]) for n in store.neighbours("user.cw")] == [("community.a", "BELONGS_TO")]
    updated = accounts.set_roles(store, "cw", ["trainee"])
    assert updated.community is None and "community" not in store.get_node("user.cw")["properties"]
    assert store.neighbours("user.cw") == []


def test_last_admin_is_kept(communities):
    store = communities
    accounts.create_user(store, "root", "password-1", roles=["admin"])
    with pytest.raises(AccountError, match="最后一位管理员"):
        accounts.set_roles(store, "root", ["trainee"])
    with pytest.raises(AccountError, match="最后一位管理员"):
        accounts.disable(store, "root")
    accounts.create_user(store, "root2", "password-1", roles=["admin"])
    assert accounts.disable(store, "root").active is False
    assert accounts.count_admins(store) == 1


def test_disable_and_password_change_bump_the_session_version(communities):
    store = communities
    a = accounts.create_user(store, "bob", "password-1")
    b = accounts.set_password(store, "bob", "password-2")
    assert b.auth_version == a.auth_version + 1
    assert accounts.authenticate(store, "bob", "password-1") is None
    assert accounts.authenticate(store, "bob", "password-2") is not None
    with pytest.raises(AccountError, match="当前密码"):
        accounts.change_password(store, "bob", "wrong-password", "password-3")
    c = accounts.disable(store, "bob")
    assert c.auth_version == b.auth_version + 1
    assert accounts.authenticate(store, "bob", "password-2") is None
    assert accounts.enable(store, "bob").active


def test_api_tokens_are_stored_hashed(communities):
    store = communities
    accounts.create_user(store, "bot", "password-1")
    token = accounts.issue_token(store, "bot")
    assert token.startswith("bot:") and token.split(":", 1)[1] not in str(store.get_node("user.bot"))
    assert accounts.user_for_token(store, token).username == "bot"
    for bad in [token + "x", "bot:", ":" + token, "nobody:abc", "x" * 500, None, 42]:
        assert accounts.user_for_token(store, bad) is None
    tokens = [accounts.issue_token(store, "bot") for _ in range(accounts.MAX_TOKENS)]
    assert accounts.user_for_token(store, token) is None  # the oldest was dropped
    assert accounts.user_for_token(store, tokens[-1]) is not None
    accounts.disable(store, "bot")
    assert accounts.user_for_token(store, tokens[-1]) is None
    accounts.enable(store, "bot")
    accounts.revoke_tokens(store, "bot")
    assert accounts.user_for_token(store, tokens[-1]) is None


def test_profile_and_rehash(communities, monkeypatch):
    store = communities
    accounts.create_user(store, "eve", "password-1")
    assert accounts.update_profile(store, "eve", display_name="  伊芙 ", locale="en").display_name == "伊芙"
    with pytest.raises(AccountError):
        accounts.update_profile(store, "eve", locale="fr")
    old_hash = accounts.get_user(store, "eve").password_hash
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1))
    assert accounts.authenticate(store, "eve", "password-1") is not None
    new_hash = accounts.get_user(store, "eve").password_hash
    assert new_hash != old_hash and "t=2" in new_hash


def test_organization_link(communities):
    store = communities
    store.upsert_nodes("Organization", [{"id": "org.street", "properties": {"name": "某街道办事处", "name_en": "Street office"}}])
    a = accounts.create_user(store, "staff", "password-1", roles=["reviewer"], organization="org.street")
    assert a.organization == "org.street"
    assert [(n["id"], n["path"][0]["type"]) for n in store.neighbours("user.staff")] == [("org.street", "MEMBER_OF")]
    with pytest.raises(AccountError, match="组织不存在"):
        accounts.set_organization(store, "staff", "community.a")  # not an Organization
    assert accounts.set_organization(store, "staff", None).organization is None
    assert store.neighbours("user.staff") == []
