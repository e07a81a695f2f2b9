"""What a node's searchable text is, how it is hashed, and how text becomes keyword terms.

Searchable labels follow the schema: a label with a `text:` list (kg/schema/*.yaml) is indexed
and searched — add one to a new label and its records become searchable — except the labels in
``NOT_SEARCHED``.  A node's searchable text is its `text` properties plus `name_en`.

Keyword terms (``KeywordScheme``): single CJK characters plus CJK character bigrams, lowercased
Latin words and numbers, and — where the scheme says so — the domain phrases of the lexicon
(graph names, kg.search.lexicon) as whole terms and per-field weights (a field's terms repeated).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from kg.schema import Schema

#: Labels the search engine indexes, most useful first (labels missing from the schema are skipped);
#: any other schema label with a `text` list follows them (see ``searchable_labels``).
SEARCH_LABELS = ("LessonLearned", "Duty", "Plan", "Hazard", "Incident", "Facility", "Organization",
                 "Module", "Unit", "Criterion")
#: Labels with a `text` list that are never searched: citations, process phases, learning
#: objectives, quiz items (their text gives answers away), standards, courses and communities
#: (reached through their own pages).
NOT_SEARCHED = frozenset({"Source", "Phase", "Objective", "Question", "Standard", "Course", "Community"})
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


def searchable_labels(schema: Schema) -> list[str]:
    """Every searchable label of ``schema``: ``SEARCH_LABELS`` first, then any other label with a
    `text` list that is not in ``NOT_SEARCHED`` (alphabetically)."""
    first = [label for label in SEARCH_LABELS if label in schema.labels]
    rest = sorted(label for label, spec in schema.labels.items()
                  if spec.text and label not in NOT_SEARCHED and label not in first)
    return first + rest


@dataclass(frozen=True)
class KeywordScheme:
    """How a node's text becomes keyword terms (chosen by measurement, docs/search.md)."""
    #: add the lexicon's domain phrases found in the text as whole terms
    phrases: bool = False
    #: (property, times its terms are repeated), e.g. (("name", 2),); others count once
    field_weights: tuple[tuple[str, int], ...] = ()
    #: add the names of the node's graph neighbours (its hazards, facilities, holders ...)
    neighbours: bool = False


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
    return hashlib.sha256(f"{model_id}\x00{text}".encode()).hexdigest()[:32]


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


def keyword_terms(schema: Schema, label: str, properties: dict, *, scheme: KeywordScheme = KeywordScheme(),
                  lexicon=None, neighbours: list[str] | None = None) -> str:
    """A node's keyword terms under ``scheme`` (``lexicon``: kg.search.lexicon.Lexicon for the
    domain phrases; ``neighbours``: names of its graph neighbours)."""
    weights = dict(scheme.field_weights)
    parts: list[str] = []
    for name in text_fields(schema, label):
        value = " ".join(_value_text(properties.get(name)).split())[:MAX_TEXT]
        if not value:
            continue
        terms = tokens(value)
        if scheme.phrases and lexicon is not None:
            terms += lexicon.phrase_terms(value)
        parts.extend(terms * max(1, int(weights.get(name, 1))))
    if scheme.neighbours and neighbours:
        for name in neighbours:
            parts.extend(tokens(name))
            if scheme.phrases and lexicon is not None:
                parts.extend(lexicon.phrase_terms(name))
    return " ".join(parts)


def query_text(query: str) -> str:
    """The query with question words removed (for the keyword side only)."""
    text = normalise(query)
    for word in QUERY_STOPWORDS:
        text = text.replace(word, " ")
    words = re.split(r"(\s+)", text)
    return "".join(w if w.strip().lower() not in EN_STOPWORDS else " " for w in words).strip()


#: Most keyword terms a query sends (Lucene refuses more than 1024 clauses).
MAX_QUERY_TERMS = 400


def query_terms(query: str, *, scheme: KeywordScheme = KeywordScheme(), lexicon=None,
                expand_english: bool = False, expand_pinyin: bool = False) -> str:
    """A query's keyword terms: its words' terms (question words removed), with the scheme's
    domain phrases; with ``expand_english``, the Chinese translations of its English words; with
    ``expand_pinyin``, the Chinese words its pinyin tokens may stand for (``ddc`` -> 电动车)."""
    text = query_text(query)
    terms = tokens(text)
    if lexicon is not None:
        if scheme.phrases:
            terms += lexicon.phrase_terms(text)
        if EN_RE.search(text):
            chinese_terms = lexicon.expansion(text) if expand_english else []
            if expand_pinyin:
                chinese_terms += lexicon.pinyin.words(text)
            for chinese in chinese_terms:
                terms += tokens(chinese)
                if scheme.phrases:
                    terms += lexicon.phrase_terms(chinese)
    seen: dict[str, None] = {}
    for term in terms:
        seen.setdefault(term, None)
    return " ".join(list(seen)[:MAX_QUERY_TERMS])


EN_RE = re.compile(r"[a-z]{2,}")


def language(text: str) -> str:
    """'zh' when the text has any CJK character, else 'en'."""
    return "zh" if CJK_RE.search(text or "") else "en"
