"""The lessons-learned workspace: record shape checks, adding a lesson (with its near-duplicate
and recurrence checks), corrective actions, the overdue list, and a lesson's record.

A lesson follows the observation / discussion / lesson / recommendation shape, addresses one
issue, says who should act, names its phase, hazards, incident (if any) and source, fits on
about one page, and expands every acronym it uses.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from kg.search.assist import (DUPLICATE_THRESHOLD, RECURRENCE_THRESHOLD, Similar, _similar, draft_text)
from kg.errors import Invalid
from kg.store.base import GraphStore, StoreError

TEXT_FIELDS = ("name", "observation", "discussion", "lesson", "recommendation")
FIELD_LIMITS = {"name": 60, "observation": 600, "discussion": 600, "lesson": 200, "recommendation": 500}
#: About one printed page of Chinese text, all parts together.
PAGE_LIMIT = 1500
STATUSES = ("open", "in_progress", "done", "verified")
STATUS_NAMES = {"open": "未开始", "in_progress": "进行中", "done": "已完成", "verified": "已核实"}
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


def check_lesson(fields: dict) -> dict[str, list[str]]:
    """Problems with a draft lesson's text, by field (empty when it has the right shape)."""
    problems: dict[str, list[str]] = {}

    def add(name, message):
        problems.setdefault(name, []).append(message)

    for name in TEXT_FIELDS:
        value = (fields.get(name) or "").strip()
        if not value and name != "discussion":
            add(name, "必填。")
        if len(value) > FIELD_LIMITS[name]:
            add(name, f"不超过 {FIELD_LIMITS[name]} 字（现为 {len(value)} 字）。")
    title = (fields.get("name") or "").strip()
    if title and (LIST_MARKER_RE.search(title) or title.rstrip("。").count("。")):
        add("name", "标题只写一个问题：不要用分号、句号或编号列出几件事。")
    total = sum(len((fields.get(n) or "").strip()) for n in TEXT_FIELDS)
    if total > PAGE_LIMIT:
        add("recommendation", f"全文约一页为限（不超过 {PAGE_LIMIT} 字，现为 {total} 字）：请精简。")
    for name in TEXT_FIELDS:
        missing = unexpanded_acronyms(fields.get(name) or "")
        if missing:
            add(name, "缩写须在首次出现时注明全称，例如“AED（自动体外除颤器）”：" + "、".join(missing))
    if not fields.get("act_by"):
        add("act_by", "请注明应由谁落实建议（至少一个组织或角色）。")
    if not fields.get("hazards"):
        add("hazards", "请至少选择一种灾害风险。")
    for name in ("phase", "source"):
        if not fields.get(name):
            add(name, "必填。")
    return problems


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


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
        raise LessonError("；".join(f"{k}: {' '.join(v)}" for k, v in problems.items()))
    wanted = {fields["phase"], fields["source"], *fields["hazards"], *fields["act_by"]}
    if fields.get("incident"):
        wanted.add(fields["incident"])
    labels = store.labels_of(wanted)
    expected = {fields["phase"]: "Phase", fields["source"]: "Source"}
    expected.update({h: "Hazard" for h in fields["hazards"]})
    expected.update({o: "Organization" for o in fields["act_by"]})
    if fields.get("incident"):
        expected[fields["incident"]] = "Incident"
    for node_id, label in expected.items():
        if labels.get(node_id) != label:
            raise LessonError(f"未找到{label} {node_id}")
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
        raise LessonError("措施名称必填，不超过 200 字。")
    if status not in STATUSES:
        raise LessonError(f"未知状态 {status!r}")
    try:
        date.fromisoformat(due_date)
    except (TypeError, ValueError):
        raise LessonError("完成期限须为 YYYY-MM-DD 格式的日期。") from None
    labels = store.labels_of([lesson_id, owner])
    if labels.get(lesson_id) != "LessonLearned":
        raise LessonError(f"未找到经验教训 {lesson_id}")
    if labels.get(owner) != "Organization":
        raise LessonError(f"未找到组织 {owner}")
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
        raise LessonError(f"未知状态 {status!r}")
    node = store.get_node(action_id)
    if node is None or node["label"] != "CorrectiveAction":
        raise LessonError(f"未找到整改措施 {action_id}")
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


ACTED_ON_NAMES = {"verified": "已落实并核实", "done": "已落实", "in_progress": "正在落实", "open": "已立项、尚未开始",
                  "none": "尚无整改措施"}


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


__all__ = ["check_lesson", "unexpanded_acronyms", "add_lesson", "add_action", "set_action_status", "overdue_actions",
           "lesson_record", "overview", "LessonError", "STATUSES", "STATUS_NAMES", "DUPLICATE_THRESHOLD"]
