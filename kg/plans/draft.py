"""Draft a community comprehensive plan (社区综合应急预案) from the knowledge graph.

For the hazards a community faces (chosen, or taken from its latest risk assessment):

* **work groups** — the seven groups the standard names, each with the duties it carries out per
  phase: the graph's duties held at community or grid level (and by volunteers) that address one
  of the hazards, or that address no particular hazard and are assigned by the comprehensive plan
  or by a special plan covering one of the hazards; which group carries out which duty is
  ``kg/plans/data/work_groups.yaml``.  Members come from the community's people and teams (the
  workspace records) or are named by the editor;
* **activation and warning levels** — the four warning levels of 突发事件应对法 第六十三条 (红橙黄蓝,
  一级最高), the measures of 第六十六、六十七条 and the community's part (第七十七条); the comprehensive
  plan's activation criteria, and per hazard the criteria of the special plans that cover it;
* **warning channels, places, vulnerable residents, supplies** — what the graph's facility and duty
  nodes say, and what the community's records hold (counts only for vulnerable residents);
* every paragraph names the graph nodes and the sources (with locators) it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.errors import N_, Invalid, NotFound
from kg.plans.document import PHASES, Citation, Contact, Document, DutyItem, Paragraph, Place, WorkGroup
from kg.plans.records import CommunityRecords, records_for
from kg.plans.workgroups import work_groups
from kg.store.base import ID_RE, GraphStore

COMPREHENSIVE = "plan.community-comprehensive"
LAW = "src.emergency-response-law"
HAZARDS_MAX = 30
#: Facility kinds each section describes.
WARNING_FACILITIES = ("facility.warning-channels", "facility.emergency-broadcast")
PLACE_FACILITIES = ("facility.shelter", "facility.evacuation-route", "facility.medical-point", "facility.command-post")
SUPPLY_FACILITIES = ("facility.supply-reserve",)
VULNERABLE_DUTIES = ("duty.vulnerable-people-list", "duty.flood-transfer-vulnerable", "duty.help-unattended-dependents")


@dataclass
class Catalog:
    """What the draft reads from the graph (one read of each kind)."""

    duties: list[dict]
    plans: list[dict]
    names: dict[str, str]  # node id -> name (hazards, organizations, phases, sources, facilities)
    facilities: dict[str, dict]  # id -> {props, citations}

    @classmethod
    def read(cls, store: GraphStore) -> Catalog:
        duties = store.run_read("plans_duty_catalog")
        plans = store.run_read("plans_plan_catalog")
        facilities = {r["id"]: r for r in store.run_read_for(
            "plans_citations_of", "Facility", ids=list(WARNING_FACILITIES + PLACE_FACILITIES + SUPPLY_FACILITIES))}
        wanted = {o for d in duties for o in d["holders"]} | set(PHASES)
        wanted |= {c[0] for d in duties for c in d["citations"] if c[0]}
        wanted |= {c[0] for p in plans for c in p["citations"] if c[0]}
        wanted |= {c[0] for f in facilities.values() for c in f["citations"] if c[0]}
        wanted |= {LAW, work_groups().source.id}
        nodes = store.get_nodes(sorted(wanted))
        names = {i: n["properties"].get("name", i) for i, n in nodes.items()}
        return cls(duties, plans, names, facilities)


def _cite(pairs, names: dict[str, str]) -> list[Citation]:
    out, seen = [], set()
    for source, locator in pairs:
        if not source or (source, locator) in seen:
            continue
        seen.add((source, locator))
        out.append(Citation(source, locator or None, names.get(source)))
    return out


def check_hazards(store: GraphStore, hazards: list[str]) -> list[dict]:
    """The chosen hazards as ``{id, name}``: each a Hazard of the graph (not a family), no repeats."""
    if not isinstance(hazards, (list, tuple)) or not hazards:
        raise Invalid(N_("请至少选择一种灾害"))
    if len(hazards) > HAZARDS_MAX:
        raise Invalid(N_("灾害种类不能超过 %(max)s 种"), max=HAZARDS_MAX)
    ids = list(dict.fromkeys(h for h in hazards if isinstance(h, str)))
    bad = [h for h in ids if not ID_RE.match(h)]
    nodes = store.get_nodes([h for h in ids if h not in bad])
    out = []
    for h in ids:
        node = nodes.get(h)
        if node is None or node["label"] != "Hazard":
            raise Invalid(N_("图中没有灾害 %(id)s"), id=str(h)[:80])
        if node["properties"].get("level") == "family":
            raise Invalid(N_("%(name)s 是灾害大类，请选择具体的灾害"), name=node["properties"].get("name", h))
        out.append({"id": h, "name": node["properties"].get("name", h)})
    return out


def draft(store: GraphStore, community_id: str, hazards: list[str] | None = None, *,
          records: CommunityRecords | None = None, catalog: Catalog | None = None) -> Document:
    """Draft the plan of a community for ``hazards`` (or, when None, the hazards of its latest risk
    assessment in the workspace records)."""
    records = records or records_for(store)
    node = store.get_node(community_id) if isinstance(community_id, str) and ID_RE.match(community_id) else None
    if node is None or node["label"] != "Community":
        raise NotFound(N_("没有社区 %(id)s"), id=str(community_id)[:80])
    community_name = node["properties"].get("name", community_id)
    drawn_from: dict = {}
    if hazards is None:
        assessment = records.latest_risk_assessment(community_id)
        if assessment is None or not assessment.hazards:
            raise Invalid(N_("本社区还没有列出灾害的风险评估：请选择预案涵盖的灾害"))
        hazards = assessment.hazards
        drawn_from["risk_assessment"] = {"id": assessment.id, "assessed_on": assessment.assessed_on}
    chosen = check_hazards(store, list(hazards))
    hazard_ids = [h["id"] for h in chosen]
    catalog = catalog or Catalog.read(store)
    levels = _org_levels(store, catalog)
    names = catalog.names
    plans = {p["id"]: p for p in catalog.plans}
    covering = {h: [p for p in catalog.plans if h in p["hazards"] and p["kind"] == "special"] for h in hazard_ids}
    drawn_from["plans"] = sorted({COMPREHENSIVE} | {p["id"] for ps in covering.values() for p in ps})

    wg = work_groups()
    group_of = wg.group_of()
    selected = _select(catalog, hazard_ids, levels)
    groups: list[WorkGroup] = []
    for gdef in wg.groups:
        groups.append(WorkGroup(key=gdef.key, name=gdef.name, description=Paragraph(
            key=f"groups.{gdef.key}", heading=gdef.name, text=gdef.description, nodes=[],
            sources=[Citation(wg.source.id, wg.source.locator, names.get(wg.source.id))])))
    by_key = {g.key: g for g in groups}
    other: list[DutyItem] = []
    for d in selected:
        item = DutyItem(duty=d["id"], name=d["name"], text=d.get("description") or d["name"],
                        holders=list(d["holders"]), holder_names=[names.get(h, h) for h in d["holders"]],
                        sources=_cite(d["citations"], names), hazards=[h for h in d["hazards"] if h in hazard_ids])
        keys = group_of.get(d["id"])
        if not keys:
            other.append(item)
            continue
        phase = next((p for p in PHASES if p in d["phases"]), PHASES[1])
        for key in keys:
            by_key[key].duties.setdefault(phase, []).append(item)
            by_key[key].description.nodes.append(d["id"])
    for group in groups:
        group.duties = {p: group.duties[p] for p in PHASES if p in group.duties}
    _assign_members(groups, records.people(community_id), names)

    comp = plans.get(COMPREHENSIVE) or {"citations": [], "activation_criteria": []}
    hazard_names = "、".join(h["name"] for h in chosen)
    paragraphs = [
        Paragraph("general.purpose", heading="编制目的和依据", nodes=[COMPREHENSIVE], sources=_cite(comp["citations"], names),
                  text=f"为做好{community_name}{hazard_names}等突发事件的防范和应对，明确社区各工作组的职责和行动程序，"
                       "保护居民生命财产安全，依据有关法律法规和上级应急预案，结合本社区实际制定本预案；"
                       "本预案由社区在乡镇（街道）指导下编制，各专项预案和现场处置方案对本预案细化。"),
        Paragraph("general.scope", heading="适用范围", nodes=hazard_ids, origin="records" if "risk_assessment" in drawn_from else "graph",
                  sources=[], text=f"本预案适用于本社区范围内以下突发事件的预防与应急准备、监测与预警、应急处置与救援、"
                                   f"事后恢复：{hazard_names}。"),
        Paragraph("groups.intro", heading="组织机构", nodes=[], sources=[Citation(wg.source.id, wg.source.locator, names.get(wg.source.id))],
                  text="社区成立突发事件应急工作领导小组，由社区党组织和居（村）民委员会负责人任组长，统一领导本社区的应急工作；"
                       "下设" + "、".join(g.name for g in wg.groups) + "七个工作组，各组职责按阶段列于下文。"),
        Paragraph("activation.levels", heading="预警级别", nodes=[], sources=[Citation(LAW, "第六十三条", names.get(LAW))],
                  text="可以预警的自然灾害、事故灾难和公共卫生事件，其预警级别按紧急程度、发展态势和可能的危害程度分为一级、二级、"
                       "三级和四级，依次用红色、橙色、黄色和蓝色标示，一级最高；各级的划分标准由国务院或其确定的部门制定。"
                       "本社区以所在地人民政府发布的警报级别为准。"),
        Paragraph("activation.measures", heading="预警期和响应中的社区行动", nodes=[],
                  sources=[Citation(LAW, "第六十六条、第六十七条、第七十七条", names.get(LAW))],
                  text="所在地人民政府发布三级、四级警报后启动应急预案，加强监测并向社会发布避险常识；发布一级、二级警报后，"
                       "还可以责令救援队伍待命，转移、疏散或者撤离易受危害的人员并妥善安置。社区按照当地人民政府的决定、命令"
                       "进行宣传动员，组织群众自救与互救，协助维护秩序；情况紧急时立即组织群众开展自救互救等先期处置。"),
        Paragraph("activation.general", heading="启动条件（综合）", nodes=[COMPREHENSIVE], sources=_cite(comp["citations"], names),
                  text="出现下列情形之一时启动本预案：" + "；".join(comp.get("activation_criteria") or []) + "。"),
    ]
    for h in chosen:
        ps = covering[h["id"]]
        criteria = [c for p in ps for c in (p.get("activation_criteria") or [])]
        gaps = [p["source_gap"] for p in ps if p.get("source_gap")]
        text = ""
        if criteria:
            text = f"{h['name']}：出现下列情形之一时启动本预案中{h['name']}的应对措施（并启动对应专项预案"
            text += "《" + "》《".join(p["name"] for p in ps) + "》）：" + "；".join(dict.fromkeys(criteria)) + "。"
            if gaps:
                text += "说明：" + " ".join(gaps)
        paragraphs.append(Paragraph(f"activation.hazard.{h['id']}", heading=f"启动条件：{h['name']}",
                                    nodes=[h["id"]] + [p["id"] for p in ps],
                                    sources=_cite([c for p in ps for c in p["citations"]], names), text=text))
    paragraphs.append(_facility_paragraph("warning.channels", "预警信息发布方式和渠道", catalog, WARNING_FACILITIES,
                                          "预警信息通过以下方式传到居民：{desc}收到预警后，预警预报组按“叫应”要求逐级传到网格"
                                          "责任人和居民户，并确认收到；下表列出本社区使用的渠道。"))
    paragraphs.append(_facility_paragraph("places.intro", "避难场所、疏散路线、医疗救护点和指挥场所", catalog,
                                          PLACE_FACILITIES, "{desc}本社区的场所和路线见下表（可附社区综合避难图）。"))
    vulnerable_duties = [d for d in selected if d["id"] in VULNERABLE_DUTIES]
    figures = records.vulnerable(community_id)
    paragraphs.append(Paragraph(
        "vulnerable.procedure", heading="脆弱人群转移帮扶", nodes=[d["id"] for d in vulnerable_duties],
        sources=_cite([c for d in vulnerable_duties for c in d["citations"]], names),
        text="社区动态更新脆弱人群清单，每位脆弱人群居民落实结对帮扶人并发放明白卡；预警期内由帮扶人负责通知、协助转移，"
             "转移安置组核对转移情况并报告协调指挥组。清单只由社区保管，本预案只记人数，不记个人信息。"
             + "".join(f"{d['name']}。" for d in vulnerable_duties if d["id"] != "duty.vulnerable-people-list")))
    supply_duties = [d for d in selected if d["id"] == "duty.community-supplies-management"]
    p = _facility_paragraph("supplies.intro", "应急物资保障", catalog, SUPPLY_FACILITIES,
                            "{desc}物资保障组管理本社区储备点的物资台账，定期检查并更换过期物资；物资清单见下表。")
    p.nodes += [d["id"] for d in supply_duties]
    p.sources += _cite([c for d in supply_duties for c in d["citations"]], names)
    paragraphs.append(p)
    paragraphs.append(Paragraph("contacts.intro", heading="应急联系人", nodes=[], sources=[],
                                text="各工作组组长和应急值班电话见下表，变动时及时更新并通知各组。"))

    places = [Place(kind=r.kind, name=r.name, location=r.location, capacity=r.capacity, manager=r.manager, ref=r.id)
              for r in records.places(community_id)]
    return Document(community=community_id, community_name=community_name, title=f"{community_name}突发事件综合应急预案",
                    hazards=chosen, paragraphs=paragraphs, groups=groups, channels=[], places=places,
                    supplies=records.supplies(community_id), contacts=[Contact(role="应急值班电话")],
                    vulnerable={"residents": figures.residents, "paired": figures.paired, "cards": figures.cards,
                                "helpers": figures.helpers, "from_records": records.available},
                    other_duties=other, drawn_from=drawn_from)


def _org_levels(store: GraphStore, catalog: Catalog) -> dict[str, str | None]:
    holders = sorted({o for d in catalog.duties for o in d["holders"]})
    nodes = store.get_nodes(holders)
    return {o: (nodes[o]["properties"].get("level") if o in nodes else None) for o in holders}


def _select(catalog: Catalog, hazards: list[str], levels: dict[str, str | None]) -> list[dict]:
    chosen = set(hazards)
    plans = {COMPREHENSIVE} | {p["id"] for p in catalog.plans if set(p["hazards"]) & chosen}
    wg = work_groups()
    community_levels, orgs = set(wg.holders.levels), set(wg.holders.organizations)
    out = []
    for d in catalog.duties:
        addressed = set(d["hazards"])
        if addressed and not addressed & chosen:
            continue
        if not addressed and not set(d["plans"]) & plans:
            continue
        if any(h in orgs or levels.get(h) in community_levels for h in d["holders"]):
            out.append(d)
    return out


def _facility_paragraph(key: str, heading: str, catalog: Catalog, ids: tuple[str, ...], template: str) -> Paragraph:
    found = [catalog.facilities[i] for i in ids if i in catalog.facilities]
    desc = "".join(f"{f['props'].get('name')}：{f['props'].get('description', '')}" for f in found)
    return Paragraph(key, heading=heading, nodes=[f["id"] for f in found],
                     sources=_cite([c for f in found for c in f["citations"]], catalog.names),
                     text=template.format(desc=desc))


def _assign_members(groups: list[WorkGroup], people, names: dict[str, str]) -> None:
    """Members from the community's people: a person whose role holds one of a group's duties
    joins that group (the workspace records; nobody when there are none)."""
    for g in groups:
        holders = {h for items in g.duties.values() for d in items for h in d.holders}
        for person in people:
            if set(person.roles) & holders and person.id not in g.member_refs:
                g.member_refs.append(person.id)
                g.members.append(person.name)


__all__ = ["COMPREHENSIVE", "Catalog", "check_hazards", "draft"]
