"""Every message a page flashes is shown in the reader's language: its text goes through the
catalogue (``_(…)``, a domain error's ``translated()``), never a string written in the call."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"


def untranslated_flashes(source: str, name: str) -> list[str]:
    """``file:line`` of each ``flash(...)`` whose message is, or contains, a string written in place."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "flash"
                and node.args):
            continue
        message = node.args[0]
        written = [n for n in ast.walk(message) if isinstance(n, (ast.Constant, ast.JoinedStr))
                   and (isinstance(n, ast.JoinedStr) or isinstance(n.value, str))]
        inside_gettext = {id(n) for call in ast.walk(message) if isinstance(call, ast.Call)
                          and getattr(call.func, "id", None) in ("_", "gettext", "ngettext")
                          for n in ast.walk(call)}
        if any(id(n) not in inside_gettext for n in written):
            found.append(f"{name}:{node.lineno}")
    return found


def test_the_check_finds_a_written_message_and_a_written_separator():
    source = ('flash("已保存。", "success")\nflash(_("已保存。"), "success")\n'
              'flash("；".join(errors), "error")\nflash(_("；").join(errors), "error")\n'
              'flash(f"{n} 条", "info")\nflash(exc.translated(), "error")\n')
    assert untranslated_flashes(source, "x.py") == ["x.py:1", "x.py:3", "x.py:5"]


def test_no_page_flashes_a_message_written_in_place():
    found = []
    for path in sorted(WEB.rglob("*.py")):
        found += untranslated_flashes(path.read_text(encoding="utf-8"), str(path.relative_to(WEB)))
    assert found == []
