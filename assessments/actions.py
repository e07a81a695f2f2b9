"""Tracking the gap plan's actions: who does each one, by when, how far it is, and — when it is
done — what shows it (done-with-evidence).

An action of the gap plan (``gap_plan.Action``, e.g. ``plan:plan.community-comprehensive``) is
tracked per **community**, not per assessment: one ``GapAction`` node
(``gapaction.<community>.<digest of the action key>``) linked FOR_COMMUNITY to the community, so
that the next self-assessment shows which actions were done (``for_criterion``).  Properties:
``key``, ``title`` (as planned, Simplified Chinese), ``criteria`` (the criteria it serves),
``owner`` (an Organization id: who is responsible), ``assignee`` (a person, free text),
``due`` (YYYY-MM-DD), ``status`` (open / in_progress / done / dropped), ``evidence`` (what shows
it was done: required to mark it done), ``note``, ``done_at``/``done_by``, ``assessment`` (the
assessment whose plan it was tracked from), ``modified_at``/``updated_by`` and ``version``.

Only members of the community change its actions (``save``); the assessment pages show them to
whoever may see the community.  Every save is one guarded write: it happens only if the
``version`` is still the one the user loaded (``VersionConflict`` otherwise).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from assessments.errors import N_, AnswerInvalid, Message, NotAllowed, VersionConflict
from assessments.workflow import Actor, get_community, now_iso, user_names
from kg.store.base import ID_RE, GraphStore

OPEN, IN_PROGRESS, DONE, DROPPED = "open", "in_progress", "done", "dropped"
STATUSES = (OPEN, IN_PROGRESS, DONE, DROPPED)
#: Simplified Chinese labels (msgids: pages show them translated).
STATUS_LABELS = {OPEN: N_("未开始"), IN_PROGRESS: N_("进行中"), DONE: N_("已完成"), DROPPED: N_("不再需要")}
TEXT_MAX = 2000
ASSIGNEE_MAX = 100
KEY_RE = re.compile(r"^[a-z]+:[A-Za-z0-9_.:-]{1,200}$")
#: Organizations a community may name as an action's owner.
OWNER_LEVELS = ("community", "grid", "town")


def action_id(community_id: str, key: str) -> str:
    """The tracked action's id: one per community and gap-plan action."""
    digest = hashlib.sha256(f"{community_id}\x1f{key}".encode()).hexdigest()[:16]
    return f"gapaction.{community_id.removeprefix('community.')}.{digest}"


@dataclass(frozen=True)
class TrackedAction:
    id: str
    community: str
    key: str
    title: str
    criteria: tuple[str, ...]
    status: str = OPEN
    owner: str = ""
    owner_name: str = ""
    assignee: str = ""
    due: str = ""
    evidence: str = ""
    note: str = ""
    done_at: str = ""
    done_by: str = ""
    assessment: str = ""
    modified_at: str = ""
    updated_by: str = ""
    version: int = 0
    props: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_row(cls, row: dict) -> TrackedAction:
        p = row["properties"]
        return cls(id=row["id"], community=p.get("community", ""), key=p.get("key", ""), title=p.get("title", ""),
                   criteria=tuple(p.get("criteria") or ()), status=p.get("status", OPEN), owner=p.get("owner", ""),
                   owner_name=row.get("owner_name") or p.get("owner", ""), assignee=p.get("assignee", ""),
                   due=p.get("due", ""), evidence=p.get("evidence", ""), note=p.get("note", ""),
                   done_at=p.get("done_at", ""), done_by=p.get("done_by", ""), assessment=p.get("assessment", ""),
                   modified_at=p.get("modified_at", ""), updated_by=p.get("updated_by", ""),
                   version=int(p.get("version") or 0), props=dict(p))

    @property
    def done(self) -> bool:
        return self.status == DONE

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def overdue(self, today: date) -> bool:
        return self.status in (OPEN, IN_PROGRESS) and bool(self.due) and self.due < today.isoformat()


def tracked(store: GraphStore, community_id: str) -> dict[str, TrackedAction]:
    """The community's tracked actions by gap-plan key (with their owners' names)."""
    rows = [dict(r) for r in store.run_read("gap_actions_of", community=community_id)]
    owners = {r["properties"].get("owner") for r in rows if r["properties"].get("owner")}
    names = {i: n["properties"].get("name", i) for i, n in store.get_nodes(sorted(owners)).items() if n} \
        if owners else {}
    for r in rows:
        r["owner_name"] = names.get(r["properties"].get("owner"), "")
    return {a.key: a for a in (TrackedAction.from_row(r) for r in rows)}


def titles(store: GraphStore, actions: Iterable[TrackedAction]) -> dict[str, Message]:
    """Each tracked action's title as a message (so a page shows it in its language), made again
    from its key (kind and target) and the target's name; the stored title is the fallback."""
    from assessments.gap_plan import TITLES, action_title

    wanted = {}
    for a in actions:
        kind, _sep, target = a.key.partition(":")
        if kind in TITLES and target:
            wanted[a.key] = (kind, target)
    nodes = store.get_nodes(sorted({t for _k, t in wanted.values()})) if wanted else {}
    out = {}
    for key, (kind, target) in wanted.items():
        node = nodes.get(target)
        if node:
            out[key] = action_title(kind, node["properties"].get("name") or target)
    return out


def for_criterion(actions: Iterable[TrackedAction], criterion_id: str) -> list[TrackedAction]:
    """The tracked actions that serve a criterion (what the next self-assessment shows)."""
    return [a for a in actions if criterion_id in a.criteria]


def owner_choices(store: GraphStore, community: dict) -> list[tuple[str, str, str]]:
    """(id, name, level) of the organizations a community may make an action's owner: its
    community- and grid-level bodies, its own street/town office, then other town-level bodies."""
    area = community.get("area")
    rows = [n for n in store.nodes_by_label("Organization", limit=2000)
            if n["properties"].get("level") in OWNER_LEVELS or n["id"] == area]
    rank = {"community": 0, "grid": 1, "town": 3}
    rows.sort(key=lambda n: (2 if n["id"] == area else rank.get(n["properties"].get("level"), 4), n["id"]))
    return [(n["id"], n["properties"].get("name") or n["id"], n["properties"].get("level") or "") for n in rows]


def _check_text(value: Any, what: str, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > limit:
        raise AnswerInvalid(N_("%(what)s不能超过 %(max)s 字"), what=Message(what), max=limit)
    return text


def _check_due(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return ""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise AnswerInvalid(N_("%(what)s：日期格式应为 YYYY-MM-DD（收到 %(value)s）"), what=Message(N_("完成期限")),
                            value=repr(text[:20])) from None
    if day.year < 2000 or day.year > 2100:
        raise AnswerInvalid(N_("%(what)s：日期 %(date)s 不合理"), what=Message(N_("完成期限")), date=day.isoformat())
    return day.isoformat()


def save(store: GraphStore, actor: Actor, community_id: str, *, key: str, title: str, criteria: Iterable[str],
         owner: str = "", assignee: str = "", due: str = "", status: str = OPEN, evidence: str = "", note: str = "",
         assessment: str = "", expected_version: Any = 0, now: datetime | None = None) -> TrackedAction:
    """Assign and track one gap-plan action of ``community_id`` (its members only).  ``done``
    needs ``evidence`` (what shows it was done); an owner must be one of ``owner_choices``."""
    community = get_community(store, community_id)
    if not actor.member_of(community_id):
        raise NotAllowed(N_("只有本社区的用户可以安排整改行动"))
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise AnswerInvalid(N_("无效的整改行动"))
    if status not in STATUSES:
        raise AnswerInvalid(N_("未知的状态 %(value)s"), value=repr(str(status)[:20]))
    owner = owner.strip() if isinstance(owner, str) else ""
    if owner and owner not in {c[0] for c in owner_choices(store, community)}:
        raise AnswerInvalid(N_("%(owner)s 不是社区、网格或街道（乡镇）层面的机构"), owner=repr(owner[:80]))
    assignee = _check_text(assignee, N_("具体负责人"), ASSIGNEE_MAX)
    evidence = _check_text(evidence, N_("完成情况和证据"), TEXT_MAX)
    note = _check_text(note, N_("备注"), TEXT_MAX)
    due = _check_due(due)
    if status == DONE and not evidence:
        raise AnswerInvalid(N_("标为“已完成”时，请写明完成情况和证据（如文件名称、存放位置、照片或会议记录）"))
    try:
        expected = int(expected_version or 0)
    except (TypeError, ValueError):
        raise AnswerInvalid(N_("缺少或无效的版本号，请刷新页面后重试")) from None
    criteria = sorted({c for c in criteria if isinstance(c, str) and ID_RE.match(c)})
    at = now_iso(now)
    the_id = action_id(community_id, key)
    current = tracked(store, community_id).get(key)
    if current is None and expected != 0:
        raise AnswerInvalid(N_("缺少或无效的版本号，请刷新页面后重试"))
    props = {"community": community_id, "key": key, "title": str(title)[:300], "criteria": criteria,
             "status": status, "owner": owner, "assignee": assignee, "due": due, "evidence": evidence,
             "note": note, "modified_at": at, "updated_by": actor.id}
    if assessment and isinstance(assessment, str) and ID_RE.match(assessment):
        props["assessment"] = assessment
    if status == DONE:
        if current is not None and current.done:  # already done: when and by whom stay
            props["done_at"], props["done_by"] = current.done_at, current.done_by
        else:
            props["done_at"], props["done_by"] = at, actor.id
    else:
        props["done_at"], props["done_by"] = "", ""
    rows = store.run_write("gap_action_save", id=the_id, community=community_id, expected=expected, props=props)
    if not rows:
        fresh = tracked(store, community_id).get(key)
        who = (user_names(store, [fresh.updated_by]).get(fresh.updated_by, fresh.updated_by)
               if fresh and fresh.updated_by else "")
        error = VersionConflict(N_("这项整改行动已被 %(who)s 于 %(when)s 修改，你的更改没有保存：请查看最新内容后再保存。"),
                                who=who or Message(N_("其他用户")),
                                when=f"{fresh.modified_at[:16].replace('T', ' ')} UTC" if fresh and fresh.modified_at
                                else "—")
        error.by, error.at, error.version = who, fresh.modified_at if fresh else "", fresh.version if fresh else 0
        raise error
    return tracked(store, community_id)[key]


__all__ = ["DONE", "DROPPED", "IN_PROGRESS", "OPEN", "STATUSES", "STATUS_LABELS", "TrackedAction", "action_id",
           "for_criterion", "owner_choices", "save", "titles", "tracked"]
