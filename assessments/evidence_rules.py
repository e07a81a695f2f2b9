"""Evidence rules: the self-assessment answers a community's own records can prove.

A criterion that records can prove declares its rule in the checklist data
(``assessments/data/criteria-2020.yaml``: ``evidence_rule: {rule, params, basis}``, stored on the
Criterion node as ``evidence_rule``, ``evidence_params`` (JSON) and ``evidence_basis``).  Each rule
is a function registered here under that name; ``propose(store, community, now=…)`` runs every
declared rule for one community, ``propose_many`` for many (the reads are batched: one query per
kind of record for all the communities).

A ``Proposal`` carries the proposed answer (met / partly / not_met, or a value for a numeric
criterion), the figures behind it and the records it rests on.  Its ``state`` is ``proposed`` or
``no_records`` (the records that would prove it are not there yet — nothing is proposed).
Records are read as they are: a rule never guesses.

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
from assessments.errors import ChecklistInvalid
from kg.errors import N_, Message
from kg.store.base import GraphStore

MET, PARTLY, NOT_MET = "met", "partly", "not_met"
PROPOSED, NO_RECORDS = "proposed", "no_records"
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

def _workspace_rule(name: str, kinds: tuple[str, ...]):
    """A rule over the community workspace's records (``kg.community``)."""
    def register(fn):
        RULES[name] = RuleSpec(name, fn, kinds, workspace=True)
        return fn
    return register


WORKSPACE_RULES = {
    "grid_coverage": ("numeric",), "ledger_handling_rate": ("numeric",), "risk_assessment_recent": ("binary",),
    "community_map_current": ("graded",), "vulnerable_paired": ("graded",), "info_officers": ("numeric",),
    "helpers_informed": ("graded",), "shelters_ready": ("graded",), "shelter_signage": ("graded",),
    "supply_ledger": ("graded",), "supplies_minimum": ("graded",), "team_ready": ("graded",),
}


class Workspace:
    """The community workspace's records of every community of a context, read once per kind."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def records(self, label: str) -> dict[str, list[dict]]:
        def read():
            out: dict[str, list[dict]] = defaultdict(list)
            for row in self.ctx.store.run_read_for("evidence_ws_records", label, communities=self.ctx.communities):
                out[row["community"]].append(dict(row["props"], id=row["id"]))
            return out
        return self.ctx._memo(("ws", label), read)

    @cached_property
    def residents(self) -> dict[str, tuple[int, int, int]]:
        return {r["community"]: (int(r["residents"]), int(r["paired"] or 0), int(r["carded"] or 0))
                for r in self.ctx.store.run_read("evidence_ws_residents", communities=self.ctx.communities)}

    @cached_property
    def helpers(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = defaultdict(list)
        for r in self.ctx.store.run_read("evidence_ws_helpers", communities=self.ctx.communities):
            out[r["community"]].append(r)
        return out

    @cached_property
    def team_members(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = defaultdict(list)
        for r in self.ctx.store.run_read("evidence_ws_team_members", communities=self.ctx.communities):
            out[r["team"]].append(r)
        return out

    @cached_property
    def case_points(self) -> dict[str, int]:
        return {r["community"]: int(r["placed"])
                for r in self.ctx.store.run_read("evidence_ws_case_points", communities=self.ctx.communities)}

    def rates(self, months: int):
        from kg.community.ledger import handling_rates

        return self.ctx._memo(("rates", months), lambda: handling_rates(self.ctx.store, now=self.ctx.now,
                                                                         communities=self.ctx.communities,
                                                                         months=months))

    @cached_property
    def trained_accounts(self) -> set[str]:
        """Accounts of helpers and team members with a training record (a current certificate or
        a passing sign-off in the last 12 months)."""
        accounts = {r["account"] for rows in self.helpers.values() for r in rows if r.get("account")}
        accounts |= {r["account"] for rows in self.team_members.values() for r in rows if r.get("account")}
        if not accounts:
            return set()
        rows = self.ctx.store.run_read("evidence_trained_accounts", accounts=sorted(accounts), now=iso(self.ctx.now),
                                       since=iso(months_ago(self.ctx.now, 12)))
        return {r["account"] for r in rows if int(r["certificates"] or 0) or int(r["signoffs"] or 0)}


def _ws(ctx: Context) -> Workspace:
    return ctx._memo(("workspace",), lambda: Workspace(ctx))


def _refs(rows: list[dict], label: str) -> list[RecordRef]:
    return [RecordRef(r["id"], label, r.get("name", "")) for r in rows]


@_workspace_rule("grid_coverage", ("numeric",))
def grid_coverage(ctx: Context, community: str, d: Declared) -> Proposal:
    props = ctx.community_props.get(community, {})
    grids = _ws(ctx).records("CommunityGrid").get(community, [])
    households, area = props.get("households"), props.get("area_km2")
    covered_h = sum(int(g.get("households") or 0) for g in grids)
    covered_a = sum(float(g.get("area_km2") or 0) for g in grids)
    figures = [Figure(_m(N_("网格数")), len(grids))]
    if households:
        share = min(1.0, covered_h / int(households))
        figures += [Figure(_m(N_("网格覆盖户数")), covered_h, N_("户")), Figure(_m(N_("社区总户数")), households, N_("户"))]
    elif area:
        share = min(1.0, covered_a / float(area))
        figures += [Figure(_m(N_("网格覆盖面积")), round(covered_a, 3), N_("平方千米")),
                    Figure(_m(N_("社区面积")), area, N_("平方千米"))]
    else:
        return _proposal(d, None, figures, _refs(grids, "CommunityGrid"), state=NO_RECORDS,
                         note=_m(N_("请先登记社区的户数或面积")))
    if not grids:
        return _proposal(d, 0.0, figures)
    return _proposal(d, round(100 * share, 1), figures, _refs(grids, "CommunityGrid"))


@_workspace_rule("ledger_handling_rate", ("numeric",))
def ledger_handling_rate(ctx: Context, community: str, d: Declared) -> Proposal:
    months = int(d.params.get("months", 12))
    rate = _ws(ctx).rates(months).get(community)
    if rate is None or not rate.reported:
        return _proposal(d, None, [Figure(_m(N_("近 %(months)s 个月上报的隐患"), months=months), 0, N_("件"))],
                         state=NO_RECORDS, note=_m(N_("台账中近期没有上报的隐患")))
    figures = [Figure(_m(N_("近 %(months)s 个月上报的隐患"), months=months), rate.reported, N_("件")),
               Figure(_m(N_("已处理（核验销号或上报街道）")), rate.handled, N_("件")),
               Figure(_m(N_("已核验销号")), rate.closed, N_("件"))]
    if rate.mean_days_to_close is not None:
        figures.append(Figure(_m(N_("平均销号天数")), rate.mean_days_to_close, N_("天")))
    return _proposal(d, round(100 * rate.rate, 1), figures, [RecordRef(community, "Community")])


@_workspace_rule("risk_assessment_recent", ("binary",))
def risk_assessment_recent(ctx: Context, community: str, d: Declared) -> Proposal:
    months = int(d.params.get("months", 6))
    rows = sorted(_ws(ctx).records("RiskAssessment").get(community, []), key=lambda r: r.get("assessed_on", ""))
    if not rows:
        return _proposal(d, NOT_MET, [Figure(_m(N_("最近一次风险评估")), _m(N_("无")))])
    latest = rows[-1]
    since = months_ago(ctx.now, months).date().isoformat()
    figures = [Figure(_m(N_("最近一次风险评估")), latest["assessed_on"]),
               Figure(_m(N_("要求")), _m(N_("近 %(months)s 个月内"), months=months))]
    return _proposal(d, MET if latest["assessed_on"] >= since else NOT_MET, figures,
                     [RecordRef(latest["id"], "RiskAssessment", latest["assessed_on"])])


@_workspace_rule("community_map_current", ("graded",))
def community_map_current(ctx: Context, community: str, d: Declared) -> Proposal:
    ws = _ws(ctx)
    base = ws.records("BaseMap").get(community, [])
    if not base:
        return _proposal(d, NOT_MET, [Figure(_m(N_("社区风险地图底图")), _m(N_("无")))])
    features = ws.records("MapFeature").get(community, [])
    shelters = [s for s in ws.records("Shelter").get(community, []) if s.get("x") is not None]
    routes = [f for f in features if f.get("kind") in ("evacuation_route", "assembly_point")]
    cases = ws.case_points.get(community, 0)
    figures = [Figure(_m(N_("标在图上的避难场所")), len(shelters), N_("处")),
               Figure(_m(N_("标在图上的疏散路线和集合点")), len(routes), N_("处")),
               Figure(_m(N_("标在图上的隐患")), cases, N_("件"))]
    marked = sum(1 for n in (len(shelters), len(routes), cases) if n)
    return _proposal(d, MET if marked == 3 else PARTLY, figures, _refs(base, "BaseMap"))


@_workspace_rule("vulnerable_paired", ("graded",))
def vulnerable_paired(ctx: Context, community: str, d: Declared) -> Proposal:
    total, paired, carded = _ws(ctx).residents.get(community, (0, 0, 0))
    figures = [Figure(_m(N_("脆弱人群清单")), total, N_("人")), Figure(_m(N_("已结对帮扶")), paired, N_("人")),
               Figure(_m(N_("已发放明白卡")), carded, N_("人"))]
    done = min(paired, carded)
    return _proposal(d, _graded(done, total) if total and paired and carded else
                     (PARTLY if paired or carded else NOT_MET), figures)


@_workspace_rule("info_officers", ("numeric",))
def info_officers(ctx: Context, community: str, d: Declared) -> Proposal:
    people = [p for p in _ws(ctx).records("CommunityPerson").get(community, []) if p.get("role") == "info_officer"]
    return _proposal(d, float(len(people)), [Figure(_m(N_("登记的灾害信息员")), len(people), N_("人"))],
                     _refs(people, "CommunityPerson"))


@_workspace_rule("helpers_informed", ("graded",))
def helpers_informed(ctx: Context, community: str, d: Declared) -> Proposal:
    ws = _ws(ctx)
    total, _paired, carded = ws.residents.get(community, (0, 0, 0))
    helpers = ws.helpers.get(community, [])
    trained = [h for h in helpers if h.get("account") in ws.trained_accounts]
    figures = [Figure(_m(N_("已发放明白卡")), carded, N_("人")), Figure(_m(N_("脆弱人群清单")), total, N_("人")),
               Figure(_m(N_("结对帮扶人")), len(helpers), N_("人")),
               Figure(_m(N_("有培训记录的帮扶人")), len(trained), N_("人"))]
    if not total:
        return _proposal(d, None, figures, state=NO_RECORDS, note=_m(N_("脆弱人群清单为空")))
    if carded >= total and helpers and len(trained) == len(helpers):
        return _proposal(d, MET, figures)
    return _proposal(d, PARTLY if carded or trained else NOT_MET, figures)


@_workspace_rule("shelters_ready", ("graded",))
def shelters_ready(ctx: Context, community: str, d: Declared) -> Proposal:
    shelters = _ws(ctx).records("Shelter").get(community, [])
    ready = [s for s in shelters if int(s.get("capacity") or 0) > 0 and (s.get("manager") or "").strip()]
    figures = [Figure(_m(N_("避难场所")), len(shelters), N_("处")),
               Figure(_m(N_("写明可安置人数和管理人")), len(ready), N_("处")),
               Figure(_m(N_("可安置人数合计")), sum(int(s.get("capacity") or 0) for s in shelters), N_("人"))]
    return _proposal(d, _graded(len(ready), len(shelters)), figures, _refs(shelters, "Shelter"))


@_workspace_rule("shelter_signage", ("graded",))
def shelter_signage(ctx: Context, community: str, d: Declared) -> Proposal:
    months = int(d.params.get("months", 12))
    since = months_ago(ctx.now, months).date().isoformat()
    shelters = _ws(ctx).records("Shelter").get(community, [])
    checked = [s for s in shelters if (s.get("signage_checked_on") or "") >= since]
    figures = [Figure(_m(N_("避难场所")), len(shelters), N_("处")),
               Figure(_m(N_("近 %(months)s 个月检查过指示标志"), months=months), len(checked), N_("处"))]
    return _proposal(d, _graded(len(checked), len(shelters)), figures, _refs(shelters, "Shelter"))


@_workspace_rule("supply_ledger", ("graded",))
def supply_ledger(ctx: Context, community: str, d: Declared) -> Proposal:
    months = int(d.params.get("months", 12))
    since = months_ago(ctx.now, months).date().isoformat()
    items = _ws(ctx).records("SupplyItem").get(community, [])
    points = {i.get("storage_point") for i in items if i.get("storage_point")}
    checked = [i for i in items if (i.get("last_checked_on") or "") >= since]
    figures = [Figure(_m(N_("物资台账")), len(items), N_("项")), Figure(_m(N_("储备点")), len(points), N_("处")),
               Figure(_m(N_("近 %(months)s 个月检查过"), months=months), len(checked), N_("项"))]
    if not items:
        return _proposal(d, NOT_MET, figures)
    return _proposal(d, MET if points and len(checked) == len(items) else PARTLY, figures)


@_workspace_rule("supplies_minimum", ("graded",))
def supplies_minimum(ctx: Context, community: str, d: Declared) -> Proposal:
    from kg.community.registers import supply_kinds

    criterion = str(d.params.get("criterion") or d.criterion)
    kinds = {k for k, v in supply_kinds().items() if v.get("criterion") == criterion}
    ws = _ws(ctx)
    lines = [m for m in ws.records("SupplyMinimum").get(community, []) if m.get("kind") in kinds]
    today = ctx.today.isoformat()
    items = [i for i in ws.records("SupplyItem").get(community, []) if i.get("kind") in kinds]
    expired = [i for i in items if i.get("expires_on") and i["expires_on"] < today]
    have: dict[str, float] = defaultdict(float)
    for i in items:
        if i not in expired:
            have[i["kind"]] += float(i.get("quantity") or 0)
    met = [m for m in lines if have.get(m["kind"], 0) >= float(m.get("min_quantity") or 0)]
    figures = [Figure(_m(N_("最低储备清单中的品类")), len(lines), N_("项")), Figure(_m(N_("已达到")), len(met), N_("项")),
               Figure(_m(N_("已过期的物资")), len(expired), N_("项"))]
    if not lines:
        return _proposal(d, None, figures, state=NO_RECORDS, note=_m(N_("请先设定本社区的最低储备清单")))
    if len(met) == len(lines) and not expired:
        return _proposal(d, MET, figures, _refs(lines, "SupplyMinimum"))
    return _proposal(d, PARTLY if met else NOT_MET, figures, _refs(lines, "SupplyMinimum"))


@_workspace_rule("team_ready", ("graded",))
def team_ready(ctx: Context, community: str, d: Declared) -> Proposal:
    ws = _ws(ctx)
    kinds = {k.strip() for k in str(d.params.get("kinds", "")).split(",") if k.strip()}
    teams = [t for t in ws.records("ResponseTeam").get(community, []) if t.get("kind") in kinds]
    ready, members, trained = [], 0, 0
    for t in teams:
        people = ws.team_members.get(t["id"], [])
        with_training = [p for p in people if p.get("account") in ws.trained_accounts]
        members += len(people)
        trained += len(with_training)
        if people and with_training and (t.get("contact") or "").strip():
            ready.append(t)
    figures = [Figure(_m(N_("队伍")), len(teams), N_("支")), Figure(_m(N_("队员")), members, N_("人")),
               Figure(_m(N_("有培训记录的队员")), trained, N_("人"))]
    if not teams:
        return _proposal(d, NOT_MET, figures)
    return _proposal(d, MET if ready else PARTLY, figures, _refs(teams, "ResponseTeam"))


# --- running them -------------------------------------------------------------------------------------

def propose_many(store: GraphStore, communities: Iterable[str], *, now: datetime,
                 standard: str = DEFAULT_STANDARD) -> dict[str, list[Proposal]]:
    """Every declared rule for every community (reads batched across the communities)."""
    declared = declared_rules(store, standard)
    unknown = sorted({d.rule for d in declared} - set(RULES))
    if unknown:
        raise ChecklistInvalid(N_("标准中的证据规则 %(rules)s 没有实现"), rules="、".join(unknown))
    ctx = Context(store, communities, now=now)
    out: dict[str, list[Proposal]] = {}
    for community in ctx.communities:
        out[community] = [RULES[d.rule].fn(ctx, community, d) for d in declared]
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
