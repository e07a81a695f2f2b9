"""Evidence rules: the self-assessment answers a community's own records can prove.

A criterion that records can prove declares its rule in the checklist data
(``assessments/data/criteria-2020.yaml``: ``evidence_rule: {rule, params, basis}``, stored on the
Criterion node as ``evidence_rule``, ``evidence_params`` (JSON) and ``evidence_basis``).  Each rule
is a function registered here under that name; ``propose(store, community, now=…)`` runs every
declared rule for one community, ``propose_many`` for many (the reads are batched: one query per
kind of record for all the communities).

A ``Proposal`` carries the proposed answer (met / partly / not_met, or a value for a numeric
criterion), the figures behind it and the records it rests on.  Its ``state`` is ``proposed``,
``no_records`` (the records that would prove it are not there yet — nothing is proposed) or
``waits`` (this store has no community-workspace records at all: the rule needs the workspace's
labels).  Records are read as they are: a rule never guesses.

Rules over the plans, drills, survey and training records (``kg.plans``, ``kg.drills``,
``kg.survey``, ``curricula``) and over the community workspace's records (grids, ledger, risk
assessments, map, vulnerable residents, shelters, supplies, teams: ``kg.community``).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any

from assessments.checklist import DEFAULT_STANDARD
from kg.errors import N_, Message
from kg.store.base import GraphStore

MET, PARTLY, NOT_MET = "met", "partly", "not_met"
PROPOSED, NO_RECORDS, WAITS = "proposed", "no_records", "waits"
#: Labels of the community workspace (issue 14) the workspace rules read.
WORKSPACE_LABELS = ("CommunityGrid", "CommunityPerson", "HazardCase", "RiskAssessment", "VulnerableResident",
                    "Shelter", "SupplyItem", "SupplyMinimum", "ResponseTeam", "BaseMap", "MapFeature")
CORE_COURSES = ("core",)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def months_ago(now: datetime, months: int) -> datetime:
    return now - timedelta(days=round(int(months) * 365.25 / 12))


def _m(msgid: str, **params: Any) -> Message:
    return Message(msgid, **params)


@dataclass(frozen=True)
class Figure:
    label: Message
    value: Any  # a number, text, or a Message
    unit: str = ""  # msgid

    def as_dict(self) -> dict:
        return {"label": str(self.label), "value": self.value if isinstance(self.value, int | float) else str(self.value),
                "unit": self.unit}


@dataclass(frozen=True)
class RecordRef:
    id: str
    label: str
    name: str = ""

    def as_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "name": self.name}


@dataclass
class Proposal:
    criterion: str
    number: str
    rule: str
    state: str
    answer: str | float | None = None
    figures: list[Figure] = field(default_factory=list)
    records: list[RecordRef] = field(default_factory=list)
    note: Message | None = None

    @property
    def proposed(self) -> bool:
        return self.state == PROPOSED and self.answer is not None

    def raw_answer(self) -> str:
        """The answer as the assessment form takes it."""
        if isinstance(self.answer, float):
            return f"{self.answer:g}"
        return str(self.answer or "")

    def as_dict(self) -> dict:
        return {"criterion": self.criterion, "number": self.number, "rule": self.rule, "state": self.state,
                "answer": self.answer, "figures": [f.as_dict() for f in self.figures],
                "records": [r.as_dict() for r in self.records], "note": str(self.note) if self.note else None}


@dataclass(frozen=True)
class Declared:
    """A criterion's declared rule."""

    criterion: str
    number: str
    scoring: str
    target: float | None
    rule: str
    params: dict
    basis: str


@dataclass(frozen=True)
class RuleSpec:
    name: str
    fn: Callable[[Context, str, Declared], Proposal]
    kinds: tuple[str, ...]  # the scorings it answers (binary, graded, numeric)
    workspace: bool = False  # reads the community workspace's records


RULES: dict[str, RuleSpec] = {}


def rule(name: str, *, kinds: tuple[str, ...], workspace: bool = False):
    def register(fn):
        RULES[name] = RuleSpec(name, fn, kinds, workspace)
        return fn
    return register


def declared_rules(store: GraphStore, standard: str = DEFAULT_STANDARD) -> list[Declared]:
    out = []
    for row in store.run_read("evidence_declared", standard=standard):
        out.append(Declared(row["id"], row["number"], row["scoring"], row.get("target"), row["rule"],
                            json.loads(row.get("params") or "{}"), row.get("basis") or ""))
    return sorted(out, key=lambda d: _order(d.number))


def _order(number: str) -> tuple:
    head, _, tail = number.partition(".")
    return (0 if head.startswith("G") else 1, int("".join(ch for ch in head if ch.isdigit()) or 0), tail)


# --- what the rules read (batched for every community at once) ----------------------------------------

class Context:
    def __init__(self, store: GraphStore, communities: Iterable[str], *, now: datetime):
        self.store = store
        self.communities = list(dict.fromkeys(communities))
        self.now = now
        self.today: date = now.date()

    @cached_property
    def workspace(self) -> bool:
        return all(label in self.store.schema.labels for label in WORKSPACE_LABELS)

    @cached_property
    def community_props(self) -> dict[str, dict]:
        nodes = self.store.get_nodes(self.communities)
        return {i: dict(n["properties"]) for i, n in nodes.items() if n["label"] == "Community"}

    @cached_property
    def plan_versions(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = defaultdict(list)
        for row in self.store.run_read("evidence_plan_versions", communities=self.communities):
            out[row["community"]].append(row)
        return out

    def in_force(self, community: str) -> dict | None:
        return next((v for v in self.plan_versions.get(community, []) if v["state"] == "in_force"), None)

    @cached_property
    def drills(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = defaultdict(list)
        for row in self.store.run_read("drill_list", communities=self.communities):
            out[row["drill"]["community"]].append(row["drill"])
        return out

    def drills_held(self, community: str, months: int) -> list[dict]:
        since = months_ago(self.now, months).date().isoformat()
        today = self.today.isoformat()
        return sorted((d for d in self.drills.get(community, []) if since <= d["held_on"] <= today),
                      key=lambda d: (d["held_on"], d["id"]))

    @cached_property
    def improvements(self) -> dict[str, int]:
        return {r["drill"]: int(r["improvements"])
                for r in self.store.run_read("evidence_improvements", communities=self.communities)}

    def survey_shares(self, months: int):
        from kg.survey.survey import community_shares

        return self._memo(("survey", months), lambda: community_shares(self.store, self.communities, now=self.now,
                                                                       months=months))

    @cached_property
    def users(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = defaultdict(list)
        for row in self.store.run_read("evidence_users", communities=self.communities):
            out[row["community"]].append(row)
        return out

    @cached_property
    def certified(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for row in self.store.run_read("evidence_certificates", communities=self.communities, now=iso(self.now),
                                       kinds=list(CORE_COURSES)):
            out[row["community"]].add(row["user"])
        return out

    def signoffs(self, months: int) -> dict[str, dict[str, int]]:
        def read():
            out: dict[str, dict[str, int]] = defaultdict(dict)
            for row in self.store.run_read("evidence_signoffs", communities=self.communities,
                                           since=iso(months_ago(self.now, months))):
                out[row["community"]][row["user"]] = int(row["signoffs"])
            return out
        return self._memo(("signoffs", months), read)

    def _memo(self, key, make):
        cache = self.__dict__.setdefault("_memo_cache", {})
        if key not in cache:
            cache[key] = make()
        return cache[key]


def _proposal(d: Declared, answer, figures, records=(), note: Message | None = None, state: str = PROPOSED) -> Proposal:
    return Proposal(d.criterion, d.number, d.rule, state, answer, list(figures), list(records), note)


def _graded(done: int, total: int) -> str:
    if total and done >= total:
        return MET
    return PARTLY if done else NOT_MET


def _version_ref(v: dict) -> RecordRef:
    return RecordRef(v["id"], "PlanVersion", f"第 {v['number']} 版")


def _drill_ref(d: dict) -> RecordRef:
    return RecordRef(d["id"], "Drill", f"{d['held_on']} {d['name']}")


# --- rules over plans, drills, the survey and training ---------------------------------------------------

@rule("plan_in_force_drilled", kinds=("binary",))
def plan_in_force_drilled(ctx: Context, community: str, d: Declared) -> Proposal:
    months = int(d.params.get("months", 12))
    version = ctx.in_force(community)
    drills = list(ctx.drills_held(community, months))
    passes = bool(version and version.get("check_passes"))
    figures = [Figure(_m(N_("现行有效的预案")), _m(N_("第 %(n)s 版"), n=version["number"]) if version else _m(N_("无"))),
               Figure(_m(N_("预案检查")), _m(N_("通过")) if passes else (_m(N_("未通过")) if version else "—")),
               Figure(_m(N_("近 %(months)s 个月的演练"), months=months), len(drills), N_("次"))]
    records = ([_version_ref(version)] if version else []) + [_drill_ref(x) for x in drills]
    return _proposal(d, MET if passes and drills else NOT_MET, figures, records)


@rule("plan_check", kinds=("graded",))
def plan_check(ctx: Context, community: str, d: Declared) -> Proposal:
    part = str(d.params.get("criterion") or d.number)
    version = ctx.in_force(community)
    if version is None:
        return _proposal(d, NOT_MET, [Figure(_m(N_("现行有效的预案")), _m(N_("无")))])
    missing = [c for c in version.get("check_criteria") or [] if c == part]
    codes = version.get("check_codes") or []
    figures = [Figure(_m(N_("现行有效的预案")), _m(N_("第 %(n)s 版"), n=version["number"])),
               Figure(_m(N_("预案检查中本条的缺项")), _m(N_("无")) if not missing else _m(N_("有"))),
               Figure(_m(N_("预案检查全部缺项")), len(codes), N_("项"))]
    return _proposal(d, PARTLY if missing else MET, figures, [_version_ref(version)])


@rule("drills_with_residents", kinds=("graded",))
def drills_with_residents(ctx: Context, community: str, d: Declared) -> Proposal:
    months = int(d.params.get("months", 12))
    drills = ctx.drills_held(community, months)
    full = [x for x in drills if int(x.get("residents") or 0) > 0 and int(x.get("volunteers") or 0) > 0
            and int(x.get("units") or 0) > 0]
    with_residents = [x for x in drills if int(x.get("residents") or 0) > 0]
    figures = [Figure(_m(N_("近 %(months)s 个月的演练"), months=months), len(drills), N_("次")),
               Figure(_m(N_("有居民参加的演练")), len(with_residents), N_("次")),
               Figure(_m(N_("居民、志愿者和单位都参加的演练")), len(full), N_("次")),
               Figure(_m(N_("参加居民")), sum(int(x.get("residents") or 0) for x in drills), N_("人次"))]
    answer = MET if full else (PARTLY if drills else NOT_MET)
    return _proposal(d, answer, figures, [_drill_ref(x) for x in drills])


@rule("drills_reviewed_plan_revised", kinds=("graded",))
def drills_reviewed_plan_revised(ctx: Context, community: str, d: Declared) -> Proposal:
    months = int(d.params.get("months", 12))
    drills = ctx.drills_held(community, months)
    versions = ctx.plan_versions.get(community, [])
    reviewed, revised_needed, revised, ok = 0, 0, 0, 0
    records: list[RecordRef] = []
    for x in drills:
        records.append(_drill_ref(x))
        if not x.get("reviewed_at"):
            continue
        reviewed += 1
        if ctx.improvements.get(x["id"], 0) == 0:
            ok += 1
            continue
        revised_needed += 1
        after = [v for v in versions if x["id"] in (v.get("revised_after") or [])
                 and (v.get("created_at") or "") >= x["reviewed_at"]]
        if after:
            revised += 1
            ok += 1
            records.extend(_version_ref(v) for v in after)
    figures = [Figure(_m(N_("近 %(months)s 个月的演练"), months=months), len(drills), N_("次")),
               Figure(_m(N_("已评估（AAR/IP）")), reviewed, N_("次")),
               Figure(_m(N_("发现需改进事项的演练")), revised_needed, N_("次")),
               Figure(_m(N_("其后预案已修订")), revised, N_("次"))]
    return _proposal(d, _graded(ok, len(drills)) if drills else NOT_MET, figures, records)


@rule("survey_share", kinds=("numeric",))
def survey_share(ctx: Context, community: str, d: Declared) -> Proposal:
    months = int(d.params.get("months", 12))
    found = ctx.survey_shares(months).get(community)
    if found is None or not found[0].responses:
        return _proposal(d, None, [Figure(_m(N_("近 %(months)s 个月的答卷"), months=months), 0, N_("份"))],
                         state=NO_RECORDS, note=Message(N_("还没有居民知识问卷的答卷")))
    share, surveys = found
    figures = [Figure(_m(N_("答卷数（样本量）")), share.responses, N_("份")),
               Figure(_m(N_("达到及格线")), share.passed, N_("份")),
               Figure(_m(N_("样本比例")), share.percent(share.share), N_("%")),
               Figure(_m(N_("95% 置信区间")), f"{share.percent(share.low)}–{share.percent(share.high)}", N_("%"))]
    note = Message(N_("提议值是置信区间的下限：样本能够证明的比例"))
    return _proposal(d, share.percent(share.low), figures, [RecordRef(s, "Survey") for s in surveys], note)


@rule("trained_key_staff", kinds=("graded",))
def trained_key_staff(ctx: Context, community: str, d: Declared) -> Proposal:
    staff = [u for u in ctx.users.get(community, []) if "community" in (u.get("roles") or [])]
    if not staff:
        return _proposal(d, None, [Figure(_m(N_("社区工作人员账户")), 0, N_("人"))], state=NO_RECORDS,
                         note=Message(N_("本社区还没有工作人员账户")))
    trained = [u for u in staff if u["id"] in ctx.certified.get(community, set())]
    figures = [Figure(_m(N_("社区工作人员账户")), len(staff), N_("人")),
               Figure(_m(N_("持有现行有效核心课程证书")), len(trained), N_("人"))]
    return _proposal(d, _graded(len(trained), len(staff)), figures)


@rule("trained_responders", kinds=("graded",))
def trained_responders(ctx: Context, community: str, d: Declared) -> Proposal:
    props = ctx.community_props.get(community, {})
    trained = len(ctx.certified.get(community, set()))
    signed = ctx.signoffs(12).get(community, {})
    target = props.get("first_responder_target")
    per, target_per = int(d.params.get("per", 10000)), float(d.params.get("target_per", 15))
    basis = N_("社区设定的目标")
    if not target and props.get("population"):
        target = math.ceil(int(props["population"]) * target_per / per)
        basis = N_("按常住人口折算的目标")
    figures = [Figure(_m(N_("持有现行有效核心课程证书的人")), trained, N_("人")),
               Figure(_m(N_("近 12 个月通过实操考核的人")), len(signed), N_("人"))]
    if target:
        figures.append(Figure(_m(basis), int(target), N_("人")))
    if not trained:
        return _proposal(d, NOT_MET, figures)
    if not target:
        return _proposal(d, None, figures, state=NO_RECORDS,
                         note=Message(N_("设定应急第一响应人目标人数或登记常住人口后才能判断是否达到")))
    return _proposal(d, MET if trained >= int(target) else PARTLY, figures)


# --- rules over the community workspace's records (kg.community) -------------------------------------------

def _waits(d: Declared) -> Proposal:
    return _proposal(d, None, [], state=WAITS, note=Message(N_("需要社区工作台的记录（网格、台账、避难场所、物资、队伍等）")))


def _workspace_rule(name: str, kinds: tuple[str, ...]):
    """A rule over the workspace's records: it waits while this store has none of their labels."""
    def register(fn):
        def run(ctx: Context, community: str, d: Declared) -> Proposal:
            if not ctx.workspace:
                return _waits(d)
            return fn(ctx, community, d)
        RULES[name] = RuleSpec(name, run, kinds, workspace=True)
        return fn
    return register


WORKSPACE_RULES = {
    "grid_coverage": ("numeric",), "ledger_handling_rate": ("numeric",), "risk_assessment_recent": ("binary",),
    "community_map_current": ("graded",), "vulnerable_paired": ("graded",), "info_officers": ("numeric",),
    "helpers_informed": ("graded",), "shelters_ready": ("graded",), "shelter_signage": ("graded",),
    "supply_ledger": ("graded",), "supplies_minimum": ("graded",), "team_ready": ("graded",),
}


def _not_implemented_yet(ctx: Context, community: str, d: Declared) -> Proposal:
    return _waits(d)


for _name, _kinds in WORKSPACE_RULES.items():
    if _name not in RULES:
        _workspace_rule(_name, _kinds)(_not_implemented_yet)


# --- running them -------------------------------------------------------------------------------------

def propose_many(store: GraphStore, communities: Iterable[str], *, now: datetime,
                 standard: str = DEFAULT_STANDARD) -> dict[str, list[Proposal]]:
    """Every declared rule for every community (reads batched across the communities)."""
    declared = declared_rules(store, standard)
    ctx = Context(store, communities, now=now)
    out: dict[str, list[Proposal]] = {}
    for community in ctx.communities:
        out[community] = [RULES[d.rule].fn(ctx, community, d) if d.rule in RULES else
                          _proposal(d, None, [], state=WAITS, note=Message(N_("规则 %(rule)s 尚未实现"), rule=d.rule))
                          for d in declared]
    return out


def propose(store: GraphStore, community: str, *, now: datetime, standard: str = DEFAULT_STANDARD) -> list[Proposal]:
    return propose_many(store, [community], now=now, standard=standard)[community]


def proposals_by_criterion(proposals: list[Proposal]) -> dict[str, Proposal]:
    return {p.criterion: p for p in proposals}


__all__ = [
    "MET",
    "NOT_MET",
    "NO_RECORDS",
    "PARTLY",
    "PROPOSED",
    "RULES",
    "WAITS",
    "WORKSPACE_RULES",
    "Context",
    "Declared",
    "Figure",
    "Proposal",
    "RecordRef",
    "RuleSpec",
    "declared_rules",
    "proposals_by_criterion",
    "propose",
    "propose_many",
]
