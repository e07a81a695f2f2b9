"""Accounts (kg.accounts) on both stores: create, authenticate, roles, passwords, tokens."""

from __future__ import annotations

from datetime import UTC

import pytest

from kg import accounts
from kg.accounts import AccountError, passwords, tokens


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
    assert updated.community is None and not store.get_node("user.cw")["properties"].get("community")
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


def test_api_tokens_are_named_stored_hashed_and_expire(communities):
    from datetime import datetime, timedelta

    store = communities
    accounts.create_user(store, "bot", "password-1")
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    token, info = tokens.issue(store, "bot", "nightly export", days=30, now=t0)
    secret = token.split(".", 1)[1]
    assert token.startswith("cem_") and info.name == "nightly export"
    assert secret not in str(store.get_node(info.id)) and secret not in str(store.get_node("user.bot"))
    assert tokens.account_for_token(store, token, now=t0).username == "bot"
    assert tokens.account_for_token(store, token, now=t0 + timedelta(days=29)) is not None
    assert tokens.account_for_token(store, token, now=t0 + timedelta(days=30)) is None  # expired
    for bad in [token + "x", token[:-1], "bot:abc", "cem_", "x" * 500, None, 42, token.replace("cem_", "xyz_")]:
        assert tokens.account_for_token(store, bad, now=t0) is None
    with pytest.raises(AccountError, match="名称"):
        tokens.issue(store, "bot", " ", now=t0)
    with pytest.raises(AccountError, match="有效期"):
        tokens.issue(store, "bot", "x", days=7, now=t0)


def test_tokens_are_revoked_one_at_a_time_and_only_by_their_owner(communities):
    store = communities
    accounts.create_user(store, "bot", "password-1")
    accounts.create_user(store, "eve", "password-1")
    first, a = tokens.issue(store, "bot", "first")
    second, _second_info = tokens.issue(store, "bot", "second")
    assert {t.name for t in tokens.list_tokens(store, "bot")} == {"first", "second"}
    with pytest.raises(AccountError):
        tokens.revoke(store, "eve", a.id)  # not hers
    tokens.revoke(store, "bot", a.id)
    assert tokens.account_for_token(store, first) is None and tokens.account_for_token(store, second) is not None
    assert [t.name for t in tokens.list_tokens(store, "bot")] == ["second"]


def test_at_most_max_tokens_are_kept(communities):
    from datetime import datetime, timedelta

    store = communities
    accounts.create_user(store, "bot", "password-1")
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    issued = [tokens.issue(store, "bot", f"t{i}", now=t0 + timedelta(seconds=i))[0] for i in range(tokens.MAX_TOKENS + 1)]
    assert len(tokens.list_tokens(store, "bot")) == tokens.MAX_TOKENS
    assert tokens.account_for_token(store, issued[0], now=t0) is None  # the oldest went
    assert tokens.account_for_token(store, issued[-1], now=t0 + timedelta(minutes=1)) is not None


@pytest.mark.parametrize("change", ["own password", "admin reset", "disable", "enable"])
def test_tokens_end_with_a_password_change_a_reset_a_disable_and_an_enable(communities, change):
    store = communities
    accounts.create_user(store, "bot", "password-1")
    accounts.create_user(store, "root", "password-1", roles=["admin"])
    if change == "enable":
        accounts.disable(store, "bot")
    token, _info = tokens.issue(store, "bot", "job")
    if change == "own password":
        accounts.change_password(store, "bot", "password-1", "password-2")
    elif change == "admin reset":
        accounts.set_password(store, "bot", "password-3")
    elif change == "disable":
        accounts.disable(store, "bot")
    else:
        accounts.enable(store, "bot")
    assert tokens.account_for_token(store, token) is None
    assert tokens.list_tokens(store, "bot") == []


def test_profile_and_rehash(communities):
    store = communities
    accounts.create_user(store, "eve", "password-1")
    assert accounts.update_profile(store, "eve", display_name="  伊芙 ", locale="en").display_name == "伊芙"
    with pytest.raises(AccountError):
        accounts.update_profile(store, "eve", locale="fr")
    old_hash = accounts.get_user(store, "eve").password_hash
    from argon2 import PasswordHasher

    previous = passwords.use_hasher(PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1))
    try:
        assert accounts.authenticate(store, "eve", "password-1") is not None
    finally:
        passwords.use_hasher(previous)
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
