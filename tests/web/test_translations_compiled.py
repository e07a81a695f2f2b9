"""The committed ``messages.mo`` files are the compiled ``.po`` files (run ``python -m web.i18n``
after editing a ``.po``): the app never writes into its installed package."""

from __future__ import annotations

from babel.messages.mofile import read_mo

from web.i18n import TRANSLATIONS, merged_catalog


def _messages(catalog) -> dict:
    # a plural message reads back from a .mo as lists, from a .po as tuples
    return {m.id if isinstance(m.id, str) else tuple(m.id): m.string if isinstance(m.string, str) else tuple(m.string)
            for m in catalog if m.id}


def test_every_language_has_a_compiled_catalog_matching_its_po_files():
    langs = [d for d in TRANSLATIONS.iterdir() if d.is_dir() and any((d / "LC_MESSAGES").glob("*.po"))]
    assert langs, "no translations found"
    for lang_dir in langs:
        mo = lang_dir / "LC_MESSAGES" / "messages.mo"
        assert mo.is_file(), f"{mo} is missing: run python -m web.i18n"
        with mo.open("rb") as f:
            compiled = _messages(read_mo(f))
        expected = _messages(merged_catalog(lang_dir))
        stale = sorted(k for k in expected if compiled.get(k) != expected[k])[:5]
        extra = sorted(k for k in compiled if k not in expected)[:5]
        assert not stale and not extra, f"{mo} is out of date (run python -m web.i18n): {stale} {extra}"


def test_a_message_translated_two_ways_in_two_area_files_is_refused(tmp_path):
    """The catalog holds one translation per message: with two, one area would silently show the
    other's words (the report form's grid label read "grid" from the assessment chart's legend)."""
    import pytest

    lang = tmp_path / "en" / "LC_MESSAGES"
    lang.mkdir(parents=True)
    (lang / "a.po").write_text('msgid "网格"\nmsgstr "grid"\n\nmsgid "地点"\nmsgstr "Place"\n', encoding="utf-8")
    (lang / "b.po").write_text('msgid "网格"\nmsgstr "Grid"\n\nmsgid "地点"\nmsgstr "Place"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"'网格': a.po 'grid' but b.po 'Grid'"):
        merged_catalog(tmp_path / "en")
    (lang / "b.po").write_text('msgid "网格"\nmsgstr "grid"\n', encoding="utf-8")  # the same words twice: fine
    assert _messages(merged_catalog(tmp_path / "en")) == {"网格": "grid", "地点": "Place"}
