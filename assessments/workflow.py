"""The self-assessment workflow: communities, assessments, answers, evidence, submission and
review — plain functions over a ``GraphStore``.

Who may do what (``Actor``; admins may always view and review):

* a **community** user opens, edits (answers, evidence) and submits assessments of *their own*
  community, and sees its comments and results;
* a **reviewer** sees the non-draft assessments of communities in their area (the organization
  on their account — a street/town office — and the bodies PART_OF it), comments, adjusts
  scores with a reason (both values kept) and signs off or returns for revision;
* nobody sees another community's assessment.

States: ``draft`` → ``submitted`` → ``signed_off`` (final), or ``submitted`` → ``returned`` →
(edited) → ``submitted``.  Answers are edited in ``draft``/``returned`` only.

Storage: one ``Assessment`` node (status, ``version``, cached score summary) linked to its
``Community`` and ``Standard``; one ``Answer`` node per answered criterion (``{assessment}:{criterion}``,
linked IN_ASSESSMENT and ANSWERS), holding the community's answer *and* the reviewer's adjustment
side by side; ``Evidence`` and ``Review`` nodes IN_ASSESSMENT.  Answers are nodes rather than
relationship properties so that they carry their own audit fields, can be read in one query
with the assessment, and so that the reviewer's adjustment sits next to the original value.

Concurrency: every change to answers, adjustments or status is one guarded write
(``assessment_update``): it happens only if the assessment's ``version`` is still the one the
user loaded, in the same transaction that bumps it; otherwise ``VersionConflict`` — nothing
is overwritten silently.  Every function validates all input before writing anything.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from assessments.checklist import DEFAULT_STANDARD, Checklist, load_checklist
from assessments.errors import N_, AnswerInvalid, InvalidState, Joined, Message, NotAllowed, NotFound, VersionConflict
from assessments.scoring import NOTE_MAX, Adjustment, Answer, Result, check_adjustment, parse_answer, score
from kg.access import Access, Viewer
from kg.store.base import ID_RE, RESERVED_PROPERTIES, GraphStore

DRAFT, SUBMITTED, RETURNED, SIGNED_OFF = "draft", "submitted", "returned", "signed_off"
#: Simplified Chinese labels (msgids: pages show them translated).
STATUS_LABELS = {DRAFT: N_("草稿"), SUBMITTED: N_("已提交待审核"), RETURNED: N_("退回修改"), SIGNED_OFF: N_("已审核签署")}
#: Two-level review (assessments.review_levels): the street/town office has signed, the county
#: office reviews next.
STREET_APPROVED = "street_approved"
STATUS_LABELS[STREET_APPROVED] = N_("街道审核通过，待县级审核")
EDITABLE = (DRAFT, RETURNED)
UNFINISHED = (DRAFT, SUBMITTED, RETURNED, STREET_APPROVED)
REVIEW_ACTIONS = {"comment": N_("评语"), "adjust": N_("调整评分"), "return": N_("退回修改"), "sign_off": N_("签署"),
                  "submit": N_("提交")}
COMMUNITY_ID_RE = re.compile(r"^community\.[a-z0-9][a-z0-9.-]{0,80}$")
NAME_MAX = 100


def now_iso(now: datetime | None = None) -> str:
    """UTC time as stored: one fixed shape with microseconds, so that text order is time order."""
    now = now or datetime.now(UTC)
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _clean(props: dict | None) -> dict:
    return {k: v for k, v in (props or {}).items() if k not in RESERVED_PROPERTIES or k == "id"}


# --- who is acting -------------------------------------------------------------------------------

#: The user acting: the access policy's viewer (id, roles, their community and organization).
Actor = Viewer


def reviewer_areas(store: GraphStore, actor: Actor) -> frozenset[str] | None:
    """The area ids a reviewer covers; ``None`` means every area (admins) — the access policy's."""
    return Access(store, actor).reviewer_areas()


def can_view(store: GraphStore, actor: Actor, assessment: AssessmentRecord, community: Mapping | None) -> bool:
    """The access policy's rule for assessments (``kg.access.Access.can_view_assessment``)."""
    return Access(store, actor).can_view_assessment(assessment.community, assessment.status,
                                                    area=(community or {}).get("area"))


def can_review(store: GraphStore, actor: Actor, assessment: AssessmentRecord, community: Mapping | None) -> bool:
    return Access(store, actor).can_review_assessment(assessment.community, area=(community or {}).get("area"))


def can_edit(actor: Actor, assessment: AssessmentRecord) -> bool:
    return actor.member_of(assessment.community)


# --- records ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AssessmentRecord:
    """The Assessment node: status, version and the cached score summary."""

    id: str
    community: str
    standard: str
    status: str
    version: int
    props: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_props(cls, props: dict) -> AssessmentRecord:
        props = _clean(props)
        return cls(id=props["id"], community=props.get("community", ""), standard=props.get("standard", ""),
                   status=props.get("status", DRAFT), version=int(props.get("version") or 0), props=props)

    def get(self, key: str, default=None):
        return self.props.get(key, default)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def created_at(self) -> str:
        return self.props.get("created_at", "")

    @property
    def modified_at(self) -> str:
        """When it was last changed (stored UTC text).  Stored as ``modified_at``: the embedded
        store (kglite) keeps ``updated_at`` for itself and drops it from what is written;
        ``updated_at`` is read for records written to Neo4j before."""
        return self.props.get("modified_at") or self.props.get("updated_at") or ""

    @property
    def modified_by(self) -> str:
        return self.props.get("updated_by", "")

    def as_dict(self) -> dict:
        return dict(self.props)


@dataclass
class AssessmentView:
    """Everything about one assessment: record, community, checklist, answers, adjustments,
    evidence, reviews — and the result computed from them."""

    record: AssessmentRecord
    community: dict
    checklist: Checklist
    answers: dict[str, Answer]
    adjustments: dict[str, Adjustment]
    answer_props: dict[str, dict]
    evidence: list[dict]
    reviews: list[dict]

    @cached_property
    def result(self) -> Result:
        return score(self.checklist, self.answers, self.adjustments)

    @property
    def id(self) -> str:
        return self.record.id

    def evidence_for(self, criterion_id: str) -> list[dict]:
        return [e for e in self.evidence if e.get("criterion") == criterion_id]

    def reviews_for(self, criterion_id: str) -> list[dict]:
        return [r for r in self.reviews if r.get("criterion") == criterion_id]

    def as_dict(self, *, include_evidence: bool = True) -> dict:
        out = {"assessment": self.record.as_dict(),
               "community": dict(self.community),
               "standard": {"id": self.checklist.standard_id, "name": self.checklist.name,
                            "total_points": self.checklist.total_points, "pass_mark": self.checklist.pass_mark},
               "result": self.result.as_dict(),
               "reviews": self.reviews}
        if include_evidence:
            out["evidence"] = [{k: v for k, v in e.items() if k != "stored"} for e in self.evidence]
        return out


def _answer_from_props(cid: str, props: dict) -> tuple[Answer | None, Adjustment | None]:
    """Criterion ``cid``'s answer and the reviewer's adjustment, from its answer node's ``props``."""
    answer = Answer(cid, status=props.get("status"), value=props.get("value"), note=props.get("note") or "",
                    last_done=props.get("last_done")) if cid else None
    adjustment = None
    if props.get("review_reason") and (props.get("reviewer_points") is not None or props.get("reviewer_held") is not None):
        adjustment = Adjustment(cid, reason=props["review_reason"], points=props.get("reviewer_points"),
                                held=props.get("reviewer_held"), reviewer=props.get("reviewed_by", ""),
                                at=props.get("reviewed_at", ""))
    return answer, adjustment


def load_view(store: GraphStore, assessment_id: str, checklist: Checklist | None = None) -> AssessmentView:
    """Read one assessment (no permission check: use ``get_assessment`` for users)."""
    if not isinstance(assessment_id, str) or not ID_RE.match(assessment_id):
        raise NotFound(N_("没有这项自评"))
    rows = store.run_read("assessment_get", id=assessment_id)
    if not rows:
        raise NotFound(N_("没有这项自评：%(id)s"), id=assessment_id)
    row = rows[0]
    record = AssessmentRecord.from_props(row["assessment"])
    if checklist is None or checklist.standard_id != record.standard:
        checklist = load_checklist(store, record.standard)
    answers: dict[str, Answer] = {}
    adjustments: dict[str, Adjustment] = {}
    answer_props: dict[str, dict] = {}
    for props in row["answers"]:
        props = _clean(props)
        cid = props.get("criterion")
        if not isinstance(cid, str) or cid not in checklist.by_id:
            continue  # an answer to a criterion the standard no longer has
        answer, adjustment = _answer_from_props(cid, props)
        answer_props[cid] = props
        if answer is not None and (answer.answered or answer.note or answer.last_done):
            answers[cid] = answer
        if adjustment is not None:
            adjustments[cid] = adjustment
    evidence = sorted((_clean(e) for e in row["evidence"]), key=lambda e: (e.get("created_at", ""), e.get("id", "")))
    reviews = sorted((_clean(r) for r in row["reviews"]), key=lambda r: (r.get("at", ""), r.get("id", "")))
    return AssessmentView(record, _clean(row.get("community")) or {"id": record.community}, checklist,
                          answers, adjustments, answer_props, evidence, reviews)


def get_assessment(store: GraphStore, actor: Actor, assessment_id: str) -> AssessmentView:
    """One assessment as ``actor`` may see it; ``NotAllowed`` for anyone else's (also when the id
    does not exist, the message does not tell the two apart)."""
    try:
        view = load_view(store, assessment_id)
    except NotFound:
        raise NotAllowed(N_("没有这项自评，或你无权查看")) from None
    if not can_view(store, actor, view.record, view.community):
        raise NotAllowed(N_("没有这项自评，或你无权查看"))
    return view


# --- communities ----------------------------------------------------------------------------------

#: Numbers a community may record: property -> the msgid naming it in messages.
COMMUNITY_NUMBERS = {"population": N_("常住人口"), "households": N_("户数"),
                     "first_responder_target": N_("应急第一响应人目标人数")}
COMMUNITY_NUMBER_MAX = 10_000_000


def create_community(store: GraphStore, community_id: str, name: str, *, area: str | None = None,
                     first_responder_target: int | None = None, households: int | None = None,
                     population: int | None = None) -> dict:
    """Create or update a community.  ``area`` is the id of the Organization (street/town office)
    whose reviewers review it; ``first_responder_target`` is the number of trained first
    responders the community aims for (readiness view); ``population`` (residents) and
    ``households`` let the reports count trained responders per 10,000 residents.  A number
    left out (None) keeps what is recorded."""
    if not isinstance(community_id, str) or not COMMUNITY_ID_RE.match(community_id):
        raise AnswerInvalid(N_("社区编号须以 community. 开头，后接小写字母、数字、点或连字符"))
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name or len(name) > NAME_MAX:
        raise AnswerInvalid(N_("社区名称须为 1–%(max)s 个字符"), max=NAME_MAX)
    props: dict[str, Any] = {"name": name}
    if area:
        org = store.get_node(area) if isinstance(area, str) and ID_RE.match(area) else None
        if org is None or org["label"] != "Organization":
            raise AnswerInvalid(N_("所属街道/乡镇 %(area)s 不是图中的机构"), area=repr(str(area)[:80]))
        props["area"] = area
    numbers = {"first_responder_target": first_responder_target, "households": households, "population": population}
    for key, value in numbers.items():
        if value is None or value == "":
            continue
        what = Message(COMMUNITY_NUMBERS[key])
        if isinstance(value, bool):
            raise AnswerInvalid(N_("%(what)s：须为整数"), what=what)
        try:
            number = int(str(value).strip().replace(",", ""))
        except (TypeError, ValueError):
            raise AnswerInvalid(N_("%(what)s：须为整数"), what=what) from None
        if not 0 <= number <= COMMUNITY_NUMBER_MAX:
            raise AnswerInvalid(N_("%(what)s：须在 0–%(max)s 之间"), what=what, max=COMMUNITY_NUMBER_MAX)
        props[key] = number
    store.upsert_nodes("Community", [{"id": community_id, "properties": props}])
    if area:
        store.upsert_relationships([{"type": "LOCATED_IN", "start": community_id, "end": area}])
    return dict(props, id=community_id)


def get_community(store: GraphStore, community_id: str) -> dict:
    node = store.get_node(community_id) if isinstance(community_id, str) and ID_RE.match(community_id) else None
    if node is None or node["label"] != "Community":
        raise NotFound(N_("没有社区 %(id)s"), id=str(community_id)[:80])
    return dict(node["properties"], id=node["id"])


def list_communities(store: GraphStore, actor: Actor | None = None) -> list[dict]:
    """Communities ``actor`` may see (all when ``actor`` is None — CLI and admins)."""
    areas = None
    if actor is not None and not actor.is_admin:
        if actor.is_reviewer:
            areas = sorted(reviewer_areas(store, actor) or ())
            rows = store.run_read("assessment_communities", areas=areas) if areas else []
        else:
            rows = []
        if actor.community and "community" in actor.roles:
            own = [r for r in store.run_read("assessment_communities", areas=None) if r["id"] == actor.community]
            rows = list({r["id"]: r for r in rows + own}.values())
        return [dict(_clean(r["community"]), id=r["id"]) for r in sorted(rows, key=lambda r: r["id"])]
    return [dict(_clean(r["community"]), id=r["id"]) for r in store.run_read("assessment_communities", areas=areas)]


# --- assessments ---------------------------------------------------------------------------------

def _new_id(prefix: str) -> str:
    return f"{prefix}.{secrets.token_hex(8)}"


def list_assessments(store: GraphStore, actor: Actor | None = None, *, community_id: str | None = None,
                     statuses: Iterable[str] | None = None) -> list[AssessmentRecord]:
    """Assessments newest first; filtered to what ``actor`` may see (everything when None)."""
    communities = [community_id] if community_id else None
    rows = store.run_read("assessment_list", communities=communities,
                          statuses=list(statuses) if statuses is not None else None)
    records = [AssessmentRecord.from_props(r["assessment"]) for r in rows]
    if actor is None or actor.is_admin:
        return records
    areas = reviewer_areas(store, actor) if actor.is_reviewer else frozenset()
    community_area: dict[str, str | None] = {}
    if areas:
        for r in store.run_read("assessment_communities", areas=sorted(areas)):
            community_area[r["id"]] = r["community"].get("area")
    out = []
    for rec in records:
        if actor.member_of(rec.community):
            out.append(rec)
        elif actor.is_reviewer and rec.status != DRAFT and rec.community in community_area:
            out.append(rec)
    return out


def review_queue(store: GraphStore, actor: Actor) -> list[AssessmentRecord]:
    """Submitted assessments waiting for ``actor``'s review (their area's communities)."""
    if not (actor.is_reviewer or actor.is_admin):
        raise NotAllowed(N_("只有审核人员可以查看待审核的自评"))
    return [r for r in list_assessments(store, actor, statuses=[SUBMITTED])
            if not actor.member_of(r.community)]


def open_assessment(store: GraphStore, actor: Actor, community_id: str, standard_id: str = DEFAULT_STANDARD,
                    *, now: datetime | None = None) -> AssessmentRecord:
    """Start a new self-assessment of ``community_id`` (a member of that community only).  Refused
    while the community has an unfinished assessment against the same standard."""
    community = get_community(store, community_id)
    if not actor.member_of(community_id):
        raise NotAllowed(N_("只能为本社区开展自评"))
    checklist = load_checklist(store, standard_id)
    unfinished = [r for r in list_assessments(store, None, community_id=community_id, statuses=UNFINISHED)
                  if r.standard == standard_id]
    if unfinished:
        raise InvalidState(N_("本社区已有未完成的自评（%(id)s，%(state)s），请继续填写该自评"), id=unfinished[0].id,
                           state=Message(unfinished[0].status_label))
    result = score(checklist, {})
    at = now_iso(now)
    assessment_id = _new_id("assessment")
    props = {"community": community_id, "standard": standard_id, "status": DRAFT, "version": 1,
             "community_name": community.get("name", ""), "standard_name": checklist.name,
             "created_at": at, "created_by": actor.id, "modified_at": at, "updated_by": actor.id,
             **result.summary()}
    rows = store.run_write("assessment_create", id=assessment_id, community=community_id, standard=standard_id,
                           props=props)
    if not rows:
        raise NotFound(N_("社区或标准不存在"))
    return AssessmentRecord.from_props(dict(props, id=assessment_id))


def _guarded_update(store: GraphStore, view: AssessmentView, *, expected_version: Any, statuses: Iterable[str],
                    props: dict, answers: Sequence[dict] = (), reviews: Sequence[dict] = ()) -> int:
    """Run ``assessment_update``; turn a failed guard into a clear error.  Returns the new version."""
    expected = _version(expected_version)
    statuses = list(statuses)
    if view.record.version != expected:
        raise _conflict(store, view.record)
    if view.record.status not in statuses:
        raise _wrong_state(view.record)
    rows = store.run_write("assessment_update", id=view.record.id, expected=expected, statuses=statuses,
                           props=props, answers=list(answers), reviews=list(reviews),
                           link_ids=[a["id"] for a in answers])
    if not rows:
        fresh = load_view(store, view.record.id, view.checklist).record
        if fresh.version != expected:
            raise _conflict(store, fresh)
        raise _wrong_state(fresh)
    return int(rows[0]["version"])


def _version(value: Any) -> int:
    try:
        version = int(value)
    except (TypeError, ValueError):
        raise AnswerInvalid(N_("缺少或无效的版本号，请刷新页面后重试")) from None
    if version < 1:
        raise AnswerInvalid(N_("无效的版本号，请刷新页面后重试"))
    return version


def _conflict(store: GraphStore, record: AssessmentRecord) -> VersionConflict:
    """Someone saved the assessment after the user loaded it: say who (their display name) and
    when (UTC here; the web page shows the reader's time zone)."""
    who = user_names(store, [record.modified_by]).get(record.modified_by, record.modified_by) if record.modified_by else ""
    when = record.modified_at
    error = VersionConflict(CONFLICT_MESSAGE, who=who or Message(N_("其他用户")),
                            when=f"{when[:16].replace('T', ' ')} UTC" if when else "—", version=record.version)
    error.by, error.at, error.version = who, when, record.version
    return error


#: The conflict message (the web page fills in the time in the reader's time zone).
CONFLICT_MESSAGE = N_("这项自评已被 %(who)s 于 %(when)s 修改（当前为第 %(version)s 版），你这次的更改没有保存，"
                      "以免覆盖对方的修改。你填写的内容仍保留在表单中：请对照标出的最新内容，确认后再次保存。")


def user_names(store: GraphStore, user_ids: Iterable[str]) -> dict[str, str]:
    """Display names of users by id (the name, else the user name; unknown ids are left out)."""
    ids = sorted({u for u in user_ids if isinstance(u, str) and ID_RE.match(u)})
    out = {}
    for uid, node in store.get_nodes(ids).items() if ids else ():
        if node and node.get("label") == "User":
            props = node["properties"]
            out[uid] = str(props.get("display_name") or props.get("username") or uid)
    return out


def _wrong_state(record: AssessmentRecord) -> InvalidState:
    if record.status == SIGNED_OFF:
        return InvalidState(N_("这项自评已审核签署，不能再修改"))
    if record.status == SUBMITTED:
        return InvalidState(N_("这项自评已提交，正在审核，不能修改；如需修改请等待审核人员退回"))
    return InvalidState(N_("这项自评当前状态为“%(state)s”，不能进行此操作"), state=Message(record.status_label))


def _answer_row(record: AssessmentRecord, answer: Answer | None, criterion_id: str, actor: Actor, at: str) -> dict:
    aid = f"{record.id}:{criterion_id}"
    props = {"id": aid, "assessment": record.id, "criterion": criterion_id, "updated_by": actor.id, "modified_at": at}
    if answer is not None:
        props.update(answer.stored())
    return {"id": aid, "properties": props}


def save_answers(store: GraphStore, actor: Actor, assessment_id: str, raw_answers: Mapping[str, Any], *,
                 expected_version: Any, now: datetime | None = None, today: date | None = None) -> AssessmentView:
    """Save draft answers (only the criteria given; others are kept).  ``raw_answers`` maps
    criterion ids to what ``scoring.parse_answer`` accepts (a status/value, or a mapping with
    ``answer``, ``note``, ``last_done``).  All answers are checked first: one bad value or an id
    that is not a criterion of this standard rejects the whole save.  A changed answer clears a
    reviewer's adjustment of that criterion (it was made on the old answer)."""
    view = get_assessment(store, actor, assessment_id)
    if not can_edit(actor, view.record):
        raise NotAllowed(N_("只有本社区的用户可以填写自评"))
    if not isinstance(raw_answers, Mapping):
        raise AnswerInvalid(N_("回答格式不正确"))
    parsed: dict[str, Answer | None] = {}
    errors = []
    for cid, raw in raw_answers.items():
        try:
            view.checklist.criterion(cid)
            parsed[cid] = parse_answer(view.checklist, cid, raw, today=today)
        except AnswerInvalid as exc:
            errors.append(exc.message)
    if errors:
        raise AnswerInvalid(Joined(errors))
    at = now_iso(now)
    changed = {cid: a for cid, a in parsed.items() if a != view.answers.get(cid)}
    if not changed:
        return view
    answers = dict(view.answers)
    adjustments = dict(view.adjustments)
    for cid, a in changed.items():
        if a is None:
            answers.pop(cid, None)
        else:
            answers[cid] = a
        adjustments.pop(cid, None)
    result = score(view.checklist, answers, adjustments)
    rows = [_answer_row(view.record, a, cid, actor, at) for cid, a in changed.items()]
    props = {"modified_at": at, "updated_by": actor.id, **result.summary()}
    _guarded_update(store, view, expected_version=expected_version, statuses=EDITABLE, props=props, answers=rows)
    return load_view(store, assessment_id, view.checklist)


def submit(store: GraphStore, actor: Actor, assessment_id: str, *, expected_version: Any,
           now: datetime | None = None) -> AssessmentView:
    """Submit for review: every criterion must be answered."""
    view = get_assessment(store, actor, assessment_id)
    if not can_edit(actor, view.record):
        raise NotAllowed(N_("只有本社区的用户可以提交自评"))
    if view.record.status not in EDITABLE:
        raise _wrong_state(view.record)
    missing = [view.checklist.by_id[cid].number for cid in view.result.unanswered]
    if missing:
        raise AnswerInvalid(N_("还有 %(n)s 项未作答（%(numbers)s），全部作答后才能提交"), n=len(missing),
                            numbers=", ".join(missing[:12]) + ("……" if len(missing) > 12 else ""))
    at = now_iso(now)
    review = {"id": _new_id("review"), "properties": {
        "assessment": assessment_id, "reviewer": actor.id, "action": "submit", "at": at,
        "total": view.result.total}}
    props = {"status": SUBMITTED, "submitted_at": at, "submitted_by": actor.id, "modified_at": at,
             "updated_by": actor.id, **view.result.summary()}
    _guarded_update(store, view, expected_version=expected_version, statuses=EDITABLE, props=props, reviews=[review])
    return load_view(store, assessment_id, view.checklist)


# --- review ------------------------------------------------------------------------------------

def _reviewable(store: GraphStore, actor: Actor, assessment_id: str) -> AssessmentView:
    view = get_assessment(store, actor, assessment_id)
    if not can_review(store, actor, view.record, view.community):
        raise NotAllowed(N_("你无权审核这项自评"))
    return view


def _text(value: Any, what: str, *, required: bool = True, limit: int = NOTE_MAX) -> str:
    """``what``: a msgid naming the field (评语, 签署意见, 退回理由)."""
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise AnswerInvalid(N_("请填写%(what)s"), what=Message(what))
    if len(text) > limit:
        raise AnswerInvalid(N_("%(what)s不能超过 %(max)s 字"), what=Message(what), max=limit)
    return text


def add_comment(store: GraphStore, actor: Actor, assessment_id: str, text: str, *, criterion_id: str | None = None,
                now: datetime | None = None) -> dict:
    """A reviewer's comment (on the whole assessment or one criterion); the community sees it."""
    view = _reviewable(store, actor, assessment_id)
    text = _text(text, N_("评语"))
    props = {"assessment": assessment_id, "reviewer": actor.id, "action": "comment", "text": text, "at": now_iso(now)}
    if criterion_id:
        props["criterion"] = view.checklist.criterion(criterion_id).id
    if view.record.status != SUBMITTED:
        raise _wrong_state(view.record) if view.record.status == SIGNED_OFF else InvalidState(N_("只能对已提交的自评写评语"))
    review_id = _new_id("review")
    rows = store.run_write("assessment_add_review", assessment=assessment_id, id=review_id, props=props,
                           statuses=[SUBMITTED])
    if not rows:
        raise _wrong_state(load_view(store, assessment_id, view.checklist).record)
    return dict(props, id=review_id)


def adjust_score(store: GraphStore, actor: Actor, assessment_id: str, criterion_id: str, *, reason: str,
                 points: Any = None, held: Any = None, expected_version: Any,
                 now: datetime | None = None) -> AssessmentView:
    """Set the reviewer's points for a criterion (or whether a gate holds) with a reason; the
    community's own answer and points are kept beside it."""
    view = _reviewable(store, actor, assessment_id)
    c, new_points, new_held, reason = check_adjustment(view.checklist, criterion_id, points=points, held=held,
                                                       reason=reason)
    if view.record.status != SUBMITTED:
        raise _wrong_state(view.record) if view.record.status == SIGNED_OFF else InvalidState(N_("只能调整已提交的自评的评分"))
    at = now_iso(now)
    before = view.result.by_id[c.id]
    adjustments = dict(view.adjustments)
    adjustments[c.id] = Adjustment(c.id, reason=reason, points=new_points, held=new_held, reviewer=actor.id or "",
                                   at=at)
    result = score(view.checklist, view.answers, adjustments)
    answer_props = dict(view.answer_props.get(c.id) or _answer_row(view.record, view.answers.get(c.id), c.id, actor, at)["properties"])
    answer_props.update({"id": f"{view.record.id}:{c.id}", "review_reason": reason, "reviewed_by": actor.id,
                         "reviewed_at": at})
    answer_props.pop("reviewer_points", None)
    answer_props.pop("reviewer_held", None)
    if new_points is not None:
        answer_props["reviewer_points"] = new_points
    if new_held is not None:
        answer_props["reviewer_held"] = new_held
    review = {"id": _new_id("review"), "properties": {
        "assessment": assessment_id, "reviewer": actor.id, "action": "adjust", "criterion": c.id, "text": reason,
        "at": at, **({"original_points": before.points, "adjusted_points": new_points} if new_points is not None
                     else {"original_held": bool(before.held), "adjusted_held": new_held})}}
    props = {"modified_at": at, "updated_by": actor.id, **result.summary()}
    _guarded_update(store, view, expected_version=expected_version, statuses=[SUBMITTED], props=props,
                    answers=[{"id": answer_props["id"], "properties": answer_props}], reviews=[review])
    return load_view(store, assessment_id, view.checklist)


def sign_off(store: GraphStore, actor: Actor, assessment_id: str, *, expected_version: Any, comment: str = "",
             now: datetime | None = None) -> AssessmentView:
    """Sign off a submitted assessment: final, nothing can change afterwards.  A community whose
    street office lies in a county office's area is reviewed at both levels
    (``assessments.review_levels.approve``), not signed off in one step."""
    view = _reviewable(store, actor, assessment_id)
    from assessments.review_levels import two_levels

    if two_levels(store, view.community):
        raise InvalidState(N_("本社区的自评须先经街道（乡镇）审核、再经县级审核：请在分级审核页签署"))
    comment = _text(comment, N_("签署意见"), required=False)
    at = now_iso(now)
    review = {"id": _new_id("review"), "properties": {
        "assessment": assessment_id, "reviewer": actor.id, "action": "sign_off", "text": comment, "at": at,
        "total": view.result.total, "qualified": bool(view.result.qualified)}}
    props = {"status": SIGNED_OFF, "signed_off_at": at, "signed_off_by": actor.id, "modified_at": at,
             "updated_by": actor.id, **view.result.summary()}
    _guarded_update(store, view, expected_version=expected_version, statuses=[SUBMITTED], props=props, reviews=[review])
    return load_view(store, assessment_id, view.checklist)


def return_for_revision(store: GraphStore, actor: Actor, assessment_id: str, *, expected_version: Any, comment: str,
                        now: datetime | None = None) -> AssessmentView:
    """Send a submitted assessment back to the community with a comment saying what to revise."""
    view = _reviewable(store, actor, assessment_id)
    comment = _text(comment, N_("退回理由"))
    at = now_iso(now)
    review = {"id": _new_id("review"), "properties": {
        "assessment": assessment_id, "reviewer": actor.id, "action": "return", "text": comment, "at": at}}
    props = {"status": RETURNED, "modified_at": at, "updated_by": actor.id}
    _guarded_update(store, view, expected_version=expected_version, statuses=[SUBMITTED], props=props, reviews=[review])
    return load_view(store, assessment_id, view.checklist)


def history(store: GraphStore, actor: Actor | None, community_id: str, *, standard_id: str | None = None) -> list[AssessmentRecord]:
    """The community's assessments oldest first (for the trend), as ``actor`` may see them."""
    records = list_assessments(store, actor, community_id=community_id)
    if standard_id:
        records = [r for r in records if r.standard == standard_id]
    return sorted(records, key=lambda r: (r.created_at, r.id))


__all__ = [
    "DRAFT",
    "RETURNED",
    "SIGNED_OFF",
    "STATUS_LABELS",
    "SUBMITTED",
    "Actor",
    "AssessmentRecord",
    "AssessmentView",
    "add_comment",
    "adjust_score",
    "can_edit",
    "can_review",
    "can_view",
    "create_community",
    "get_assessment",
    "get_community",
    "history",
    "list_assessments",
    "list_communities",
    "load_view",
    "open_assessment",
    "return_for_revision",
    "review_queue",
    "reviewer_areas",
    "save_answers",
    "sign_off",
    "submit",
]
