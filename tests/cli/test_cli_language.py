"""The command line speaks one language per run: CEM_LANGUAGE (zh, en) or, with auto, the
system's LANG; its own messages and the domain's errors come out in that language together."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from click.testing import CliRunner

from kg.cli import main
from kg.errors import N_, Invalid
from kg.i18n_cli import _, language, message, set_language
from kg.settings import SettingsError, load_settings
from web.i18n import TRANSLATIONS, merged_catalog

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
#: The command-line modules whose messages go through kg.i18n_cli.
CLI_FILES = ["kg/cli.py", "kg/accounts/cli.py", "kg/search/cli.py"]


@pytest.mark.parametrize("env,expected", [
    ({}, "en"), ({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "zh_TW.UTF-8"}, "zh"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"), ({"CEM_LANGUAGE": "zh", "LANG": "en_US.UTF-8"}, "zh"),
    ({"CEM_LANGUAGE": "en", "LANG": "zh_CN.UTF-8"}, "en"), ({"CEM_LANGUAGE": "auto", "LANG": "zh_CN"}, "zh"),
])
def test_the_language_is_the_setting_or_lang(env, expected):
    assert load_settings(env).cli_language == expected


def test_a_bad_language_is_refused_with_the_accepted_values():
    with pytest.raises(SettingsError, match=r"CEM_LANGUAGE='fr'.*accepted: auto, zh or en"):
        load_settings({"CEM_LANGUAGE": "fr"})


def test_messages_and_domain_errors_in_the_run_language():
    error = Invalid(N_("没有组织 %(id)s"), id="org.x")
    try:
        set_language("en")
        assert language() == "en"
        assert _("已导出 %(n)s 条记录到 %(file)s", n=3, file="a.jsonl") == "exported 3 records to a.jsonl"
        assert message(error) == "No organization org.x" and message("plain") == "plain"
        set_language("zh")
        assert message(error) == "没有组织 org.x" and _("已确保 %(what)s", what="x") == "已确保 x"
        with pytest.raises(ValueError):
            set_language("fr")
    finally:
        set_language("en")


def _run(env, *args, input=None):
    return CliRunner().invoke(main, list(args), env=env, input=input)


@pytest.mark.parametrize("language_env,expect_chinese", [
    ({"CEM_LANGUAGE": "auto", "LANG": "zh_CN.UTF-8"}, True), ({"CEM_LANGUAGE": "auto", "LANG": "en_US.UTF-8"}, False),
    ({"CEM_LANGUAGE": "zh", "LANG": "en_US.UTF-8"}, True), ({"CEM_LANGUAGE": "en", "LANG": "zh_CN.UTF-8"}, False),
])
def test_a_run_prints_one_language(store_env, language_env, expect_chinese):
    env = dict(store_env, **language_env)
    outputs = [
        _run(env, "user", "list"),                                                       # a notice
        _run(env, "user", "add", "root", "--role", "admin", "--password-stdin", input="root-password-1\n"),
        _run(env, "user", "add", "root", "--password-stdin", input="pw-1234567\n"),      # a domain error
        _run(env, "user", "disable", "nobody"),                                          # another
        _run(env, "user", "add", "cw", "--role", "community", "--password-stdin", input="pw-1234567\n"),
        _run(env, "stats", "--coverage", "--provenance"),                                # the CLI's own error
    ]
    assert [r.exit_code for r in outputs] == [0, 0, 1, 1, 1, 1]
    text = "\n".join(r.output for r in outputs)
    if expect_chinese:
        assert "错误：" in text and "已创建 root（admin）" in text and "已被使用" in text and "用户不存在" in text
        assert not re.search(r"\b(error|created|no accounts|already|choose one)\b", text), text
    else:
        assert "error: " in text and "created root (admin)" in text and "no accounts" in text
        assert not CJK.search(text), text


def test_every_command_line_message_has_english():
    english = {m.id: m.string for m in merged_catalog(TRANSLATIONS / "en")}
    ids = set()
    for name in [*CLI_FILES, "kg/lessons/workspace.py", "kg/search/engine.py"]:
        for _line, msg, _c, _ctx in extract_from_file("python", str(ROOT / name), keywords={"_": None, "N_": None}):
            ids.add(msg)
    assert len(ids) > 80
    assert sorted(i for i in ids if not english.get(i)) == []
