"""The set-up page's text has English (web/translations/en/LC_MESSAGES/ops.po)."""

from __future__ import annotations

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from tests.web.test_i18n import KEYWORDS, TRANSLATIONS, WEB


def test_every_setup_message_has_an_english_translation():
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "ops.po", "rb") as f:
        catalog = {m.id: m.string for m in read_po(f) if m.id}
    ids = set()
    for folder in (WEB / "setup", WEB / "templates" / "setup"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".html"):
                method = "python" if path.suffix == ".py" else "jinja2"
                for _, msg, _, _ in extract_from_file(method, str(path), keywords=KEYWORDS,
                                                      options={"extensions": "jinja2.ext.i18n"}):
                    ids.add(msg[0] if isinstance(msg, tuple) else msg)
    assert len(ids) >= 6
    assert sorted(i for i in ids if not catalog.get(i)) == []
