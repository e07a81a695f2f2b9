"""Hit snippets: whole sentences of plain text around the query's terms, with their positions.

A node's text may be Markdown (training units): it is rendered to plain text with markdown-it-py
first (no ``##`` or ``**`` in a snippet).  The text is cut into sentences (。！？；!?; and line
ends); the snippet is the sentence that holds the most of the query's terms (longer terms count
more), widened by its neighbours while it stays within ``width`` characters.  ``highlights``
are the ``[start, end)`` positions of the matched terms inside the snippet.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Properties a snippet is taken from, in this order.
SNIPPET_FIELDS = ("description", "summary", "observation", "discussion", "lesson", "recommendation", "requirement",
                  "verification", "body", "scenario", "warning_signs", "activation_criteria", "requirements")
SENTENCE_END = re.compile(r"[^。！？；!?;\n]*[。！？；!?;]+[”’」』）)]*|[^。！？；!?;\n]+")
MARKDOWN_HINT = re.compile(r"(^|\n)\s{0,3}(#{1,6}\s|[-*+]\s|\d+\.\s|>)|\*\*|__|`|\[[^\]]*\]\(")


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def plain_text(text: str) -> str:
    """Markdown -> plain text (block by block, one line each); plain text passes through."""
    if not text or not MARKDOWN_HINT.search(text):
        return " ".join((text or "").split())
    lines: list[str] = []
    for token in _markdown().parse(text):
        if token.type == "inline":
            parts = []
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            line = " ".join("".join(parts).split())
            if line:
                lines.append(line)
        elif token.type in ("code_block", "fence"):
            lines.extend(line.strip() for line in token.content.splitlines() if line.strip())
    return "\n".join(lines)


def node_text(properties: dict) -> str:
    parts = []
    for name in SNIPPET_FIELDS:
        value = properties.get(name)
        if isinstance(value, list):
            value = "；".join(str(v) for v in value if v not in (None, ""))
        if isinstance(value, str) and value.strip():
            parts.append(plain_text(value))
    return "\n".join(parts)


def _terms(terms: str | list[str]) -> list[str]:
    words = terms.split() if isinstance(terms, str) else list(terms)
    # single CJK characters match everywhere: only when nothing longer is given
    longer = [t for t in dict.fromkeys(words) if len(t) > 1]
    return sorted(longer or [t for t in dict.fromkeys(words) if t.strip()], key=len, reverse=True)


def locate(text: str, terms: list[str]) -> list[list[int]]:
    """Non-overlapping ``[start, end)`` spans of ``terms`` in ``text``, longest terms first."""
    lowered = text.lower()
    taken = [False] * len(text)
    spans = []
    for term in terms:
        start = lowered.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(taken[start:end]):
                spans.append([start, end])
                for i in range(start, end):
                    taken[i] = True
            start = lowered.find(term, end)
    return sorted(spans)


def snippet(properties: dict, terms: str | list[str], width: int = 120) -> tuple[str, list[list[int]]]:
    """``(snippet, highlights)`` for a node's properties and the query's keyword terms."""
    text = node_text(properties)
    if not text:
        return "", []
    wanted = _terms(terms)
    sentences = [m.group(0).strip() for line in text.split("\n") for m in SENTENCE_END.finditer(line)]
    sentences = [s for s in sentences if s]
    if not sentences:
        return "", []

    def weight(sentence: str) -> float:
        return sum((end - start) ** 1.5 for start, end in locate(sentence, wanted))

    scores = [weight(s) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i)) if any(scores) else 0
    lo = hi = best
    length = len(sentences[best])
    while True:
        grown = False
        for side in (hi + 1, lo - 1):
            if 0 <= side < len(sentences) and length + len(sentences[side]) <= width:
                length += len(sentences[side])
                lo, hi = min(lo, side), max(hi, side)
                grown = True
        if not grown:
            break
    piece = ""
    for sentence in sentences[lo:hi + 1]:
        if piece and not re.search(r"[。！？；!?;：:，,、”’」』）)]$", piece):
            piece += " "  # a heading or list item ends without punctuation
        piece += sentence
    if len(piece) > width * 2:  # one very long sentence: cut at a clause near the first match
        spans = locate(piece, wanted)
        at = spans[0][0] if spans else 0
        cut = max(piece.rfind("，", 0, at) + 1, 0) if at > width // 2 else 0
        piece = piece[cut:cut + width * 2]
        return ("…" if cut else "") + piece + "…", [[s + (1 if cut else 0), e + (1 if cut else 0)]
                                                    for s, e in locate(piece, wanted)]
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(sentences) - 1 else ""
    return prefix + piece + suffix, [[s + len(prefix), e + len(prefix)] for s, e in locate(piece, wanted)]
