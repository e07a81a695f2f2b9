"""Every UI string of the plans, drills, survey and application areas has an English translation,
and pages render in English."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from web.i18n import TRANSLATIONS

ROOT = Path(__file__).resolve().parents[2]
#: The areas' own files (the catalogues: web/translations/en/LC_MESSAGES/<area>.po).
FILES = ["web/survey", "web/templates/survey", "kg/survey", "web/plans", "web/templates/plans", "kg/plans",
         "web/drills", "web/templates/drills", "kg/drills", "web/application", "web/templates/application",
         "assessments/evidence_rules.py", "assessments/proposals.py", "assessments/review_levels.py"]
KEYWORDS = {"_": None, "_l": None, "N_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}


def msgids() -> set[str]:
    ids = set()
    for name in FILES:
        path = ROOT / name
        for f in ([path] if path.is_file() else sorted(path.rglob("*"))):
            if f.suffix not in (".py", ".html"):
                continue
            method = "python" if f.suffix == ".py" else "jinja2"
            for _, msg, _, _ in extract_from_file(method, str(f), keywords=KEYWORDS,
                                                  options={"extensions": "jinja2.ext.i18n"}):
                ids.add(msg[0] if isinstance(msg, tuple) else msg)
    return ids


def test_every_message_of_these_areas_has_an_english_translation():
    catalog = {}
    for po in (TRANSLATIONS / "en" / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as f:
            catalog.update({m.id: m.string for m in read_po(f) if m.id and m.string})
    ids = msgids()
    assert len(ids) > 50
    assert sorted(i for i in ids if i not in catalog) == []


def test_python_format_messages_keep_their_placeholders():
    """A msgid with named parameters is a python-format string: its translation names the same
    parameters, and a literal percent sign is written %% in both."""
    import re

    for area in ("survey", "plans", "drills", "application"):
        with (TRANSLATIONS / "en" / "LC_MESSAGES" / f"{area}.po").open("rb") as f:
            for m in read_po(f):
                if not m.id or "%(" not in m.id:
                    continue
                names = sorted(set(re.findall(r"%\((\w+)\)s", m.id)))
                assert sorted(set(re.findall(r"%\((\w+)\)s", m.string))) == names, m.id
                assert m.id % dict.fromkeys(names, 1) and m.string % dict.fromkeys(names, 1)
