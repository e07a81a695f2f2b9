"""The command line speaks one language per run: Simplified Chinese or English.

Messages are written as the web app's are: a Simplified Chinese msgid (``N_``/``_`` with named
python-format parameters) whose English lives in the app's catalogue (``web/translations/en/
LC_MESSAGES/*.po``, compiled into the committed ``messages.mo``; the CLI's own texts are in
``cli.po``).  ``cem`` picks the language once at start from the ``CEM_LANGUAGE`` setting (``auto``
follows ``LANG``: ``zh…`` is Chinese, anything else English) and ``_()`` then gives every message
in it.  Domain errors (``kg.errors.DomainError``) carry their message id and parameters, so they
are printed in the same language as everything else (``message()``).

Click's own usage errors and the commands' ``--help`` texts stay in English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations

from kg.errors import N_, DomainError, Message

#: The compiled catalogue the web app uses (data, not an import of ``web``).
CATALOGUE = Path(__file__).resolve().parents[1] / "web" / "translations"
LANGUAGES = ("zh", "en")

_current: dict[str, Any] = {"language": "zh", "translations": NullTranslations()}


def set_language(language: str) -> None:
    """Use ``language`` (``zh`` or ``en``) for the rest of this run."""
    if language not in LANGUAGES:
        raise ValueError(f"language: {language!r} (accepted: zh, en)")
    translations = (Translations.load(str(CATALOGUE), ["en"], domain="messages") if language == "en"
                    else NullTranslations())
    _current.update(language=language, translations=translations)


def language() -> str:
    return str(_current["language"])


def _(message_id: str, **params: Any) -> str:
    """A message in this run's language (``message_id``: the Simplified Chinese msgid)."""
    text = message_id if _current["language"] == "zh" else _current["translations"].gettext(message_id)
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):  # a translation that lost a parameter: say it as written
        return message_id % params if params else message_id


def message(value: Any) -> str:
    """Anything a command prints as a message: a ``DomainError`` or ``Message`` through its message
    id, other text as it is."""
    if isinstance(value, DomainError):
        value = value.message
    if isinstance(value, Message):
        return _(value.message_id, **value.params)
    return str(value)


__all__ = ["CATALOGUE", "LANGUAGES", "N_", "_", "language", "message", "set_language"]
