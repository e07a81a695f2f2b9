"""The committed ``messages.mo`` files are the compiled ``.po`` files (run ``python -m web.i18n``
after editing a ``.po``): the app never writes into its installed package."""

from __future__ import annotations

from babel.messages.mofile import read_mo

from web.i18n import TRANSLATIONS, merged_catalog


def _messages(catalog) -> dict:
    return {m.id if isinstance(m.id, str) else tuple(m.id): m.string for m in catalog if m.id}


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
