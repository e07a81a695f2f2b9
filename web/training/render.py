"""Unit bodies: Markdown rendered with markdown-it-py (raw HTML off) and sanitised with nh3."""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre",
                "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td", "hr", "br"}


@lru_cache(maxsize=512)
def markdown(text: str) -> Markup:
    html = _md.render(text or "")
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                            url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer"))


_EMPHASIS = re.compile(r"\*\*(.+?)\*\*")


def emphasis(text: object) -> Markup:
    """A one-line text (a question stem) escaped, with ``**…**`` shown in bold — the item-writing
    rules mark negative words this way (**不**)."""
    return Markup(_EMPHASIS.sub(r"<strong>\1</strong>", str(escape(text or ""))))
