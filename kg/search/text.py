"""What a node's searchable text is, how it is hashed, and how text becomes keyword terms.

Searchable text follows the schema: each label lists its text properties (`text:` in
kg/schema/*.yaml), plus `name_en` where a label has one (so English queries find English names).
Keyword terms are single CJK characters plus CJK character bigrams, and lowercased Latin words
and numbers — no word segmenter (on our data character n-grams beat segmented words).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from kg.schema import Schema

#: Labels the search engine indexes, most useful first (labels missing from the schema are skipped).
SEARCH_LABELS = ("LessonLearned", "Duty", "Plan", "Hazard", "Incident", "Facility", "Organization",
                 "Module", "Unit", "Criterion")
#: Extra properties that make a node's text, after the schema's `text` list.
EXTRA_TEXT = ("name_en",)
#: Longest searchable text kept (characters); longer text is cut (about one page and a half).
MAX_TEXT = 4000

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(rf"[{CJK}]+|[a-z0-9]+(?:['’][a-z]+)?")
CJK_RE = re.compile(rf"[{CJK}]")
#: Words of a question that say nothing about its subject (removed from keyword queries only).
QUERY_STOPWORDS = ("怎么办", "怎么样", "怎么", "怎样", "如何", "什么", "哪些", "哪个", "哪里", "是否",
                   "为什么", "谁先", "谁来", "谁", "应该", "需要", "要不要", "可以", "吗", "呢", "吧",
                   "有哪些", "做什么", "该做", "我们", "我")
EN_STOPWORDS = frozenset(
    "a an the of to in on for and or is are was were be been what who whom which how when where why "
    "should do does did can could we i you our my it its at by with from as that this these those "
    "there their they first".split())


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _value_text(value) -> str:
    if isinstance(value, list):
        return "；".join(str(v) for v in value if v not in (None, ""))
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def text_fields(schema: Schema, label: str) -> tuple[str, ...]:
    spec = schema.label(label)
    fields = list(spec.text) or ["name"]
    for extra in EXTRA_TEXT:
        if extra not in fields:
            fields.append(extra)
    return tuple(fields)


def _join(properties: dict, fields) -> str:
    parts = []
    for name in fields:
        value = _value_text(properties.get(name))
        if value.strip():
            parts.append(" ".join(value.split()))
    return "\n".join(parts)[:MAX_TEXT]


def searchable_text(schema: Schema, label: str, properties: dict) -> str:
    """The node's searchable text (keyword side): its schema text properties in order, one per
    line, then its English name."""
    return _join(properties, text_fields(schema, label))


def embedding_text(schema: Schema, label: str, properties: dict) -> str:
    """The text that is embedded: the schema text properties only.  (English names are left out:
    on a Chinese graph they pull English queries towards whichever nodes happen to have one.)"""
    spec = schema.label(label)
    return _join(properties, spec.text or ("name",))


def content_hash(text: str, model_id: str) -> str:
    """Identifies the (text, model) pair a stored vector was computed from."""
    return hashlib.sha256(f"{model_id}\x00{text}".encode("utf-8")).hexdigest()[:32]


def tokens(text: str) -> list[str]:
    """Keyword terms: CJK unigrams and bigrams, Latin words/numbers (lowercased)."""
    out: list[str] = []
    for match in TOKEN_RE.finditer(normalise(text)):
        run = match.group(0)
        if CJK_RE.match(run):
            out.extend(run)
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return out


def document_terms(text: str) -> str:
    return " ".join(tokens(text))


def query_text(query: str) -> str:
    """The query with question words removed (for the keyword side only)."""
    text = normalise(query)
    for word in QUERY_STOPWORDS:
        text = text.replace(word, " ")
    words = [w for w in re.split(r"(\s+)", text)]
    return "".join(w if w.strip().lower() not in EN_STOPWORDS else " " for w in words).strip()


def query_terms(query: str) -> str:
    seen: dict[str, None] = {}
    for term in tokens(query_text(query)):
        seen.setdefault(term, None)
    return " ".join(seen)


def language(text: str) -> str:
    """'zh' when the text has any CJK character, else 'en'."""
    return "zh" if CJK_RE.search(text or "") else "en"
