"""Chinese punctuation written into a template shows on English pages too ("Self-assessment
result：…", "Org（Person）", "A、B"): full-width punctuation in a template is part of a
translated message (``_('：')`` is ": " in English, ``_('、')`` ", ", ``_('（')`` " (") or inside
an element marked ``lang="zh-CN"`` or Chinese content passed through ``|content``."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
MESSAGE = re.compile(r"""_l?\(\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
MARKED = re.compile(r"""<(\w+)[^>]*\blang="zh-CN"[^>]*>.*?</\1>""", re.S)
COMMENT = re.compile(r"\{#.*?#\}", re.S)
CONTENT = re.compile(r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*\|\s*content\b""")
PUNCTUATION = re.compile(r"[：；、（）。]")


def bare_punctuation(text: str) -> list[str]:
    text = MARKED.sub("", MESSAGE.sub("_()", CONTENT.sub("''", COMMENT.sub("", text))))
    return [line.strip()[:120] for line in text.splitlines() if PUNCTUATION.search(line)]


def test_the_checker_finds_a_bare_colon_and_accepts_a_translated_or_marked_one():
    assert bare_punctuation("<h1>{{ _('自评结果') }}：{{ name }}</h1>")
    assert not bare_punctuation("<h1>{{ _('自评结果') }}{{ _('：') }}{{ name }}</h1>")
    assert not bare_punctuation("<h1>{{ _('自评结果：%(n)s', n=name) }}</h1>")
    assert not bare_punctuation('<td><span lang="zh-CN"><b>{{ a }}</b>：{{ b }}</span></td>')


def test_the_checker_finds_list_commas_brackets_and_full_stops():
    assert bare_punctuation("{{ a }}{% if not loop.last %}、{% endif %}")
    assert bare_punctuation("{{ org }}（{{ person }}）")
    assert bare_punctuation("{{ _('还没有生效的版本') }}。")
    assert bare_punctuation("{{ names|join('、') }}")
    assert not bare_punctuation("{{ names|join(_('、')) }}{{ _('（') }}{{ person }}{{ _('）') }}")
    assert not bare_punctuation("{{ _('例如 %(e)s', e='AED（自动体外除颤器）'|content) }}")


def test_no_template_writes_chinese_punctuation_outside_a_message():
    found = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        lines = bare_punctuation(path.read_text(encoding="utf-8"))
        if lines:
            found[str(path.relative_to(TEMPLATES))] = lines
    assert not found, found
