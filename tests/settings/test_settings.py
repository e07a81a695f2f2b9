"""One typed settings object: every variable declared once, parsed as its type, and a bad value
stops start-up with one line naming the variable, the value and what is accepted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.settings import Settings, SettingsError, load_settings, settings_table, unknown_variables

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("value, expected", [("no", False), ("false", False), ("0", False), ("off", False),
                                             ("yes", True), ("true", True), ("1", True), ("on", True)])
def test_booleans_are_booleans(value, expected):
    assert load_settings({"CEM_SELF_REGISTRATION": value}).self_registration is expected


@pytest.mark.parametrize("variable, value, accepted", [
    ("CEM_SELF_REGISTRATION", "maybe", "true/false"),
    ("CEM_GRAPH_CACHE_SECONDS", "soon", "number of seconds"),
    ("CEM_USER_CACHE_SECONDS", "-1", "number of seconds"),
    ("CEM_LOGIN_LIMIT_ACCOUNT", "0", "whole number from 1"),
    ("CEM_LOGIN_LIMIT_ADDRESS", "many", "whole number from 1"),
    ("CEM_EMBEDDING_DIM", "5000", "1 to 4096"),
    ("CEM_EMBEDDING_PROCESS", "thread", "worker or inline"),
    ("CEM_EMBEDDING_BATCH_WAIT_POLICY", "spin", "default, active or passive"),
    ("CEM_STORE", "http://example.org/graph", "neo4j://"),
    ("CEM_SECRET_KEY", "12345", "at least 32 characters"),
    ("CEM_TIMEZONE", "Mars/Olympus", "IANA time zone"),
    ("CEM_TRUSTED_PROXIES", "9", "0 to 5"),
    ("CEM_LOG_LEVEL", "LOUD", "DEBUG"),
])
def test_a_bad_value_names_the_variable_and_what_is_accepted(variable, value, accepted):
    with pytest.raises(SettingsError) as caught:
        load_settings({variable: value})
    message = str(caught.value)
    assert message.startswith(f"{variable}=") and accepted in message and "\n" not in message
    if variable == "CEM_SECRET_KEY":
        assert value not in message  # a secret is never printed


def test_neo4j_needs_a_password():
    with pytest.raises(SettingsError, match="NEO4J_PASSWORD"):
        load_settings({"CEM_STORE": "bolt://127.0.0.1:7687"})
    assert load_settings({"CEM_STORE": "neo4j+s://db.example.org", "NEO4J_PASSWORD": "x"}).is_neo4j


def test_a_numeric_secret_key_is_a_key():
    settings = load_settings({"CEM_SECRET_KEY": "1" * 40})
    assert settings.secret_key.get_secret_value() == "1" * 40


def test_misspelt_variables_are_reported():
    assert unknown_variables({"CEM_SELF_REGISTRATON": "true", "CEM_STORE": "x", "CEM_TEST_NEO4J_URI": "y",
                              "CEM_DEBUG": "1", "HOME": "/"}) == ["CEM_DEBUG", "CEM_SELF_REGISTRATON"]


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for variable, _kind, _default, _description in settings_table():
        assert f"| `{variable}` |" in readme, f"{variable} is not in the README's settings table"


def test_nothing_but_the_settings_module_reads_the_environment():
    """Product code takes its settings from kg.settings; only the embedding worker's child
    process start copies the environment (to pass it on)."""
    allowed = {"kg/settings.py", "kg/search/embedder.py", "kg/search/worker.py"}
    found = []
    for folder in ("kg", "web", "curricula", "assessments"):
        for path in (ROOT / folder).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            text = path.read_text(encoding="utf-8")
            if re.search(r"os\.environ|os\.getenv|getenv\(", text) and rel not in allowed:
                found.append(rel)
    assert found == []


def _serve_bare(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """Import web.wsgi (what a WSGI server does) with ``env`` and fetch the home page."""
    code = ("from web.wsgi import app\n"
            "c = app.test_client()\n"
            "r = c.get('/'); print(r.status_code)\n"
            "r = c.get('/register'); print(r.status_code)\n")
    full = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CEM_DATA_DIR": str(tmp_path / "data"), **env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True,
                          timeout=120)


def test_the_wsgi_app_serves_with_the_readme_variables(tmp_path):
    """create_app() called bare, as a WSGI server calls it, with CEM_STORE set (this answered
    every request with 500 before), a numeric secret key and self-registration written as "no"."""
    result = _serve_bare({"CEM_STORE": str(tmp_path / "g.kgl"), "CEM_SECRET_KEY": "7" * 40,
                          "CEM_SELF_REGISTRATION": "no"}, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["200", "404"]  # the home page; registration stays closed


def test_a_bad_setting_stops_the_wsgi_app_with_one_line(tmp_path):
    result = _serve_bare({"CEM_GRAPH_CACHE_SECONDS": "soon"}, tmp_path)
    assert result.returncode != 0
    assert "CEM_GRAPH_CACHE_SECONDS='soon'" in result.stderr


def test_settings_of_reads_no_environment(monkeypatch):
    monkeypatch.setenv("CEM_SELF_REGISTRATION", "yes")
    assert Settings.of().self_registration is False
    assert load_settings().self_registration is True
