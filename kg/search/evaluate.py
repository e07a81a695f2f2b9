"""Retrieval evaluation: nDCG@10, MRR and R@5 per method and per query language.

Queries are JSON Lines: ``{"qid", "lang", "query", "relevant": {node_id: grade}}`` with grade 2 =
the node answers the query, 1 = related.  nDCG@10 uses both grades (gain 2^grade - 1); MRR
(first answer's reciprocal rank) and R@5 (share of answers in the top 5) count grade-2 nodes.
The development set lives in ``tests/search_eval/dev_queries.jsonl``.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from kg.search.engine import CANDIDATES, FUSION, METHODS, SearchEngine, rrf
from kg.search.text import language

DEV_QUERIES = Path(__file__).resolve().parents[2] / "tests" / "search_eval" / "dev_queries.jsonl"


class EvalError(ValueError):
    pass


@dataclass
class Query:
    qid: str
    lang: str
    query: str
    relevant: dict[str, int]


def load_queries(path: str | Path) -> list[Query]:
    out, problems = [], []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                relevant = {str(k): int(v) for k, v in dict(raw["relevant"]).items()}
                if not relevant or any(g not in (1, 2) for g in relevant.values()):
                    raise ValueError("relevant: give {node_id: 1 or 2}, at least one")
                query = str(raw["query"]).strip()
                if not query:
                    raise ValueError("query: empty")
                out.append(Query(str(raw.get("qid") or f"q{number}"), str(raw.get("lang") or language(query)),
                                 query, relevant))
            except (ValueError, KeyError, TypeError) as exc:
                problems.append(f"{path}:{number}: {exc}")
    if problems:
        raise EvalError("\n".join(problems))
    if not out:
        raise EvalError(f"{path}: no queries")
    return out


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** relevant.get(node, 0) - 1) / math.log2(i + 2) for i, node in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def answers(relevant: dict[str, int]) -> set[str]:
    best = max(relevant.values())
    return {n for n, g in relevant.items() if g == best}


def mrr(ranked: list[str], relevant: dict[str, int]) -> float:
    wanted = answers(relevant)
    for i, node in enumerate(ranked, start=1):
        if node in wanted:
            return 1.0 / i
    return 0.0


def recall(ranked: list[str], relevant: dict[str, int], k: int = 5) -> float:
    wanted = answers(relevant)
    return len(wanted & set(ranked[:k])) / len(wanted)


@dataclass
class Scores:
    n: int = 0
    ndcg: float = 0.0
    mrr: float = 0.0
    recall5: float = 0.0

    def add(self, ranked, relevant):
        self.n += 1
        self.ndcg += ndcg(ranked, relevant)
        self.mrr += mrr(ranked, relevant)
        self.recall5 += recall(ranked, relevant)

    def mean(self) -> dict:
        n = max(self.n, 1)
        return {"n": self.n, "ndcg@10": self.ndcg / n, "mrr": self.mrr / n, "r@5": self.recall5 / n}


@dataclass
class Report:
    results: dict = field(default_factory=dict)  # method -> lang -> scores dict
    per_query: list = field(default_factory=list)
    fusion: dict = field(default_factory=dict)

    def table(self) -> str:
        lines = [f"{'method':<8} {'lang':<4} {'n':>3}  {'nDCG@10':>7}  {'MRR':>6}  {'R@5':>6}"]
        for method, by_lang in self.results.items():
            for lang, s in by_lang.items():
                lines.append(f"{method:<8} {lang:<4} {s['n']:>3}  {s['ndcg@10']:>7.3f}  {s['mrr']:>6.3f}  {s['r@5']:>6.3f}")
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {"results": self.results, "fusion": self.fusion, "queries": self.per_query}


def candidate_rankings(engine: SearchEngine, queries: list[Query]) -> dict[str, dict[str, list[str]]]:
    """qid -> {"dense": [...], "keyword": [...]} (top CANDIDATES ids), computed once."""
    out = {}
    for q in queries:
        raw = engine.rank(q.query, "hybrid", labels=engine.labels, ids=None, k=CANDIDATES)
        out[q.qid] = {m: [r["id"] for r in ranked] for m, ranked in raw.items()}
    return out


def fused(rankings: dict[str, list[str]], params) -> list[str]:
    wd, wk, k = params
    return [i for i, _ in rrf(rankings, {"dense": wd, "keyword": wk}, k)]


def evaluate(engine: SearchEngine, queries: list[Query], *, rankings=None, fusion=None) -> Report:
    """Score keyword, dense and hybrid (with ``fusion`` or the engine's weights)."""
    rankings = rankings or candidate_rankings(engine, queries)
    fusion = dict(engine.fusion, **(fusion or {}))
    scores = {m: {} for m in ("keyword", "dense", "hybrid")}
    report = Report(fusion={k: list(v) for k, v in fusion.items()})
    for q in queries:
        ranked = {"keyword": rankings[q.qid]["keyword"][:10], "dense": rankings[q.qid]["dense"][:10],
                  "hybrid": fused(rankings[q.qid], fusion.get(q.lang, fusion["zh"]))[:10]}
        row = {"qid": q.qid, "lang": q.lang, "query": q.query}
        for method, ids in ranked.items():
            for lang in (q.lang, "all"):
                scores[method].setdefault(lang, Scores()).add(ids, q.relevant)
            row[method] = {"ndcg@10": ndcg(ids, q.relevant), "mrr": mrr(ids, q.relevant), "top": ids[:5]}
        report.per_query.append(row)
    report.results = {m: {lang: s.mean() for lang, s in sorted(by.items(), key=lambda kv: kv[0] == "all")}
                      for m, by in scores.items()}
    return report


def tune(engine: SearchEngine, queries: list[Query], *, rankings=None) -> dict:
    """Grid-search the fusion weights per language on these (development) queries: maximise
    nDCG@10, then MRR; returns ``{lang: ((w_dense, w_keyword, k), ndcg, mrr)}``."""
    rankings = rankings or candidate_rankings(engine, queries)
    grid = list(itertools.product([1.0], [0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.25, 1.5, 2.0],
                                  [1, 5, 10, 20, 40, 60]))
    best = {}
    for lang in sorted({q.lang for q in queries}):
        subset = [q for q in queries if q.lang == lang]
        scored = []
        for params in grid:
            n = sum(ndcg(fused(rankings[q.qid], params), q.relevant) for q in subset) / len(subset)
            r = sum(mrr(fused(rankings[q.qid], params), q.relevant) for q in subset) / len(subset)
            scored.append((round(n, 4), round(r, 4), params))
        scored.sort(key=lambda s: (-s[0], -s[1], s[2][1]))
        best[lang] = (scored[0][2], scored[0][0], scored[0][1])
    return best


__all__ = ["load_queries", "evaluate", "tune", "Report", "Query", "DEV_QUERIES", "EvalError", "METHODS",
           "FUSION"]
