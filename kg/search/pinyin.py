"""Pinyin typed for Chinese words: ``ddc`` (initials) or ``kongtiao`` (full pinyin).

Community workers type on phones and often leave a word in pinyin, or as its initials, inside a
Chinese query: ``ddc楼道飞线充电`` (电动车), ``xfs没水`` (消防栓), ``yjwz过期`` (应急物资). Neither
the keyword side (no such term in any text) nor the embedding model reads them.

The words they may stand for come from the indexed text itself, so the dictionary grows with the
graph: every string of 2–6 Chinese characters that occurs at least twice in the text, is not
nearly always part of one longer string, and is a word (CC-CEDICT's headwords, the graph's domain
phrases, two of them joined, or one with a character after it: 网格 + 员) is a candidate, keyed by its initials and by its full pinyin (toneless, as typed;
pypinyin's readings, phrase-aware for words such as 空调).  A key's words
are ranked by how often they occur in the text.  A Latin token is read as pinyin only when it is
not an English word (CC-CEDICT's glosses, the graph's English names) and at least 3 letters
long; an initials key must be as long as the word, so ``ddc`` is a 3-character word.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(rf"[{CJK}]+")
LATIN_TOKEN = re.compile(r"[a-z]+")
#: shortest Latin token read as pinyin (``jd`` is too ambiguous to guess)
MIN_KEY = 3
#: a candidate word's length in characters
MIN_WORD, MAX_WORD = 2, 6
#: least number of times a word occurs in the text to be offered
MIN_COUNT = 2
#: a string met inside one longer string this share of the times or more is a piece of that one
CLOSED = 0.8
#: words offered per key, best first
PER_KEY = 3


@dataclass
class PinyinIndex:
    #: key (initials or full pinyin, lowercase) -> words, most frequent first
    keys: dict[str, list[str]] = field(default_factory=dict)
    #: Latin words that are English (never read as pinyin)
    english: frozenset[str] = frozenset()

    def readings(self, text: str) -> list[tuple[str, list[str]]]:
        """(token, the words it may stand for) for each Latin token of ``text`` read as pinyin."""
        out = []
        for token in LATIN_TOKEN.findall((text or "").lower()):
            if len(token) < MIN_KEY or token in self.english:
                continue
            words = self.keys.get(token)
            if words:
                out.append((token, words))
        return out

    def words(self, text: str, per_key: int = PER_KEY) -> list[str]:
        """The Chinese words the pinyin in ``text`` may stand for."""
        return [w for _, words in self.readings(text) for w in words[:per_key]]

    def rewrite(self, text: str) -> str:
        """``text`` with each pinyin token replaced by its likeliest word ('' when none is)."""
        readings = dict(self.readings(text))
        if not readings:
            return ""
        return LATIN_TOKEN.sub(lambda m: readings[m.group(0)][0] if m.group(0) in readings else m.group(0),
                               (text or "").lower())


def frequent_strings(texts: Iterable[str], extra: Iterable[str] = ()) -> Counter:
    """Character n-grams of 2–6 that occur at least ``MIN_COUNT`` times in the texts, with their
    counts (an n-gram is counted only where its first n-1 characters are frequent, so memory
    follows the frequent strings, not the text's length); ``extra`` (domain phrases) count as
    occurring ``MIN_COUNT`` times at least."""
    runs = [run for text in texts for run in CJK_RUN.findall(text or "") if len(run) >= MIN_WORD]
    counts: Counter = Counter()
    frequent: set[str] | None = None
    for n in range(MIN_WORD, MAX_WORD + 1):
        level: Counter = Counter()
        for run in runs:
            for i in range(len(run) - n + 1):
                gram = run[i:i + n]
                if frequent is None or gram[:-1] in frequent:
                    level[gram] += 1
        frequent = {gram for gram, k in level.items() if k >= MIN_COUNT}
        if not frequent:
            break
        counts.update({gram: level[gram] for gram in frequent})
    for phrase in extra:
        if MIN_WORD <= len(phrase) <= MAX_WORD and CJK_RUN.fullmatch(phrase):
            counts[phrase] = max(counts[phrase], MIN_COUNT)
    return counts


def is_word(gram: str, vocabulary: Collection[str]) -> bool:
    """A dictionary word, two of them (燃气 + 报警器), or one and a character (网格 + 员)."""
    if gram in vocabulary:
        return True
    return any(gram[:i] in vocabulary and (gram[i:] in vocabulary or i == len(gram) - 1)
               for i in range(MIN_WORD, len(gram)))


def corpus_words(texts: Iterable[str], vocabulary: Collection[str] = (), phrases: Iterable[str] = ()) -> Counter:
    """The frequent strings of ``texts`` that are words (``is_word`` over ``vocabulary`` and
    ``phrases``), with their counts, less those nearly always met inside one longer such word
    (消防设 inside 消防设施 is a piece of it; 空调 inside 开空调 is not, 开空调 being no word)."""
    phrases = set(phrases)
    known = set(vocabulary) | phrases
    words = Counter({gram: k for gram, k in frequent_strings(texts, phrases).items() if is_word(gram, known)})
    longest: Counter = Counter()
    for gram, k in words.items():
        if len(gram) > MIN_WORD:
            for piece in (gram[:-1], gram[1:]):
                longest[piece] = max(longest[piece], k)
    return Counter({gram: k for gram, k in words.items() if longest[gram] < CLOSED * k})


def build_pinyin_index(texts: Iterable[str], phrases: Iterable[str] = (), english: Iterable[str] = (),
                       vocabulary: Collection[str] = ()) -> PinyinIndex:
    """The pinyin keys of the frequent words of ``texts`` (plus ``phrases``): strings that are
    words of ``vocabulary`` or of ``phrases`` or made of them (see ``is_word``); ``english``:
    Latin words that are never read as pinyin."""
    from pypinyin import Style, lazy_pinyin
    from pypinyin.constants import PHRASES_DICT

    counts = corpus_words(texts, vocabulary, phrases)
    syllable: dict[str, str] = {}

    def syllables(word: str) -> list[str]:
        if word in PHRASES_DICT:  # a word read otherwise than its characters' usual readings (空调 kong tiao)
            return lazy_pinyin(word, style=Style.NORMAL, errors="ignore")
        out = []
        for char in word:
            if char not in syllable:
                read = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
                syllable[char] = read[0] if read else ""
            out.append(syllable[char])
        return out

    found: dict[str, dict[str, int]] = defaultdict(dict)
    for word, n in counts.items():
        read = syllables(word)
        if len(read) != len(word) or not all(s.isascii() and s.isalpha() for s in read):
            continue
        for key in ("".join(s[0] for s in read), "".join(read)):
            if len(key) >= MIN_KEY:
                found[key][word] = n
    keys = {key: [w for w, _ in sorted(words.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[:PER_KEY]]
            for key, words in found.items()}
    return PinyinIndex(keys, frozenset(w.lower() for w in english))
