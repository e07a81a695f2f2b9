"""The lessons-learned workspace: record shape checks, adding a lesson (with its near-duplicate
and recurrence checks), corrective actions, the overdue list, and a lesson's record.

A lesson follows the observation / discussion / lesson / recommendation shape, addresses one
issue, says who should act, names its phase, hazards, incident (if any) and source, fits on
about one page, and expands every acronym it uses.

Every message for people is a msgid of the web app's catalogue (``N_``: Simplified Chinese with
named parameters; English in ``web/translations/en/LC_MESSAGES/lessons.po``): problems come back
as ``kg.errors.Message`` (a ``str`` with ``translated()``), refusals as ``LessonError``.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from kg.errors import N_, Invalid, Message
from kg.search.assist import DUPLICATE_THRESHOLD, RECURRENCE_THRESHOLD, Similar, _similar, draft_text
from kg.store.base import GraphStore, StoreError

TEXT_FIELDS = ("name", "observation", "discussion", "lesson", "recommendation")
FIELD_LIMITS = {"name": 60, "observation": 600, "discussion": 600, "lesson": 200, "recommendation": 500}
#: About one printed page of Chinese text, all parts together.
PAGE_LIMIT = 1500
STATUSES = ("open", "in_progress", "done", "verified")
#: Names of the statuses (msgids: translate where shown).
STATUS_NAMES = {"open": N_("未开始"), "in_progress": N_("进行中"), "done": N_("已完成"), "verified": N_("已核实")}
ACRONYM_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Za-z0-9.&-]*(?![A-Za-z0-9])")
LIST_MARKER_RE = re.compile(r"[；;]|(?:^|[，,\s])(?:[一二三四五六七八九十]是|[0-9]+[.、)）]|[（(][0-9一二三四五六七八九十]+[)）])")


class LessonError(Invalid):
    """The request cannot be carried out; the message is for people."""

    code = "lesson_invalid"


def unexpanded_acronyms(text: str) -> list[str]:
    """All-caps Latin tokens (two or more capitals, e.g. AED, GIS) that are neither followed by a
    parenthesised expansion (``AED（自动体外除颤器）``) nor themselves the parenthesised short form
    of what precedes them (``自动体外除颤器（AED）``), at their first use."""
    expanded, missing = set(), []
    for m in ACRONYM_RE.finditer(text or ""):
        token = m.group(0).rstrip(".-")
        if sum(c.isupper() for c in token) < 2 or any(c.islower() for c in token):
            continue  # a word (Wi-Fi, pH) or a single letter (A 级), not an acronym
        if token in expanded or token in missing:
            continue
        after = text[m.start() + len(token):].lstrip()
        before = text[:m.start()].rstrip()
        if after.startswith(("(", "（")) or (before.endswith(("(", "（")) and len(before) > 1):
            expanded.add(token)
        else:
            missing.append(token)
    return missing


def check_lesson(fields: dict) -> dict[str, list[Message]]:
    """Problems with a draft lesson's text, by field (empty when it has the right shape)."""
    problems: dict[str, list[Message]] = {}

    def add(name, message_id, **params):
        problems.setdefault(name, []).append(Message(message_id, **params))

    for name in TEXT_FIELDS:
        value = (fields.get(name) or "").strip()
        if not value and name != "discussion":
            add(name, N_("必填。"))
        if len(value) > FIELD_LIMITS[name]:
            add(name, N_("不超过 %(limit)s 字（现为 %(length)s 字）。"), limit=FIELD_LIMITS[name], length=len(value))
    title = (fields.get("name") or "").strip()
    if title and (LIST_MARKER_RE.search(title) or title.rstrip("。").count("。")):
        add("name", N_("标题只写一个问题：不要用分号、句号或编号列出几件事。"))
    total = sum(len((fields.get(n) or "").strip()) for n in TEXT_FIELDS)
    if total > PAGE_LIMIT:
        add("recommendation", N_("全文约一页为限（不超过 %(limit)s 字，现为 %(length)s 字）：请精简。"),
            limit=PAGE_LIMIT, length=total)
    for name in TEXT_FIELDS:
        missing = unexpanded_acronyms(fields.get(name) or "")
        if missing:
            add(name, N_("缩写须在首次出现时注明全称，例如“AED（自动体外除颤器）”：%(acronyms)s"),
                acronyms=", ".join(missing))
    if not fields.get("act_by"):
        add("act_by", N_("请注明应由谁落实建议（至少一个组织或角色）。"))
    if not fields.get("hazards"):
        add("hazards", N_("请至少选择一种灾害风险。"))
    for name in ("phase", "source"):
        if not fields.get(name):
            add(name, N_("必填。"))
    return problems


#: What a missing node of each kind is called in a refusal.
NOT_FOUND = {"Phase": N_("没有工作阶段 %(id)s"), "Source": N_("没有来源文件 %(id)s"), "Hazard": N_("没有灾害风险 %(id)s"),
             "Organization": N_("没有组织 %(id)s"), "Incident": N_("没有事件 %(id)s"),
             "LessonLearned": N_("没有经验教训 %(id)s"), "CorrectiveAction": N_("没有整改措施 %(id)s")}


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Added:
    id: str
    recurrence_of: list[Similar] = field(default_factory=list)


def add_lesson(store: GraphStore, engine, fields: dict, *, actor: str,
               duplicates_checked: list[Similar] | None = None) -> Added:
    """Write a checked lesson with its links, index it, and flag a recurrence: the new lesson
    closely matches an old lesson whose corrective action is done."""
    problems = check_lesson(fields)
    if problems:
        raise LessonError(N_("经验教训不符合记录格式，请检查这些字段：%(fields)s"), fields=", ".join(problems))
    wanted = {fields["phase"], fields["source"], *fields["hazards"], *fields["act_by"]}
    if fields.get("incident"):
        wanted.add(fields["incident"])
    labels = store.labels_of(wanted)
    expected = {fields["phase"]: "Phase", fields["source"]: "Source"}
    expected.update(dict.fromkeys(fields["hazards"], "Hazard"))
    expected.update(dict.fromkeys(fields["act_by"], "Organization"))
    if fields.get("incident"):
        expected[fields["incident"]] = "Incident"
    for node_id, label in expected.items():
        if labels.get(node_id) != label:
            raise LessonError(NOT_FOUND[label], id=node_id)
    lesson_id = f"lesson.ws-{date.today():%Y%m%d}-{secrets.token_hex(3)}"
    props = {name: " ".join((fields.get(name) or "").split()) for name in TEXT_FIELDS if (fields.get(name) or "").strip()}
    props.update(created_by=actor, created_at=_now(), origin="workspace")
    rels = [{"type": "IN_PHASE", "start": lesson_id, "end": fields["phase"]},
            {"type": "CITES", "start": lesson_id, "end": fields["source"],
             "properties": {"locator": (fields.get("locator") or "").strip()[:300] or None}}]
    rels += [{"type": "ABOUT", "start": lesson_id, "end": h} for h in fields["hazards"]]
    rels += [{"type": "RECOMMENDS_ACTION_BY", "start": lesson_id, "end": o} for o in fields["act_by"]]
    if fields.get("incident"):
        rels.append({"type": "FROM_INCIDENT", "start": lesson_id, "end": fields["incident"]})
    store.upsert_nodes("LessonLearned", [{"id": lesson_id, "properties": props}])
    try:
        store.upsert_relationships(rels)
    except StoreError:
        store.delete_node(lesson_id)  # no half-written lesson
        raise
    # Search index: the text just checked for duplicates is the text the index embeds.
    text = draft_text(props)
    vector = engine.embedder.encode_documents([text])[0]
    from kg.search.embedder import VectorCache
    from kg.search.index import index_nodes

    cache = VectorCache(None)
    cache.put_many({VectorCache.key(text, engine.embedder.model_id): vector})
    index_nodes(store, engine.embedder, [lesson_id], cache=cache)  # this lesson only, no full re-index
    # Recurrence: an old lesson this close whose corrective action is done or verified.
    close = [s for s in _similar(engine, vector, text, k=5, exclude={lesson_id}) if s.similarity >= RECURRENCE_THRESHOLD]
    done = {r["id"] for r in store.run_read("lessons_done_for", ids=[s.id for s in close])} if close else set()
    recurrence = [s for s in close if s.id in done]
    if recurrence:
        store.upsert_relationships([{"type": "RECURRENCE_OF", "start": lesson_id, "end": s.id,
                                     "properties": {"similarity": round(s.similarity, 4)}} for s in recurrence])
    return Added(lesson_id, recurrence)


def add_action(store: GraphStore, lesson_id: str, *, name: str, owner: str, due_date: str, actor: str,
               status: str = "open") -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise LessonError(N_("措施名称必填，不超过 %(limit)s 字。"), limit=200)
    if status not in STATUSES:
        raise LessonError(N_("未知状态 %(value)s"), value=repr(status)[:80])
    try:
        date.fromisoformat(due_date)
    except (TypeError, ValueError):
        raise LessonError(N_("完成期限须为 YYYY-MM-DD 格式的日期。")) from None
    labels = store.labels_of([lesson_id, owner])
    if labels.get(lesson_id) != "LessonLearned":
        raise LessonError(NOT_FOUND["LessonLearned"], id=lesson_id)
    if labels.get(owner) != "Organization":
        raise LessonError(NOT_FOUND["Organization"], id=owner)
    action_id = f"action.{date.today():%Y%m%d}-{secrets.token_hex(4)}"
    now = _now()
    store.upsert_nodes("CorrectiveAction", [{"id": action_id, "properties": {
        "name": name, "status": status, "due_date": due_date, "created_at": now, "updated_at": now,
        "created_by": actor}}])
    try:
        store.upsert_relationships([{"type": "ACTION_FOR", "start": action_id, "end": lesson_id},
                                    {"type": "OWNED_BY", "start": action_id, "end": owner}])
    except StoreError:
        store.delete_node(action_id)
        raise
    return action_id


def set_action_status(store: GraphStore, action_id: str, status: str, *, actor: str) -> None:
    if status not in STATUSES:
        raise LessonError(N_("未知状态 %(value)s"), value=repr(status)[:80])
    node = store.get_node(action_id)
    if node is None or node["label"] != "CorrectiveAction":
        raise LessonError(NOT_FOUND["CorrectiveAction"], id=action_id)
    props = dict(node["properties"], status=status, updated_at=_now(), updated_by=actor)
    store.upsert_nodes("CorrectiveAction", [{"id": action_id, "properties": props}])


def overdue_actions(store: GraphStore, today: date | None = None, limit: int = 500) -> list[dict]:
    today = today or date.today()
    return store.run_read("lessons_overdue", today=today.isoformat(), limit=int(limit))


def acted_on(actions: list[dict]) -> str:
    """Whether a lesson's recommendation was acted on: verified, done, in_progress, open or none."""
    statuses = {a["status"] for a in actions}
    for status in ("verified", "done", "in_progress", "open"):
        if status in statuses:
            return status
    return "none"


#: Whether a recommendation was acted on, in words (msgids: translate where shown).
ACTED_ON_NAMES = {"verified": N_("已落实并核实"), "done": N_("已落实"), "in_progress": N_("正在落实"),
                  "open": N_("已立项、尚未开始"), "none": N_("尚无整改措施")}


def lesson_record(store: GraphStore, lesson_id: str, today: date | None = None) -> dict | None:
    """A lesson with its graph context, corrective actions (overdue marked), whether its
    recommendation was acted on, and recurrence links."""
    from kg.search.context import lesson_context

    node = store.get_node(lesson_id)
    if node is None or node["label"] != "LessonLearned":
        return None
    today_s = (today or date.today()).isoformat()
    actions = [dict(a, overdue=a["status"] in ("open", "in_progress") and a["due_date"] < today_s)
               for a in store.run_read("lessons_actions_for", id=lesson_id)]
    rec = store.run_read("lessons_recurrences", id=lesson_id)[0]
    status = acted_on(actions)
    return {"id": lesson_id, "properties": node["properties"], "context": lesson_context(store, lesson_id),
            "actions": actions, "acted_on": status, "acted_on_name": ACTED_ON_NAMES[status],
            "repeats": rec["repeats"], "repeated_by": rec["repeated_by"]}


def overview(store: GraphStore, limit: int = 500) -> list[dict]:
    rows = store.run_read("lessons_overview", limit=int(limit))
    return [dict(r, acted_on=acted_on([{"status": s} for s in r["statuses"]])) for r in rows]


__all__ = [
    "DUPLICATE_THRESHOLD",
    "STATUSES",
    "STATUS_NAMES",
    "LessonError",
    "add_action",
    "add_lesson",
    "check_lesson",
    "lesson_record",
    "overdue_actions",
    "overview",
    "set_action_status",
    "unexpanded_acronyms",
]
