"""Search services built on the engine: similar lessons, near-duplicates of a draft lesson, and
"ask about a situation" (a free-text scenario -> lessons, the asker's duties, plans)."""

from __future__ import annotations

from dataclasses import dataclass

from kg.search.engine import Filters, SearchEngine
from kg.search.text import tokens

#: A draft whose similarity to a stored lesson reaches this is flagged as a near-duplicate.
#: similarity = (cosine of the e5 vectors + Dice overlap of CJK character bigrams) / 2.  On the
#: bundled lessons distinct lessons of one incident reach at most ~0.58 (cosine 0.95, Dice 0.25)
#: while a reworded copy of a lesson scores ~0.71.
DUPLICATE_THRESHOLD = 0.65
#: A new lesson this close to an old lesson whose corrective action is done means the problem
#: came back (a recurrence).
RECURRENCE_THRESHOLD = 0.60


def bigram_dice(a: str, b: str) -> float:
    A = {t for t in tokens(a) if len(t) == 2}
    B = {t for t in tokens(b) if len(t) == 2}
    return 2 * len(A & B) / (len(A) + len(B)) if A or B else 0.0


@dataclass
class Similar:
    id: str
    name: str
    cosine: float
    overlap: float

    @property
    def similarity(self) -> float:
        return (self.cosine + self.overlap) / 2

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "cosine": round(self.cosine, 4),
                "overlap": round(self.overlap, 4), "similarity": round(self.similarity, 4)}


def _similar(engine: SearchEngine, vector, text: str, *, k: int, exclude: set[str]) -> list[Similar]:
    hits = engine.store.vector_search(list(map(float, vector)), labels=["LessonLearned"], k=k + len(exclude))
    hits = [h for h in hits if h["id"] not in exclude][:k]
    nodes = engine.store.get_nodes([h["id"] for h in hits])
    from kg.search.text import embedding_text

    out = []
    for h in hits:
        node = nodes.get(h["id"])
        if node is None:
            continue
        other = embedding_text(engine.store.schema, "LessonLearned", node["properties"])
        out.append(Similar(h["id"], node["properties"].get("name", h["id"]), h["score"], bigram_dice(text, other)))
    out.sort(key=lambda s: -s.similarity)
    return out


def similar_lessons(engine: SearchEngine, lesson_id: str, k: int = 5) -> list[Similar]:
    """Stored lessons nearest to a stored lesson (by its stored vector)."""
    vectors = engine.store.node_vectors([lesson_id])
    node = engine.store.get_node(lesson_id)
    if node is None or node["label"] != "LessonLearned":
        return []
    from kg.search.text import embedding_text

    text = embedding_text(engine.store.schema, "LessonLearned", node["properties"])
    vector = vectors.get(lesson_id)
    if vector is None:
        from kg.search.embedder import EmbedderLoading, embedder_loading

        if embedder_loading():  # the server is loading the model: a page must not wait for it
            raise EmbedderLoading("the embedding model is still loading: similar lessons come once it is ready")
        vector = engine.embedder.encode_documents([text])[0]
    return _similar(engine, vector, text, k=k, exclude={lesson_id})


def draft_text(fields: dict) -> str:
    """A draft lesson's text, in the order the index embeds a stored one."""
    return "\n".join(" ".join(str(fields.get(f) or "").split())
                     for f in ("name", "observation", "discussion", "lesson", "recommendation")
                     if fields.get(f))


def near_duplicates(engine: SearchEngine, fields: dict, *, k: int = 3, threshold: float = DUPLICATE_THRESHOLD,
                    exclude: set[str] | None = None) -> list[Similar]:
    """Stored lessons that a draft lesson (name, observation, discussion, lesson, recommendation)
    nearly duplicates, most similar first."""
    text = draft_text(fields)
    if not text:
        return []
    vector = engine.embedder.encode_documents([text])[0]
    return [s for s in _similar(engine, vector, text, k=k, exclude=exclude or set()) if s.similarity >= threshold]


#: How many of the plain search's hits are looked through for lessons.
SITUATION_POOL = 40
#: A hazard counts for the situation when its weight reaches this share of the strongest one.
HAZARD_SHARE = 0.3
MAX_HAZARDS = 4


def situation_hazards(engine: SearchEngine, lesson_ids: list[str]) -> list[tuple[str, float]]:
    """The hazards the given lessons (best first) are about, weighted by the lessons' ranks
    (1/rank, shared among a lesson's hazards); the strong ones, strongest first."""
    rows = {r["id"]: r["hazards"] for r in engine.store.run_read("search_lesson_hazards", ids=list(lesson_ids))}
    weights: dict[str, float] = {}
    for rank, lesson in enumerate(lesson_ids, start=1):
        found = rows.get(lesson) or []
        for hazard in found:
            weights[hazard] = weights.get(hazard, 0.0) + 1.0 / rank / len(found)
    if not weights:
        return []
    top = max(weights.values())
    strong = [(h, w) for h, w in weights.items() if w >= HAZARD_SHARE * top]
    return sorted(strong, key=lambda hw: (-hw[1], hw[0]))[:MAX_HAZARDS]


def ask(engine: SearchEngine, scenario: str, *, role: str | None = None, k: int = 5) -> dict:
    """A situation described in free text: the closest lessons (in the order plain search ranks
    them), the hazards those lessons are about, and — following from those hazards — the duties
    that address them (held by the asker's role, an organization id or name, where it holds any)
    and the plans that cover them; each group ranked by relevance to the situation."""
    role_id = engine.resolve("Organization", role) if role else None
    plain = engine.search(scenario, k=SITUATION_POOL)
    lesson_ids = [h.id for h in plain.hits if h.label == "LessonLearned"][:k]
    if len(lesson_ids) < k:
        more = engine.search(scenario, filters=Filters(labels=["LessonLearned"]), k=k, exclude=set(lesson_ids))
        lesson_ids += [h.id for h in more.hits][:k - len(lesson_ids)]
    lessons = engine.search(scenario, filters=Filters(labels=["LessonLearned"]), k=len(lesson_ids), context=True,
                            within=set(lesson_ids)) if lesson_ids else None
    order = {node_id: n for n, node_id in enumerate(lesson_ids)}
    lesson_hits = sorted(lessons.hits, key=lambda h: order[h.id]) if lessons else []
    hazards = situation_hazards(engine, lesson_ids)
    hazard_ids = [h for h, _ in hazards]
    duty_ids = {r["id"] for r in engine.store.run_read("search_duties_for_hazards", hazards=hazard_ids)} if hazard_ids else set()
    if role_id and duty_ids:
        held = engine.allowed_ids(Filters(organization=role_id)) or set()
        duty_ids = (duty_ids & held) or duty_ids
    plan_ids = {r["id"] for r in engine.store.run_read("search_plans_for_hazards", hazards=hazard_ids)} if hazard_ids else set()

    def within(label: str, ids: set[str], n: int, context: bool = False) -> list[dict]:
        if not ids:
            return []
        return [h.as_dict() for h in engine.search(scenario, filters=Filters(labels=[label]), k=n, context=context,
                                                   within=ids).hits]

    hazard_hits = within("Hazard", set(hazard_ids), MAX_HAZARDS)
    rank_of = {h: n for n, h in enumerate(hazard_ids)}
    hazard_hits.sort(key=lambda h: rank_of.get(h["id"], len(rank_of)))
    return {"scenario": scenario, "role": role_id,
            "lessons": [h.as_dict() for h in lesson_hits],
            "duties": within("Duty", duty_ids, k, context=True),
            "plans": within("Plan", plan_ids, 3),
            "hazards": hazard_hits}
