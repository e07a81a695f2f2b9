"""The hazard ledger (风险隐患台账): from a grid worker's report to a verified closure.

States and actions (``model.TRANSITIONS``)::

    reported --assess--> assigned --remediate--> remediated --verify--> closed --reopen--> reported
        |                   |  ^                      |
        +--escalate--+------+  +-------reject---------+
                     v
                 escalated --assess--> assigned   (the street office hands it back with an assignment)

* **report**: hazard (from the graph's taxonomy), place (text, and optionally a point on the
  community's base map), description, severity, photos, grid; the reporter and the time.  A
  phone sends a client-generated id (a UUID): the case id is made from it, so the same report
  sent again — after a lost answer, or replayed from the phone's queue — finds the case it made
  and writes nothing (``report_case`` returns ``created=False``).
* **assess**: the organization responsible, proposed from the graph (``assignment_proposal``:
  the duties that address the hazard in the phase, and who holds them), optionally the account of
  the person who will fix it, and a deadline (default from the severity; never in the past).
* **remediate**: a note and photos as evidence; the person who records it is the fixer.
* **verify** / **reject**: by someone other than the fixer; verify closes the case, reject sends
  it back to the assignee with a reason.
* **escalate**: reported upward to the street/town office, with a reason (counts as handled).
* **reopen**: the hazard is back; the case returns to *reported* and counts again.

Every transition is one guarded write (``community_case_transition``): it happens only if the
case's ``version`` is still the one the person loaded and its state allows the action, in the
same transaction that bumps the version and writes the log entry (``CaseEvent``: who, when,
what).  Otherwise ``CaseConflict`` / ``OutOfOrder`` and nothing changes.

A new report of the same hazard at the same place (same place text, or within
``RECURRENCE_PIXELS`` on the map) as an earlier case is flagged as a recurrence (``RECURS``).
"""

from __future__ import annotations

import re
import secrets
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from kg.access import Access
from kg.community import access as rules
from kg.community import files
from kg.community.model import (
    ACTION_NAMES,
    ASSIGNED,
    CLOSED,
    DEADLINE_DAYS,
    ESCALATED,
    HANDLED,
    REMEDIATED,
    REPORTED,
    SEVERITIES,
    STATE_NAMES,
    TRANSITIONS,
    CaseConflict,
    CommunityInvalid,
    CommunityNotAllowed,
    CommunityNotFound,
    OutOfOrder,
    check_client_id,
    check_community_id,
    clean_text,
    days_between,
    local_date,
    new_client_id,
    now_iso,
    number,
    parse_date,
    suffix,
)
from kg.errors import N_
from kg.store import ConstraintViolation, GraphStore
from kg.store.base import RESERVED_PROPERTIES

SOURCE_GOVERNANCE = "phase.source-governance"
RECURRENCE_PIXELS = 30.0
MAX_PHOTOS = 6
RATE_MONTHS = 12


@dataclass
class Case:
    """A case as the pages and the API show it."""

    props: dict
    events: list[dict] = field(default_factory=list)
    hazard: dict | None = None
    organization: dict | None = None
    duty: dict | None = None
    grid: dict | None = None
    recurs: dict | None = None

    @property
    def id(self) -> str:
        return self.props["id"]

    @property
    def status(self) -> str:
        return self.props["status"]

    @property
    def version(self) -> int:
        return int(self.props.get("version") or 0)

    @property
    def community(self) -> str:
        return self.props["community"]

    def overdue(self, today: date) -> bool:
        return is_overdue(self.props, today)

    def as_dict(self, today: date | None = None) -> dict:
        public = {k: v for k, v in self.props.items() if k not in PRIVATE_FIELDS}
        out = dict(public, status_name=STATE_NAMES.get(self.status, self.status),
                   hazard_ref=self.hazard, organization_ref=self.organization, duty_ref=self.duty,
                   grid_ref=self.grid, recurs_ref=self.recurs)
        if today is not None:
            out["overdue"] = self.overdue(today)
        if self.events:
            out["events"] = [{k: e.get(k) for k in ("action", "at", "actor_name", "from_state", "to_state", "note")}
                             for e in self.events]
        return out


#: Fields that name accounts: kept for the rules (who fixed it), never sent to API clients.
PRIVATE_FIELDS = ("reported_by", "assessed_by", "fixed_by", "verified_by", "assignee_account", "escalated_by",
                  "place_key", "last_event", "lock_marker")


def is_overdue(props: dict, today: date) -> bool:
    return props.get("status") == ASSIGNED and bool(props.get("deadline")) and props["deadline"] < today.isoformat()


def place_key(place: str) -> str:
    """The place text reduced for comparison (spaces and punctuation dropped)."""
    return re.sub(r"[\s,，.。、;；:：()（）\-—#号]+", "", place or "").lower()


# --- the graph's proposal ------------------------------------------------------------------------
def hazard_context(store: GraphStore, hazard_id: str) -> dict:
    """The plans covering a hazard and the duties addressing it (with their holders and phase)."""
    rows = store.run_read("community_hazard_context", hazard=hazard_id)
    plans = [p for p in (rows[0]["plans"] if rows else []) if p.get("id")]
    duties = [{"id": r["duty"], "name": r["duty_name"], "phase": r["phase"], "exact": bool(r["exact"]),
               "holders": [h for h in r["holders"] if h.get("id")]} for r in rows if r.get("duty")]
    return {"plans": sorted(plans, key=lambda p: p["id"]), "duties": duties}


def assignment_proposal(store: GraphStore, hazard_id: str, phase: str = SOURCE_GOVERNANCE, *,
                        limit: int = 6) -> list[dict]:
    """Who should remedy a hazard, from the graph: the holders of the duties that address the
    hazard (or its family), those of ``phase`` first, the hazard's own duties before its
    family's, then by how many such duties they hold.  Each: ``{"organization", "name",
    "duties": [{"id", "name"}], "duty"}`` (``duty``: the best duty, recorded with the case)."""
    ranked: dict[str, dict] = {}
    for duty in hazard_context(store, hazard_id)["duties"]:
        weight = (4 if duty["phase"] == phase else 1) + (2 if duty["exact"] else 0)
        for holder in duty["holders"]:
            entry = ranked.setdefault(holder["id"], {"organization": holder["id"], "name": holder["name"],
                                                     "kind": holder.get("kind"), "score": 0, "duties": []})
            entry["score"] += weight
            entry["duties"].append({"id": duty["id"], "name": duty["name"], "weight": weight})
    out = sorted(ranked.values(), key=lambda e: (-e["score"], e["organization"]))[:limit]
    for entry in out:
        entry["duties"].sort(key=lambda d: (-d["weight"], d["id"]))
        entry["duty"] = entry["duties"][0]["id"]
    return out


def default_deadline(severity: str, today: date) -> date:
    return today + timedelta(days=DEADLINE_DAYS.get(severity, DEADLINE_DAYS["general"]))


# --- reading -----------------------------------------------------------------------------------------
def load_case(store: GraphStore, case_id: str) -> Case:
    rows = store.run_read("community_case_get", id=case_id) if isinstance(case_id, str) else []
    if not rows:
        raise CommunityNotFound(N_("没有这条隐患记录，或您无权查看"))
    row = rows[0]
    props = {k: v for k, v in row["case"].items() if k not in RESERVED_PROPERTIES}
    props["id"] = case_id
    events = [e for e in row["events"] if e and e.get("action")]
    return Case(props, events, row["hazard"], row["organization"], row["duty"], row["grid"], row["recurs"])


def get_case(store: GraphStore, acc: Access, case_id: str) -> Case:
    """The case, if this viewer may see it (its community's viewers, or its assignee)."""
    case = load_case(store, case_id)
    if not rules.can_see_case(acc, case.props):
        raise CommunityNotFound(N_("没有这条隐患记录，或您无权查看"))
    return case


def list_cases(store: GraphStore, community_id: str, *, statuses: Iterable[str] | None = None,
               grid: str | None = None, hazard: str | None = None, overdue_on: date | None = None,
               recurrent: bool = False, skip: int = 0, limit: int = 50, count: bool = True) -> tuple[list[dict], int]:
    statuses = [s for s in (statuses or []) if s in STATE_NAMES] or None
    params = {"community": community_id, "statuses": statuses, "grid": grid or None, "hazard": hazard or None,
              "overdue_before": overdue_on.isoformat() if overdue_on else None, "recurrent": True if recurrent else None}
    rows = store.run_read("community_cases", skip=int(skip), limit=int(limit), **params)
    total = store.run_read("community_cases_count", **params) if count else [{"n": -1}]
    return ([{k: v for k, v in r["case"].items() if k not in ("title", "type")} for r in rows],
            int(total[0]["n"]) if total else 0)


def overdue_cases(store: GraphStore, community_id: str, today: date, *, limit: int = 200) -> list[dict]:
    """Assigned cases whose deadline has passed, oldest deadline first."""
    rows, _ = list_cases(store, community_id, overdue_on=today, limit=limit, count=False)
    return sorted(rows, key=lambda r: (r.get("deadline") or "", r["id"]))


def case_counts(store: GraphStore, community_id: str, today: date) -> dict:
    counts = dict.fromkeys(STATE_NAMES, 0)
    overdue = 0
    for row in store.run_read("community_case_counts", community=community_id, today=today.isoformat()):
        counts[row["status"]] = int(row["n"])
        overdue += int(row["overdue"] or 0)
    counts["overdue"] = overdue
    counts["total"] = sum(counts[s] for s in STATE_NAMES)
    return counts


# --- rates --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rate:
    """Cases reported in the window, how many are handled (closed or escalated), the handling
    rate (处理率, None when nothing was reported) and the mean / median days to close."""

    reported: int
    handled: int
    closed: int
    mean_days_to_close: float | None
    median_days_to_close: float | None = None

    @property
    def rate(self) -> float | None:
        return round(self.handled / self.reported, 4) if self.reported else None

    def as_dict(self) -> dict:
        return {"reported": self.reported, "handled": self.handled, "closed": self.closed, "rate": self.rate,
                "mean_days_to_close": self.mean_days_to_close, "median_days_to_close": self.median_days_to_close}


def window_start(now: datetime, months: int = RATE_MONTHS) -> str:
    """The start of the rate window: ``months`` before now (UTC text, as cases store times)."""
    from kg.community.model import add_months

    start = add_months(now.date(), -months)
    return f"{start.isoformat()}T00:00:00.000000Z"


def handling_rates(store: GraphStore, *, now: datetime, communities: Iterable[str] | None = None,
                   months: int = RATE_MONTHS) -> dict[str, Rate]:
    """The handling rate of every community (or those given) over the last ``months`` — one
    grouped read for all of them."""
    wanted = sorted(communities) if communities is not None else None
    out: dict[str, Rate] = {c: Rate(0, 0, 0, None) for c in (wanted or [])}
    for r in store.run_read("community_rates", since=window_start(now, months), communities=wanted,
                            handled=list(HANDLED)):
        closed = int(r["closed"] or 0)
        out[r["community"]] = Rate(int(r["reported"]), int(r["handled"] or 0), closed,
                                   round(float(r["close_days"] or 0) / closed, 2) if closed else None)
    return out


def _grid_rows(store: GraphStore, community_id: str, now: datetime, months: int) -> list[tuple[str, int, int, int, list]]:
    return [(r["grid"] or "", int(r["reported"]), int(r["handled"] or 0), int(r["closed"] or 0),
             [float(d) for d in r["close_days"] if d is not None])
            for r in store.run_read("community_grid_rates", community=community_id, since=window_start(now, months),
                                    handled=list(HANDLED))]


def _rate(reported: int, handled: int, closed: int, days: list[float]) -> Rate:
    return Rate(reported, handled, closed, round(sum(days) / len(days), 2) if days else None,
                round(statistics.median(days), 2) if days else None)


def handling_rate(store: GraphStore, community_id: str, *, now: datetime, months: int = RATE_MONTHS,
                  rows: list | None = None) -> Rate:
    """One community's rate over the last ``months``, with the median days to close."""
    rows = _grid_rows(store, community_id, now, months) if rows is None else rows
    return _rate(sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows),
                 [d for r in rows for d in r[4]])


def grid_rates(store: GraphStore, community_id: str, *, now: datetime, months: int = RATE_MONTHS,
               rows: list | None = None) -> dict[str, Rate]:
    """Per grid (``""`` for cases without a grid)."""
    rows = _grid_rows(store, community_id, now, months) if rows is None else rows
    return {grid: _rate(reported, handled, closed, days) for grid, reported, handled, closed, days in rows}


def rates_with_grids(store: GraphStore, community_id: str, *, now: datetime,
                     months: int = RATE_MONTHS) -> tuple[Rate, dict[str, Rate]]:
    """The community's rate and its grids' rates from one read."""
    rows = _grid_rows(store, community_id, now, months)
    return handling_rate(store, community_id, now=now, rows=rows), grid_rates(store, community_id, now=now, rows=rows)


# --- writing ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Actor:
    """Who acts: the access policy for them, and the name shown in the log."""

    acc: Access
    name: str

    @property
    def id(self) -> str:
        return self.acc.viewer.id or "anonymous"


def _basemap(store: GraphStore, community_id: str) -> dict | None:
    from kg.community.mapdata import base_map

    return base_map(store, community_id)


def check_point(store: GraphStore, community_id: str, x: Any, y: Any) -> tuple[float, float] | None:
    """A point on the community's base image (pixels from its top-left corner), or None when
    none is given; a point with no base image, or outside it, is refused."""
    if x in (None, "") and y in (None, ""):
        return None
    fx, fy = number(x, "x", low=-1e7, high=1e7, required=True), number(y, "y", low=-1e7, high=1e7, required=True)
    base = _basemap(store, community_id)
    if base is None:
        raise CommunityInvalid(N_("位置：本社区还没有上传地图底图，不能在图上标点"))
    if not (0 <= fx <= base["width"] and 0 <= fy <= base["height"]):  # type: ignore[operator]
        raise CommunityInvalid(N_("位置：点 (%(x)s, %(y)s) 在底图之外（底图 %(w)s × %(h)s 像素）"), x=round(fx or 0),
                               y=round(fy or 0), w=base["width"], h=base["height"])
    return round(fx or 0, 1), round(fy or 0, 1)


def _check_hazard(store: GraphStore, hazard_id: Any) -> dict:
    node = store.get_node(hazard_id) if isinstance(hazard_id, str) and hazard_id.startswith("hazard.") else None
    if node is None or node["label"] != "Hazard":
        raise CommunityInvalid(N_("隐患类型：%(value)s 不是图谱中的灾害风险"), value=str(hazard_id)[:80])
    if node["properties"].get("level") == "family":
        raise CommunityInvalid(N_("隐患类型：请选择具体的灾害风险，而不是类别“%(name)s”"),
                               name=node["properties"].get("name", hazard_id))
    return node


def _check_grid(store: GraphStore, community_id: str, grid_id: Any) -> str | None:
    if not grid_id:
        return None
    node = store.get_node(grid_id) if isinstance(grid_id, str) else None
    if node is None or node["label"] != "CommunityGrid" or node["properties"].get("community") != community_id:
        raise CommunityInvalid(N_("网格：%(value)s 不是本社区的网格"), value=str(grid_id)[:80])
    return grid_id


def _recurrence(store: GraphStore, community_id: str, case_id: str, hazard: str, key: str,
                point: tuple[float, float] | None) -> str | None:
    for row in store.run_read("community_case_earlier", community=community_id, hazard=hazard, id=case_id):
        same_place = bool(key) and row.get("place_key") == key
        near = (point is not None and row.get("x") is not None and row.get("y") is not None
                and ((row["x"] - point[0]) ** 2 + (row["y"] - point[1]) ** 2) ** 0.5 <= RECURRENCE_PIXELS)
        if same_place or near:
            return row["id"]
    return None


def _event(case_id: str, community_id: str, action: str, actor: Actor, at: str, *, from_state: str | None,
           to_state: str, seq: int, note: str = "", photos: list[str] | None = None) -> tuple[str, dict]:
    event_id = f"event.{suffix(community_id)}.{secrets.token_hex(8)}"
    props = {"community": community_id, "case_id": case_id, "action": action, "actor": actor.id,
             "actor_name": actor.name[:80], "at": at, "to_state": to_state, "seq": seq}
    if from_state:
        props["from_state"] = from_state
    if note:
        props["note"] = note
    if photos:
        props["photos"] = photos
    return event_id, props


def report_case(store: GraphStore, actor: Actor, community_id: str, fields: dict, *, now: datetime,
                client_id: str | None = None, photos: Iterable[bytes] = (), data_dir: str = "",
                photo_max_bytes: int = 5 * 1024 * 1024, embedder=None) -> tuple[Case, bool]:
    """Record a report (or find the one this ``client_id`` already made).  Returns the case and
    whether it was created now.  Everything is checked before anything is written.  A new case
    is indexed for search at once (keyword terms; its vector too when an ``embedder`` is given,
    else at the next index build)."""
    check_community_id(community_id)
    if not rules.can_act(actor.acc, {"community": community_id}, "report"):
        raise CommunityNotAllowed(N_("只有本社区的工作人员可以上报隐患"))
    client_id = check_client_id(client_id) if client_id else new_client_id()
    case_id = f"case.{suffix(community_id)}.{client_id}"
    existing = store.get_node(case_id)
    if existing is not None:
        if existing["label"] != "HazardCase" or existing["properties"].get("community") != community_id:
            raise CommunityInvalid(N_("client_id：这个编号已被使用"))
        return load_case(store, case_id), False
    if store.get_node(community_id) is None:
        raise CommunityNotFound(N_("没有这个社区"))
    hazard = _check_hazard(store, fields.get("hazard"))
    place = clean_text(fields.get("place"), "place", required=True)
    description = clean_text(fields.get("description"), "description", required=True)
    severity = fields.get("severity") or "general"
    if severity not in SEVERITIES:
        raise CommunityInvalid(N_("严重程度：须为 %(allowed)s 之一"), allowed="、".join(SEVERITIES))
    grid = _check_grid(store, community_id, fields.get("grid"))
    point = check_point(store, community_id, fields.get("x"), fields.get("y"))
    photo_list = list(photos)
    if len(photo_list) > MAX_PHOTOS:
        raise CommunityInvalid(N_("照片：最多 %(n)s 张"), n=MAX_PHOTOS)
    images = [files.check_photo(p, photo_max_bytes) for p in photo_list]
    at = now_iso(now)
    key = place_key(place)
    recurrence_of = _recurrence(store, community_id, case_id, hazard["id"], key, point)
    stored = [files.save_photo(data_dir, community_id, image).name for image in images]
    event_id, event = _event(case_id, community_id, "report", actor, at, from_state=None, to_state=REPORTED,
                             seq=1, note=description[:200], photos=stored)
    props: dict[str, Any] = {
        "community": community_id, "hazard": hazard["id"], "hazard_name": hazard["properties"].get("name", ""),
        "place": place, "place_key": key, "description": description, "severity": severity, "status": REPORTED,
        "version": 1, "reported_at": at, "reported_by": actor.id, "reporter_name": actor.name[:80],
        "client_id": client_id, "photos": stored, "last_event": event_id, "updated_at": at}
    if grid:
        props["grid"] = grid
    if point:
        props["x"], props["y"] = point
    if recurrence_of:
        props["recurrence_of"] = recurrence_of
    try:
        created = store.run_writes([
            ("community_case_create", {"id": case_id, "community": community_id, "hazard": hazard["id"],
                                       "props": props, "event_id": event_id, "event": event}),
            ("community_case_links", {"id": case_id, "event_id": event_id, "grid": grid, "recurrence_of": recurrence_of,
                                      "organization": None, "duty": None}),
        ])[0]
    except ConstraintViolation:
        created = []  # the same report arrived twice at once: the other one made the case
    except Exception:
        files.remove(data_dir, community_id, stored)
        raise
    if not created:
        files.remove(data_dir, community_id, stored)
        return load_case(store, case_id), False
    from kg.search.index import index_nodes

    index_nodes(store, embedder, [case_id])  # this case only, no full re-index
    return load_case(store, case_id), True


def transition(store: GraphStore, actor: Actor, case_id: str, action: str, fields: dict, *, expected_version: Any,
               now: datetime, today: date | None = None, photos: Iterable[bytes] = (), data_dir: str = "",
               photo_max_bytes: int = 5 * 1024 * 1024) -> Case:
    """Take ``action`` on a case loaded at ``expected_version``.  Refused when the action does
    not fit the case's state (``OutOfOrder``), the case changed meanwhile (``CaseConflict``),
    the actor may not take it, or the input is bad — in every case nothing is written."""
    if action not in TRANSITIONS:
        raise CommunityInvalid(N_("未知的操作 %(action)s"), action=str(action)[:40])
    case = get_case(store, actor.acc, case_id)
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise CommunityInvalid(N_("version：须为整数")) from None
    from_states, to_state = TRANSITIONS[action]
    if case.status not in from_states:
        raise OutOfOrder(N_("这条隐患当前为“%(state)s”，不能“%(action)s”"), state=STATE_NAMES.get(case.status, case.status),
                         action=ACTION_NAMES[action])
    if expected != case.version:
        raise CaseConflict(N_("这条隐患已被他人更新（版本 %(current)s，您打开的是版本 %(expected)s）：请刷新后重试"),
                           current=case.version, expected=expected)
    if not rules.can_act(actor.acc, case.props, action):
        if action in ("verify", "reject") and case.props.get("fixed_by") == actor.id:
            raise CommunityNotAllowed(N_("核验须由整改人以外的人进行"))
        raise CommunityNotAllowed(N_("您不能对这条隐患进行“%(action)s”"), action=ACTION_NAMES[action])
    today = today or local_date(now)
    at = now_iso(now)
    props: dict[str, Any] = {"status": to_state, "updated_at": at}
    links = {"organization": None, "duty": None}
    note = ""
    stored: list[str] = []
    photo_list = list(photos)
    if action != "remediate" and photo_list:
        raise CommunityInvalid(N_("照片：只有整改完成时可以附照片"))
    if action == "assess":
        org = fields.get("organization")
        node = store.get_node(org) if isinstance(org, str) and org else None
        if node is None or node["label"] != "Organization":
            raise CommunityInvalid(N_("责任单位：%(value)s 不是图谱中的组织或角色"), value=str(org)[:80])
        severity = fields.get("severity") or case.props.get("severity") or "general"
        if severity not in SEVERITIES:
            raise CommunityInvalid(N_("严重程度：须为 %(allowed)s 之一"), allowed="、".join(SEVERITIES))
        deadline = (parse_date(fields["deadline"], "整改期限") if fields.get("deadline")
                    else default_deadline(severity, today))
        if deadline < today:
            raise CommunityInvalid(N_("整改期限：%(date)s 已经过去"), date=deadline.isoformat())
        duty = fields.get("duty") or None
        if duty is not None:
            dnode = store.get_node(duty) if isinstance(duty, str) else None
            if dnode is None or dnode["label"] != "Duty":
                raise CommunityInvalid(N_("依据职责：%(value)s 不是图谱中的职责"), value=str(duty)[:80])
        assignee = clean_text(fields.get("assignee"), "assignee", limit=80)
        account = fields.get("assignee_account") or None
        if account is not None:
            from kg.accounts import get_user

            user = get_user(store, account)
            if user is None or not user.active:
                raise CommunityInvalid(N_("整改人账户：没有账户 %(value)s"), value=str(account)[:60])
            account = user.id
        note = clean_text(fields.get("note"), "note")
        props.update(organization=node["id"], organization_name=node["properties"].get("name", ""), severity=severity,
                     deadline=deadline.isoformat(), assessed_by=actor.id, assessed_at=at, assignee=assignee,
                     assignee_account=account or "", duty=duty or "")
        links = {"organization": node["id"], "duty": duty}
    elif action == "remediate":
        note = clean_text(fields.get("note"), "note", required=True)
        if len(photo_list) > MAX_PHOTOS:
            raise CommunityInvalid(N_("照片：最多 %(n)s 张"), n=MAX_PHOTOS)
        images = [files.check_photo(p, photo_max_bytes) for p in photo_list]
        stored = [files.save_photo(data_dir, case.community, image).name for image in images]
        props.update(fixed_by=actor.id, fixer_name=actor.name[:80], fixed_at=at, remediation_note=note,
                     remediation_photos=stored)
    elif action in ("verify", "reject"):
        note = clean_text(fields.get("note"), "note", required=(action == "reject"))
        props.update(verified_by=actor.id, verifier_name=actor.name[:80], verified_at=at, verification_note=note)
        if action == "verify":
            props.update(closed_at=at, days_to_close=days_between(case.props["reported_at"], at))
    elif action == "escalate":
        note = clean_text(fields.get("reason"), "reason", required=True)
        props.update(escalated_by=actor.id, escalated_at=at, escalation_reason=note)
    elif action == "reopen":
        note = clean_text(fields.get("reason"), "reason", required=True)
        props.update(reopened_at=at, reopen_reason=note, reopened_count=int(case.props.get("reopened_count") or 0) + 1,
                     closed_at="", days_to_close=0)
    event_id, event = _event(case.id, case.community, action, actor, at, from_state=case.status, to_state=to_state,
                             seq=expected + 1, note=note, photos=stored)
    props["last_event"] = event_id
    statements = [("community_case_transition", {"id": case.id, "expected": expected, "from_states": list(from_states),
                                                 "props": props, "event_id": event_id, "event": event})]
    if action == "assess":
        statements.append(("community_case_unassign", {"id": case.id, "event_id": event_id}))
    statements.append(("community_case_links", {"id": case.id, "event_id": event_id, "grid": None, "recurrence_of": None,
                                                **links}))
    try:
        result = store.run_writes(statements)
    except Exception:
        files.remove(data_dir, case.community, stored)
        raise
    if not result[0]:
        files.remove(data_dir, case.community, stored)
        current = load_case(store, case.id)
        if current.status not in from_states:
            raise OutOfOrder(N_("这条隐患当前为“%(state)s”，不能“%(action)s”"),
                             state=STATE_NAMES.get(current.status, current.status), action=ACTION_NAMES[action])
        raise CaseConflict(N_("这条隐患已被他人更新（版本 %(current)s，您打开的是版本 %(expected)s）：请刷新后重试"),
                           current=current.version, expected=expected)
    return load_case(store, case.id)


def allowed_actions(acc: Access, case: Case) -> list[str]:
    """The actions this viewer may take on the case in its current state."""
    return [a for a, (starts, _) in TRANSITIONS.items() if case.status in starts and rules.can_act(acc, case.props, a)]


__all__ = [
    "ASSIGNED",
    "CLOSED",
    "ESCALATED",
    "REMEDIATED",
    "REPORTED",
    "Actor",
    "Case",
    "Rate",
    "allowed_actions",
    "assignment_proposal",
    "case_counts",
    "check_point",
    "default_deadline",
    "get_case",
    "grid_rates",
    "handling_rate",
    "handling_rates",
    "hazard_context",
    "is_overdue",
    "list_cases",
    "load_case",
    "overdue_cases",
    "report_case",
    "transition",
]
