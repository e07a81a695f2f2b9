"""Languages: Simplified Chinese (the msgids themselves) and English.

UI text is written in Simplified Chinese and wrapped in ``_()`` (templates, code) or ``_l()``
(lazy, for forms and module-level text).  English lives in ``web/translations/en/LC_MESSAGES/``:
``messages.po`` plus any other ``*.po`` there (one per area, e.g. ``search.po``, so areas do not
edit one file); all of them are compiled into the committed ``messages.mo`` with
``python -m web.i18n`` (a test fails when the ``.mo`` does not match the ``.po`` files).

The locale is chosen by ``?lang=`` (kept in the session), then the signed-in user's setting, then
the browser's Accept-Language; the default is ``zh_Hans_CN``.

Content (the graph's data: names, descriptions, lesson texts, unit bodies) is written in Chinese;
where a node has ``name_en`` an English page shows it (``display_name``).  Chinese content on an
English page is marked ``lang="zh-CN"`` (for screen readers, and so that a test can tell content
from untranslated interface text): the ``content`` filter wraps a short text, ``content_text`` a
longer one with a small "available in Chinese only" notice, ``content_lang(node)`` gives the
attribute value for a node's name.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import flask_babel
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

log = logging.getLogger(__name__)

DEFAULT_LOCALE = "zh_Hans_CN"
LOCALES = {"zh_Hans_CN": "简体中文", "en": "English"}
#: Short codes accepted by ``?lang=``.
LANG_ALIASES = {"zh": "zh_Hans_CN", "zh-CN": "zh_Hans_CN", "zh_CN": "zh_Hans_CN", "zh_Hans_CN": "zh_Hans_CN",
                "en": "en"}
TRANSLATIONS = Path(__file__).parent / "translations"



def translations():
    """The current request's translations, looked up once per request (Flask-Babel's own
    lookup costs tens of microseconds per message, which adds up on every page)."""
    try:
        return g._cem_translations
    except AttributeError:
        pass
    except RuntimeError:  # no app context
        return flask_babel.get_translations()
    t = flask_babel.get_translations()
    if has_request_context():
        g._cem_translations = t
    return t


def gettext(string: str, **variables) -> str:
    s = translations().ugettext(string)
    return s % variables if variables else s


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    return LazyString(gettext, string, **variables)


def refresh() -> None:
    """Forget the request's locale and translations (after the user changed language)."""
    if has_request_context():
        g.pop("_cem_translations", None)
        g.pop("_cem_lang", None)
    flask_babel.refresh()


_ = gettext
_l = lazy_gettext


def merged_catalog(lang_dir: Path) -> Catalog:
    """Every translated, non-fuzzy message of ``<lang>/LC_MESSAGES/*.po`` in one catalog.

    A message may be in several area files, but always with the same translation: the catalog
    holds one per message, so two would mean one area silently shows the other's words
    (``ValueError`` naming both files)."""
    catalog = Catalog(locale=lang_dir.name)
    origin: dict[Any, tuple[str, Any]] = {}
    clashes = []
    for po in sorted((lang_dir / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as f:
            part = read_po(f, locale=lang_dir.name)
        for message in part:
            if message.id and message.string and not message.fuzzy:
                if message.id in origin and origin[message.id][1] != message.string:
                    first, string = origin[message.id]
                    clashes.append(f"{message.id!r}: {first} {string!r} but {po.name} {message.string!r}")
                    continue
                origin[message.id] = (po.name, message.string)
                catalog[message.id] = message
    if clashes:
        raise ValueError(f"{lang_dir.name}: {len(clashes)} messages translated differently in two files "
                         "(give each one translation): " + "; ".join(clashes))
    return catalog


def compile_catalogs(source: Path = TRANSLATIONS) -> list[Path]:
    """Compile ``<lang>/LC_MESSAGES/*.po`` into one ``messages.mo`` per language (a build step:
    ``python -m web.i18n``); returns the files written."""
    written = []
    for lang_dir in sorted(p for p in source.iterdir() if p.is_dir()) if source.is_dir() else []:
        if not any((lang_dir / "LC_MESSAGES").glob("*.po")):
            continue
        catalog = merged_catalog(lang_dir)
        mo = lang_dir / "LC_MESSAGES" / "messages.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                write_mo(f, catalog)
            os.chmod(tmp, 0o644)
            os.replace(tmp, mo)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        written.append(mo)
    return written


def _select_locale() -> str:
    lang = session.get("lang") if _has_session() else None
    if lang in LOCALES:
        return lang
    try:
        from flask_login import current_user

        if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
            return current_user.locale
    except Exception:  # noqa: BLE001 - no user machinery (e.g. a CLI context)
        pass
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="zh-CN")
    return "en" if best == "en" else DEFAULT_LOCALE


def _has_session() -> bool:
    try:
        return bool(request)
    except RuntimeError:
        return False


_wtforms_translations: dict[str, object] = {}


def _remember_lang():
    lang = request.args.get("lang")
    if lang in LANG_ALIASES:
        session["lang"] = LANG_ALIASES[lang]


def _wtforms_catalogue():
    """WTForms' own messages in the request's language, loaded once per language (Flask-WTF
    would read the catalogue from disk on every request that builds a form)."""
    from babel import support
    from wtforms.i18n import messages_path

    lang = current_lang()
    t = _wtforms_translations.get(lang)
    if t is None:
        t = support.Translations.load(messages_path(), [get_locale()], domain="wtforms")
        # ours over theirs: WTForms' Chinese catalogue leaves a few messages fuzzy (untranslated
        # once compiled); web/translations/zh/LC_MESSAGES/wtforms.po translates them
        ours = support.Translations.load(str(TRANSLATIONS), [get_locale()])
        if isinstance(t, support.Translations) and isinstance(ours, support.Translations):
            t.merge(ours)
        _wtforms_translations[lang] = t
    return t


class _LazyWTForms:
    """Placed on the request as Flask-WTF's ``wtforms_translations``; resolved on first use."""

    def ugettext(self, string):
        return _wtforms_catalogue().ugettext(string)

    def ungettext(self, singular, plural, n):
        return _wtforms_catalogue().ungettext(singular, plural, n)


_LAZY_WTFORMS = _LazyWTForms()


def _install_wtforms_translations():
    request.wtforms_translations = _LAZY_WTFORMS  # type: ignore[attr-defined]  # read by Flask-WTF


def current_lang() -> str:
    """``zh_Hans_CN`` or ``en``."""
    try:
        return g._cem_lang
    except (AttributeError, RuntimeError):
        pass
    locale = get_locale()
    lang = "en" if locale is not None and locale.language == "en" else DEFAULT_LOCALE
    if has_request_context():
        g._cem_lang = lang
    return lang


def html_lang() -> str:
    return "en" if current_lang() == "en" else "zh-CN"


def display_name(node: dict | None) -> str:
    """A node's name in the current language: ``name_en`` in English when it has one."""
    if not node:
        return ""
    props = node.get("properties", node)
    if props.get("name_en") and current_lang() == "en":
        return str(props["name_en"])
    return str(props.get("name") or props.get("name_en") or node.get("id", ""))


#: Chinese characters and CJK punctuation (text written in Chinese).
CJK_RE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
CONTENT_LANG = "zh-CN"


def is_chinese(text) -> bool:
    return isinstance(text, str) and CJK_RE.search(text) is not None


def content_lang(node: dict | None) -> str | None:
    """``"zh-CN"`` when the node's name as shown (``display_name``) is Chinese text on an English
    page, else None: put it in a ``lang`` attribute."""
    if current_lang() != "en" or not node:
        return None
    props = node.get("properties", node)
    if props.get("name_en"):
        return None
    return CONTENT_LANG if is_chinese(props.get("name")) else None


def text_lang(value) -> str | None:
    """``"zh-CN"`` when ``value`` is Chinese text on an English page (for a ``lang`` attribute)."""
    return CONTENT_LANG if current_lang() == "en" and is_chinese(value) else None


CJK_RUN_RE = re.compile(CJK_RE.pattern + "+")
LATIN_RE = re.compile(r"[A-Za-z]")


def content(value) -> Markup:
    """A content text for a page: marked ``lang="zh-CN"`` when it is Chinese on an English page
    (English text that quotes a Chinese term gets the term marked)."""
    if value is None:
        return Markup("")
    if current_lang() != "en" or not is_chinese(value):
        return escape(value)
    text = str(value)
    if len(LATIN_RE.findall(text)) <= len(CJK_RE.findall(text)):
        return Markup('<span lang="zh-CN">%s</span>') % text
    out, at = [], 0
    for run in CJK_RUN_RE.finditer(text):
        out.append(escape(text[at:run.start()]))
        out.append(Markup('<span lang="zh-CN">%s</span>') % run.group(0))
        at = run.end()
    out.append(escape(text[at:]))
    return Markup("").join(out)


def content_text(value) -> Markup:
    """A longer content text (a description, a lesson's parts): on an English page, Chinese text
    says that it is available in Chinese only."""
    if current_lang() == "en" and is_chinese(value):
        return Markup('<span class="zh-only">%s</span> <span lang="zh-CN">%s</span>') % (gettext("仅有中文"), value)
    return content(value)


def lang_url(lang: str) -> str:
    """The current page in another language (``?lang=`` is remembered in the session)."""
    from flask import url_for

    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "lang"}
    view_args: dict[str, Any] = request.view_args or {}
    if request.endpoint and request.method == "GET" and request.url_rule is not None:
        try:
            return url_for(request.endpoint, **view_args, **args, lang=lang)
        except Exception:  # noqa: BLE001 - fall back to the home page
            pass
    return url_for("main.index", lang=lang)


def _template_gettext():
    """``_``/``gettext`` for templates bound to this request's translations (the same results
    as Jinja's newstyle gettext in an autoescaped template, without a lookup per message)."""
    t = translations()

    def gettext_(string, **variables):
        rv = Markup(t.ugettext(string))
        return rv % variables if variables else rv

    return {"_": gettext_, "gettext": gettext_}


def init_i18n(app: Flask) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LOCALE
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.extensions["cem_settings"].timezone
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=_select_locale)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n), newstyle=True)
    app.before_request(_remember_lang)
    app.before_request(_install_wtforms_translations)
    app.context_processor(_template_gettext)
    app.jinja_env.globals.update(display_name=display_name, current_lang=current_lang, html_lang=html_lang,
                                 lang_url=lang_url, LOCALES=LOCALES, content_lang=content_lang, text_lang=text_lang)
    app.jinja_env.filters.update(content=content, content_text=content_text)


if __name__ == "__main__":  # the build step for translations
    for path in compile_catalogs():
        print(f"compiled {path}")


__all__ = [
    "CJK_RE",
    "DEFAULT_LOCALE",
    "LOCALES",
    "_",
    "_l",
    "compile_catalogs",
    "content",
    "content_lang",
    "content_text",
    "current_lang",
    "display_name",
    "gettext",
    "init_i18n",
    "is_chinese",
    "lang_url",
    "lazy_gettext",
    "ngettext",
    "refresh",
    "text_lang",
    "translations",
]
