"""Fusing the dense and keyword rankings of one query into the hybrid ranking.

Each method gives up to ``CANDIDATES`` nodes with its own scores (cosine; BM25).  The fusions:

* ``RRF`` — weighted reciprocal-rank fusion, ``w_d/(k+r_d) + w_k/(k+r_k)`` (the first version);
* ``ScoreFusion`` — each method's scores normalised over its candidates (``minmax`` or
  ``zscore``), then ``α·dense + (1-α)·keyword`` with α per query language, optionally moved by
  the query's length (short keyword queries lean on keywords, long descriptions on vectors);
* ``LinearFusion`` — a logistic combiner over features of both methods and of the query,
  fitted with cross-validation on the evaluation sets (``cem search-eval --fit``), stored in
  ``fusion.json``.

The default is whichever one the held-out measurements chose (docs/search.md); all three take
and give the same things, so the evaluation can compare them on the same candidates.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

FITTED = Path(__file__).with_name("fusion.json")


@dataclass
class Candidates:
    """One query's candidates: ``ids`` with, per method, score and 1-based rank (NaN / 0 where
    the method did not return the node)."""
    query: str
    lang: str
    ids: list[str]
    dense: np.ndarray
    keyword: np.ndarray
    dense_rank: np.ndarray
    keyword_rank: np.ndarray
    #: node id -> the hazards it is about / addresses / covers (a hazard: itself and its family);
    #: filled in by the engine when a fusion re-ranks by graph proximity (``GraphBoost``)
    hazards: dict | None = None
    #: evaluation only: the query's (set, language), for the rule checked while fitting
    group: tuple | None = None
    #: the query's keyword terms (``SearchEngine.keyword_terms``: CJK characters and bigrams,
    #: domain phrases, the Chinese of English words) and each candidate's name, for ``name_match``
    terms: str = ""
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, query: str, lang: str, rankings: dict[str, list[dict]], terms: str = "") -> Candidates:
        dense = [(r["id"], float(r["score"])) for r in rankings.get("dense") or []]
        keyword = [(r["id"], float(r["score"])) for r in rankings.get("keyword") or []]
        ids = list(dict.fromkeys([i for i, _ in dense] + [i for i, _ in keyword]))
        at = {i: n for n, i in enumerate(ids)}
        dense_scores, keyword_scores = np.full(len(ids), np.nan), np.full(len(ids), np.nan)
        dense_ranks, keyword_ranks = np.zeros(len(ids)), np.zeros(len(ids))
        for (scores, ranks), found in (((dense_scores, dense_ranks), dense), ((keyword_scores, keyword_ranks), keyword)):
            for rank, (i, s) in enumerate(found, start=1):
                scores[at[i]] = s
                ranks[at[i]] = rank
        names = {r["id"]: str(r.get("name") or "") for found in rankings.values() for r in found or []}
        return cls(query, lang, ids, dense_scores, keyword_scores, dense_ranks, keyword_ranks,
                   terms=terms, names=names)

    def single(self, method: str) -> list[str]:
        """The ids in one method's own order."""
        ranks = self.dense_rank if method == "dense" else self.keyword_rank
        return [self.ids[n] for n in sorted((n for n in range(len(self.ids)) if ranks[n] > 0), key=lambda n: ranks[n])]

    def ranked(self, scores: np.ndarray) -> list[tuple[str, float]]:
        order = sorted(range(len(self.ids)), key=lambda n: (-scores[n], self.ids[n]))
        return [(self.ids[n], float(scores[n])) for n in order]


def _normalised(values: np.ndarray, how: str) -> np.ndarray:
    """Normalise the present (non-NaN) values; a missing value gets a floor below the lowest."""
    present = ~np.isnan(values)
    out = np.zeros_like(values)
    if not present.any():
        return out
    v = values[present]
    if how == "minmax":
        lo, hi = v.min(), v.max()
        out[present] = (v - lo) / (hi - lo) if hi > lo else 1.0
        out[~present] = 0.0
    elif how == "zscore":
        sd = v.std()
        z = (v - v.mean()) / sd if sd > 0 else np.zeros_like(v)
        out[present] = z
        out[~present] = (z.min() if len(z) else 0.0) - 0.5
    else:
        raise ValueError(f"unknown normalisation {how!r}")
    return out


def query_length(query: str) -> float:
    """A query's length in 'words': CJK characters count a half, Latin words one."""
    import re

    cjk = len(re.findall(r"[\u3400-\u9fff]", query))
    latin = len(re.findall(r"[A-Za-z0-9]+", query))
    return cjk / 2 + latin


# --- the fusions -------------------------------------------------------------------------------

class Fusion(Protocol):
    """What every fusion does: score one query's candidates (higher is better)."""

    def scores(self, c: Candidates) -> np.ndarray: ...


@dataclass
class RRF:
    """Weighted reciprocal-rank fusion: per language ``(w_dense, w_keyword, k)``."""
    weights: dict = field(default_factory=lambda: {"zh": (1.0, 0.5, 5), "en": (1.0, 0.25, 1)})
    kind: str = "rrf"

    def scores(self, c: Candidates) -> np.ndarray:
        wd, wk, k = self.weights.get(c.lang, self.weights["zh"])
        out = np.zeros(len(c.ids))
        out += np.where(c.dense_rank > 0, wd / (k + c.dense_rank), 0.0)
        out += np.where(c.keyword_rank > 0, wk / (k + c.keyword_rank), 0.0)
        return out


@dataclass
class ScoreFusion:
    """``α·norm(dense) + (1-α)·norm(keyword)``; α per language, moved by ``length_slope`` per
    log2 of the query's length over 4 words (then clipped to [0, 1])."""
    norm: str = "zscore"
    alpha: dict = field(default_factory=lambda: {"zh": 0.6, "en": 0.8})
    length_slope: float = 0.0
    kind: str = "score"

    def weight(self, c: Candidates) -> float:
        a = self.alpha.get(c.lang, self.alpha["zh"])
        if self.length_slope:
            a += self.length_slope * math.log2(max(query_length(c.query), 1.0) / 4.0)
        return min(1.0, max(0.0, a))

    def scores(self, c: Candidates) -> np.ndarray:
        a = self.weight(c)
        return a * _normalised(c.dense, self.norm) + (1 - a) * _normalised(c.keyword, self.norm)


FEATURES = ("dense_z", "keyword_z", "dense_mm", "keyword_mm", "dense_rr", "keyword_rr", "both")
_CJK = re.compile(r"[\u3400-\u9fff]")


def name_match(c: Candidates) -> np.ndarray:
    """Per candidate: the share of the query's Chinese terms of two or more characters (bigrams,
    domain phrases, the Chinese an English word was expanded into) found in its name — the
    title match of learning to rank: a short query that names a thing finds the record named
    so, whatever the length of its body (BM25 over the whole text dilutes it)."""
    wanted = [t for t in c.terms.split() if len(t) >= 2 and _CJK.search(t)]
    if not wanted:
        return np.zeros(len(c.ids))
    return np.array([sum(1 for t in wanted if t in name) / len(wanted)
                     for name in (c.names.get(i, "") for i in c.ids)])


def features(c: Candidates) -> np.ndarray:
    """Per candidate: the base features, then each of the first six times [query is English],
    then times log(query length), then ``name_match``."""
    dz, kz = _normalised(c.dense, "zscore"), _normalised(c.keyword, "zscore")
    dm, km = _normalised(c.dense, "minmax"), _normalised(c.keyword, "minmax")
    drr = np.where(c.dense_rank > 0, 1.0 / (5 + c.dense_rank), 0.0)
    krr = np.where(c.keyword_rank > 0, 1.0 / (5 + c.keyword_rank), 0.0)
    both = ((c.dense_rank > 0) & (c.keyword_rank > 0)).astype(float)
    base = np.stack([dz, kz, dm, km, drr, krr, both], axis=1)
    en = 1.0 if c.lang == "en" else 0.0
    length = math.log(1.0 + query_length(c.query))
    return np.hstack([base, base[:, :6] * en, base[:, :6] * length, name_match(c)[:, None]])


@dataclass
class LinearFusion:
    """A fitted linear combiner over ``features``."""
    coef: list = field(default_factory=list)
    intercept: float = 0.0
    kind: str = "linear"
    note: str = ""

    def scores(self, c: Candidates) -> np.ndarray:
        return features(c) @ np.asarray(self.coef) + self.intercept


@dataclass
class GraphBoost:
    """Re-rank ``base`` by graph proximity to the hazards the query is about, recognised from
    its best hits (pseudo-relevance feedback through the graph): the hazards of the ``top`` hits
    get weights (1/rank, summing to 1) and every candidate linked to them gains ``beta`` times
    their weight over its standardised base score."""
    base: Fusion
    beta: float = 0.0
    top: int = 3
    kind: str = "graph"

    def scores(self, c: Candidates) -> np.ndarray:
        s = np.asarray(self.base.scores(c), dtype=float)
        if not self.beta or not c.hazards or len(s) < 2:
            return s
        sd = s.std()
        z = (s - s.mean()) / sd if sd > 0 else np.zeros_like(s)
        order = np.lexsort((np.array(c.ids), -s))[:self.top]
        weights: dict[str, float] = {}
        for rank, n in enumerate(order, start=1):
            found = c.hazards.get(c.ids[n]) or ()
            for h in found:
                weights[h] = weights.get(h, 0.0) + 1.0 / rank / len(found)
        total = sum(weights.values())
        if not total:
            return z
        boost = np.array([sum(weights.get(h, 0.0) for h in (c.hazards.get(i) or ())) / total for i in c.ids])
        return z + self.beta * boost


def fit_linear(candidates: list[Candidates], relevant: list[dict[str, int]], *, C: float = 1.0) -> LinearFusion:
    """Fit a logistic combiner: relevant (grade 1 or 2, answers weighted 3x) against the rest."""
    from sklearn.linear_model import LogisticRegression

    X = np.vstack([features(c) for c in candidates])
    grades = np.concatenate([[rel.get(i, 0) for i in c.ids] for c, rel in zip(candidates, relevant)])
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit(X, (grades > 0).astype(int), sample_weight=np.where(grades == 2, 3.0, 1.0))
    return LinearFusion([float(x) for x in model.coef_[0]], float(model.intercept_[0]))


def uses_graph(fusion) -> bool:
    """Whether ``fusion`` needs the candidates' hazards (``Candidates.hazards``)."""
    return getattr(fusion, "kind", "") == "graph" and bool(getattr(fusion, "beta", 0))


def from_dict(data: dict):
    kind = data.get("kind")
    params = {k: v for k, v in data.items() if k != "kind"}
    if kind == "rrf":
        return RRF(weights={k: tuple(v) for k, v in params["weights"].items()})
    if kind == "score":
        return ScoreFusion(**params)
    if kind == "linear":
        return LinearFusion(**params)
    if kind == "graph":
        return GraphBoost(from_dict(params.pop("base")), **params)
    raise ValueError(f"unknown fusion {kind!r}")


def to_dict(fusion) -> dict:
    return asdict(fusion)


def fitted() -> dict:
    """``fusion.json``: ``{backend: {"note", "fusion"}}`` (one fit per store backend: their
    keyword scorers differ — kglite ranks BM25 per label, Neo4j over one index)."""
    if not FITTED.is_file():
        return {}
    return json.loads(FITTED.read_text(encoding="utf-8"))


def load_default(backend: str = "embedded"):
    """The fusion fitted for ``backend`` (written by ``cem search-eval --fit``; a backend without
    its own fit uses the embedded store's), else score fusion."""
    data = fitted()
    entry = data.get(backend) or data.get("embedded")
    return from_dict(entry["fusion"]) if entry else ScoreFusion()
