"""`cem user add/list/set-role/set-password/disable/enable` on both stores."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kg.cli import main


def run(env, *args, input=None):
    return CliRunner().invoke(main, ["user", *args], env=env, input=input, catch_exceptions=False)


def test_user_commands(store_env):
    result = run(store_env, "list")
    assert result.exit_code == 0 and "no accounts" in result.output
    result = run(store_env, "add", "root", "--role", "admin", "--name", "管理员", "--password-stdin",
                 input="root-password-1\n")
    assert result.exit_code == 0, result.output
    assert "created root (admin)" in result.output
    result = run(store_env, "add", "bob", input="bob-password-1\nbob-password-1\n")
    assert result.exit_code == 0, result.output
    listed = json.loads(run(store_env, "list", "--json").output)
    assert [(u["username"], u["roles"], u["active"]) for u in listed] == [("bob", ["trainee"], True),
                                                                          ("root", ["admin"], True)]
    assert "password" not in json.dumps(listed)
    assert run(store_env, "set-role", "bob", "reviewer", "trainee").output.strip() == "bob: trainee, reviewer"
    assert run(store_env, "disable", "bob").exit_code == 0
    assert "disabled" in run(store_env, "list").output
    assert run(store_env, "enable", "bob").exit_code == 0
    assert run(store_env, "set-password", "bob", "--password-stdin", input="new-password-1\n").exit_code == 0

    from kg import accounts, audit
    from kg.settings import load_settings
    from kg.store import open_store

    with open_store(load_settings(store_env)) as s:
        assert accounts.authenticate(s, "bob", "new-password-1") is not None
        events, total = audit.events(s, actor="cli")
        assert total == 6 and {e["remote_addr"] for e in events} == {"cli"}


def test_user_errors_are_clean(store_env):
    store_env = dict(store_env, CEM_LANGUAGE="zh")  # the domain's own words (English: tests/cli/test_cli_language.py)
    cases = [
        (["add", "Bad Name", "--password-stdin"], "pw-123456\n", "用户名"),
        (["add", "short", "--password-stdin"], "x\n", "密码长度"),
        (["add", "cw", "--role", "community", "--password-stdin"], "pw-123456\n", "社区"),
        (["set-role", "nobody", "trainee"], None, "用户不存在"),
        (["disable", "nobody"], None, "用户不存在"),
    ]
    for args, stdin, message in cases:
        result = CliRunner().invoke(main, ["user", *args], env=store_env, input=stdin)
        assert result.exit_code == 1, (args, result.output)
        assert "错误：" in result.output and message in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["user", "add", "x1", "--role", "root"], env=store_env)
    assert result.exit_code == 2
    run(store_env, "add", "root", "--role", "admin", "--password-stdin", input="root-password-1\n")
    result = CliRunner().invoke(main, ["user", "add", "root", "--password-stdin"], env=store_env, input="pw-1234567\n")
    assert result.exit_code == 1 and "已被使用" in result.output
    result = CliRunner().invoke(main, ["user", "disable", "root"], env=store_env)
    assert result.exit_code == 1 and "最后一位管理员" in result.output
