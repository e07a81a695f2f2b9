"""The residents' knowledge survey (criterion 5.3: 居民掌握防灾避灾、自救互救基本知识的比例达到80%以上).

A community's editor opens a survey: a short quiz drawn from the question bank's resident-level
items (questions linked ``FOR_AUDIENCE`` to ``org.residents``; the link cites why), spread over
the modules they come from.  Residents answer it without an account through a public link (and
a QR code of it); each answer sheet is an anonymous ``SurveyResponse`` — the score and whether
it reached the pass mark, nothing about who sent it.

Results: the share of answer sheets reaching the pass mark with its 95 % Wilson score interval
(``scipy.stats.binomtest(...).proportion_ci(method="wilson")``) and the sample size, so that a
small sample is not read as proof: 18 of 20 (90 %) gives 69.9–97.2 %, which does not show that
80 % of residents know what to do.

The pass mark is the quiz engine's default (80 %, ``curricula.scoring.DEFAULT_PASS_MARK``): no
source says what "掌握" means as a score, so the survey uses the mark the platform's own final
exam uses; a community may set another between 60 % and 100 %.
"""

from __future__ import annotations

import random
import re
import secrets
import string
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from scipy.stats import binomtest

from curricula.bank import Question, load_questions
from curricula.scoring import DEFAULT_PASS_MARK, is_correct
from kg.access import Viewer, community_record, require_community_reader
from kg.errors import N_, Invalid, NotAllowed, NotFound
from kg.store.base import ID_RE, RESERVED_PROPERTIES, GraphStore

#: The residents' node of the graph: questions FOR_AUDIENCE it are resident-level.
RESIDENTS = "org.residents"
DEFAULT_SIZE = 10
SIZE_RANGE = (5, 20)
PASS_MARK_RANGE = (0.6, 1.0)
CONFIDENCE = 0.95
NAME_MAX = 60
#: A public link's slug: letters and digits only (a QR code, a WeChat message and a hand-typed
#: address all keep it whole), 12 characters (about 71 bits).
SLUG_ALPHABET = string.ascii_letters + string.digits
SLUG_LENGTH = 12
#: Slugs the public page accepts: also '-' and '_', which links issued before took from
#: ``token_urlsafe`` (a link starting with one, or holding '_', was refused as an unknown survey).
SLUG_RE = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


def new_slug() -> str:
    return "".join(secrets.choice(SLUG_ALPHABET) for _ in range(SLUG_LENGTH))


def iso(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ResidentItem:
    id: str
    modules: tuple[str, ...]
    source: str | None
    locator: str | None


@dataclass
class Survey:
    id: str
    community: str
    name: str
    questions: list[str]
    pass_mark: float
    slug: str
    opened_at: str
    closed_at: str | None = None
    props: dict = field(default_factory=dict, compare=False)

    @property
    def open(self) -> bool:
        return not self.closed_at

    @classmethod
    def from_node(cls, props: Mapping) -> Survey:
        props = {k: v for k, v in props.items() if k not in RESERVED_PROPERTIES or k == "id"}
        return cls(id=props["id"], community=props["community"], name=props["name"],
                   questions=list(props.get("questions") or []), pass_mark=float(props["pass_mark"]),
                   slug=props["slug"], opened_at=props["opened_at"], closed_at=props.get("closed_at") or None,
                   props=dict(props))


@dataclass(frozen=True)
class Share:
    """How many answer sheets, how many reached the pass mark, the share and its Wilson interval."""

    responses: int
    passed: int
    low: float | None
    high: float | None

    @property
    def share(self) -> float | None:
        return self.passed / self.responses if self.responses else None

    def percent(self, value: float | None) -> float | None:
        return None if value is None else round(100 * value, 1)

    def proves(self, target_percent: float) -> bool:
        """The whole interval lies at or above the target: the sample shows the share is reached."""
        return self.low is not None and 100 * self.low >= target_percent

    def as_dict(self) -> dict:
        return {"responses": self.responses, "passed": self.passed, "share": self.percent(self.share),
                "low": self.percent(self.low), "high": self.percent(self.high), "confidence": CONFIDENCE}


def wilson(passed: int, responses: int, confidence: float = CONFIDENCE) -> Share:
    if responses <= 0:
        return Share(0, 0, None, None)
    ci = binomtest(passed, responses).proportion_ci(confidence_level=confidence, method="wilson")
    return Share(responses, passed, float(ci.low), float(ci.high))


# --- the bank's resident-level items -------------------------------------------------------------

def resident_items(store: GraphStore) -> list[ResidentItem]:
    return [ResidentItem(r["id"], tuple(sorted(m for m in r["modules"] if m)), r.get("source"), r.get("locator"))
            for r in store.run_read("survey_resident_items", audience=RESIDENTS)]


def draw_items(items: list[ResidentItem], size: int, rng: random.Random) -> list[str]:
    """``size`` items spread over the modules: one from each module in turn (modules and items in
    random order), until enough are drawn."""
    by_module: dict[str, list[str]] = defaultdict(list)
    for item in items:
        by_module[item.modules[0] if item.modules else ""].append(item.id)
    pools = [list(v) for _, v in sorted(by_module.items())]
    for pool in pools:
        rng.shuffle(pool)
    rng.shuffle(pools)
    chosen: list[str] = []
    while len(chosen) < size and any(pools):
        for pool in pools:
            if pool and len(chosen) < size:
                chosen.append(pool.pop())
    return chosen


# --- who may do what ------------------------------------------------------------------------------

def _require_editor(viewer: Viewer, community_id: str) -> None:
    if not (viewer.is_admin or viewer.member_of(community_id)):
        raise NotAllowed(N_("只有本社区的用户可以管理居民知识问卷"))


# --- surveys ---------------------------------------------------------------------------------------

def open_survey(store: GraphStore, viewer: Viewer, community_id: str, *, name: str, size: int = DEFAULT_SIZE,
                pass_mark: float = DEFAULT_PASS_MARK, now: datetime, rng: random.Random | None = None) -> Survey:
    """Open a survey of ``size`` resident-level items for a community (its editors only)."""
    community_record(store, community_id)
    _require_editor(viewer, community_id)
    name = " ".join(str(name or "").split())
    if not name or len(name) > NAME_MAX:
        raise Invalid(N_("问卷名称须为 1–%(max)s 个字"), max=NAME_MAX)
    try:
        size, pass_mark = int(size), float(pass_mark)
    except (TypeError, ValueError):
        raise Invalid(N_("题目数和及格线须为数字")) from None
    if not SIZE_RANGE[0] <= size <= SIZE_RANGE[1]:
        raise Invalid(N_("题目数须在 %(low)s–%(high)s 之间"), low=SIZE_RANGE[0], high=SIZE_RANGE[1])
    if not PASS_MARK_RANGE[0] <= pass_mark <= PASS_MARK_RANGE[1]:
        raise Invalid(N_("及格线须在 %(low)s%%–%(high)s%% 之间"), low=60, high=100)
    items = resident_items(store)
    if len(items) < size:
        raise Invalid(N_("题库中面向居民的题目只有 %(count)s 道，少于所需的 %(size)s 道"), count=len(items), size=size)
    questions = draw_items(items, size, rng or random.SystemRandom())
    survey_id = f"survey.{secrets.token_hex(6)}"
    props = {"community": community_id, "name": name, "questions": questions, "pass_mark": pass_mark,
             "slug": new_slug(), "opened_at": iso(now), "opened_by": viewer.id or ""}
    store.upsert_nodes("Survey", [{"id": survey_id, "properties": props}])
    store.upsert_relationships([{"type": "SURVEY_OF", "start": survey_id, "end": community_id}]
                               + [{"type": "ASKS", "start": survey_id, "end": q} for q in questions])
    return Survey.from_node(dict(props, id=survey_id))


def get_survey(store: GraphStore, survey_id: str) -> Survey:
    node = store.get_node(survey_id) if isinstance(survey_id, str) and ID_RE.match(survey_id) else None
    if node is None or node["label"] != "Survey":
        raise NotFound(N_("没有这份问卷"))
    return Survey.from_node(dict(node["properties"], id=node["id"]))


def survey_for(store: GraphStore, viewer: Viewer, survey_id: str) -> Survey:
    """A survey as a signed-in viewer may see it (its community's users, reviewers of its area)."""
    survey = get_survey(store, survey_id)
    require_community_reader(store, viewer, survey.community)
    return survey


def close_survey(store: GraphStore, viewer: Viewer, survey_id: str, *, now: datetime) -> Survey:
    survey = get_survey(store, survey_id)
    _require_editor(viewer, survey.community)
    if survey.closed_at:
        return survey
    props = dict(survey.props, closed_at=iso(now), closed_by=viewer.id or "")
    props.pop("id", None)
    store.upsert_nodes("Survey", [{"id": survey.id, "properties": props}])
    return get_survey(store, survey.id)


def by_slug(store: GraphStore, slug: str) -> Survey:
    """The survey behind a public link (open or closed)."""
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise NotFound(N_("没有这份问卷"))
    rows = store.run_read("survey_by_slug", slug=slug)
    if not rows:
        raise NotFound(N_("没有这份问卷"))
    return Survey.from_node(dict(rows[0]["survey"]))


def list_surveys(store: GraphStore, viewer: Viewer, community_id: str) -> list[Survey]:
    community_record(store, community_id)
    require_community_reader(store, viewer, community_id)
    return [Survey.from_node(dict(r["survey"])) for r in store.run_read("survey_list", communities=[community_id])]


def questions_of(store: GraphStore, survey: Survey) -> list[Question]:
    found = load_questions(store, survey.questions)
    return [found[q] for q in survey.questions if q in found]


def shown_order(question: Question, rng: random.Random) -> list[int]:
    """Authoring positions in the order shown (true/false stays 正确/错误)."""
    order = list(range(len(question.options)))
    if question.kind != "true_false":
        rng.shuffle(order)
    return order


# --- answer sheets ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sheet:
    id: str
    correct: int
    total: int
    passed: bool


def parse_choices(survey: Survey, raw: Mapping[str, Iterable[str]]) -> dict[str, list[int]]:
    """The chosen authoring positions per question from a form (``q-<question id>`` -> values);
    every question must be answered, and nothing else may be sent."""
    chosen: dict[str, list[int]] = {}
    for key, values in raw.items():
        if not key.startswith("q-"):
            continue
        qid = key[2:]
        if qid not in survey.questions:
            raise Invalid(N_("问卷中没有这道题"))
        try:
            chosen[qid] = sorted({int(v) for v in values})
        except (TypeError, ValueError):
            raise Invalid(N_("答案格式不正确")) from None
    missing = [q for q in survey.questions if not chosen.get(q)]
    if missing:
        raise Invalid(N_("还有 %(count)s 道题没有作答，请全部作答后再提交"), count=len(missing))
    return chosen


def record_response(store: GraphStore, survey: Survey, chosen: Mapping[str, list[int]], *, now: datetime) -> Sheet:
    """Score an answer sheet and keep it (anonymously).  A closed survey takes no more answers."""
    if survey.closed_at:
        raise Invalid(N_("这份问卷已经结束，不再接受答卷"))
    questions = {q.id: q for q in questions_of(store, survey)}
    for qid, positions in chosen.items():
        question = questions.get(qid)
        if question is None:
            raise Invalid(N_("问卷中没有这道题"))
        if any(p < 0 or p >= len(question.options) for p in positions):
            raise Invalid(N_("答案格式不正确"))
    right = sorted(q for q, question in questions.items() if is_correct(question.answer, chosen.get(q)))
    total = len(questions)
    passed = total > 0 and len(right) >= _required(total, survey.pass_mark)
    sheet_id = f"response.{secrets.token_hex(8)}"
    store.upsert_nodes("SurveyResponse", [{"id": sheet_id, "properties": {
        "community": survey.community, "survey": survey.id, "correct": len(right), "total": total,
        "passed": bool(passed), "right": right, "at": iso(now)}}])
    store.upsert_relationships([{"type": "RESPONSE_TO", "start": sheet_id, "end": survey.id}])
    return Sheet(sheet_id, len(right), total, bool(passed))


def _required(total: int, pass_mark: float) -> int:
    from curricula.scoring import required_correct

    return required_correct(total, pass_mark)


# --- results --------------------------------------------------------------------------------------

@dataclass
class Results:
    survey: Survey
    share: Share
    items: list[dict]

    def as_dict(self) -> dict:
        return {"survey": self.survey.id, "pass_mark": self.survey.pass_mark, **self.share.as_dict(),
                "items": self.items}


def results(store: GraphStore, survey: Survey) -> Results:
    rows = store.run_read("survey_counts", surveys=[survey.id], since=None)
    responses = int(rows[0]["responses"]) if rows else 0
    passed = int(rows[0]["passed"]) if rows else 0
    right = {r["question"]: int(r["right"]) for r in store.run_read("survey_item_counts", survey=survey.id)}
    items = [{"question": q.id, "name": q.name, "right": right.get(q.id, 0),
              "share": round(100 * right.get(q.id, 0) / responses, 1) if responses else None}
             for q in questions_of(store, survey)]
    return Results(survey, wilson(passed, responses), items)


def community_shares(store: GraphStore, communities: list[str], *, now: datetime,
                     months: int = 12) -> dict[str, tuple[Share, list[str]]]:
    """Per community: every answer sheet of its surveys sent in the last ``months`` pooled — the
    share reaching the pass mark with its interval, and the surveys they answered."""
    since = iso(now - timedelta(days=round(months * 365.25 / 12)))
    out: dict[str, tuple[Share, list[str]]] = {}
    for row in store.run_read("survey_community_counts", communities=list(communities), since=since):
        out[row["community"]] = (wilson(int(row["passed"]), int(row["responses"])), sorted(row["surveys"]))
    return out


__all__ = [
    "RESIDENTS",
    "ResidentItem",
    "Results",
    "Share",
    "Sheet",
    "Survey",
    "by_slug",
    "close_survey",
    "community_shares",
    "draw_items",
    "get_survey",
    "list_surveys",
    "open_survey",
    "parse_choices",
    "questions_of",
    "record_response",
    "resident_items",
    "results",
    "shown_order",
    "survey_for",
    "wilson",
]
