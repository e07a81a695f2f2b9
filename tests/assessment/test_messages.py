"""The engines' messages are translatable: every error the assessment and training engines raise
takes a msgid marked ``N_`` (never an f-string or a bare string), every msgid of the two areas
has an English translation, and an engine error reaches an English page in English."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

import assessments.errors
import curricula.errors
import kg.errors
from web.i18n import TRANSLATIONS, merged_catalog

ROOT = Path(__file__).resolve().parents[2]
ENGINES = [ROOT / "assessments", ROOT / "curricula"]
#: Every file whose messages the two areas show (engines, routes, forms, templates).
AREA_FILES = ENGINES + [ROOT / "web" / "assessment", ROOT / "web" / "training",
                        ROOT / "web" / "templates" / "assessment", ROOT / "web" / "templates" / "training",
                        ROOT / "web" / "templates" / "forms_js.html"]
KEYWORDS = {"_": None, "_l": None, "N_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
#: Ways of building text that bypass the catalogue.
FORMATTING = {"format", "join", "str", "repr"}


def error_classes() -> set[str]:
    names = set()
    for module in (kg.errors, assessments.errors, curricula.errors):
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, kg.errors.DomainError):
                names.add(name)
    return names


def unmarked_messages(path: Path, classes: set[str]) -> list[str]:
    """``file:line: code`` of every error raised with a message that is not marked for translation."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if func not in classes:
            continue
        first = node.args[0]
        formatted = isinstance(first, ast.Call) and (getattr(first.func, "id", None) in FORMATTING
                                                     or getattr(first.func, "attr", None) in FORMATTING)
        if isinstance(first, (ast.JoinedStr, ast.Constant, ast.BinOp)) or formatted:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:120]}")
    return found


def test_engine_errors_take_marked_message_ids():
    classes = error_classes()
    assert {"AnswerInvalid", "VersionConflict", "TimeLimitExceeded", "NotFound"} <= classes
    files = [f for d in ENGINES for f in sorted(d.glob("*.py"))]
    assert len(files) > 15
    problems = [p for f in files for p in unmarked_messages(f, classes)]
    assert problems == []


def test_the_check_finds_an_f_string_message(tmp_path):
    bad = ROOT / "assessments" / "_probe_for_test.py"
    try:
        bad.write_text('def f(x):\n    raise AnswerInvalid(f"坏的 {x}")\n\n\ndef g():\n'
                       '    raise NotFound(N_("好的"))\n', encoding="utf-8")
        assert [p.split(": ")[0] for p in unmarked_messages(bad, error_classes())] == \
            ["assessments/_probe_for_test.py:2"]
    finally:
        bad.unlink()


def area_msgids() -> set[str]:
    ids = set()
    for base in AREA_FILES:
        for f in [base] if base.is_file() else sorted(base.rglob("*")):
            if f.suffix not in (".py", ".html"):
                continue
            method = "python" if f.suffix == ".py" else "jinja2"
            for _, msg, _, _ in extract_from_file(method, str(f), keywords=KEYWORDS,
                                                  options={"extensions": "jinja2.ext.i18n"}):
                ids.add(msg[0] if isinstance(msg, tuple) else msg)
    return ids


def test_every_message_of_the_two_areas_has_an_english_translation():
    catalog = {m.id: m.string for m in merged_catalog(TRANSLATIONS / "en") if m.id}
    ids = area_msgids()
    assert len(ids) > 400
    missing = sorted(i for i in ids if not catalog.get(i))
    assert missing == []
    # a python-format msgid keeps its parameters in English
    wrong = sorted(i for i in ids if set(re.findall(r"%\((\w+)\)s", i)) != set(re.findall(r"%\((\w+)\)s", catalog[i])))
    assert wrong == []


@pytest.fixture
def app_context_en(tmp_path):
    """A request in English on a throwaway app (for messages shown outside a page)."""
    from kg.store.embedded import EmbeddedStore
    from tests.web.platform_fixtures import make_app

    store = EmbeddedStore(tmp_path / "m.kgl")
    store.init_schema()
    app = make_app(store)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        yield
    store.close()


def test_a_joined_message_translates_every_part(app_context_en):
    from assessments.errors import N_, AnswerInvalid, Joined, Message

    parts = [Message(N_("%(criterion)s：请填写有限的数值"), criterion="1.2 预案"),
             Message(N_("%(what)s：日期 %(date)s 在将来"), what=Message(N_("日期")), date="2999-01-01")]
    error = AnswerInvalid(Joined(parts))
    assert str(error) == "1.2 预案：请填写有限的数值；日期：日期 2999-01-01 在将来"
    assert error.translated() == "1.2 预案: please enter a finite number; Date: the date 2999-01-01 is in the future"
