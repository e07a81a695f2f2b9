"""The community's other registers: risk assessments, shelters, supplies with the minimum list,
and response teams.

* **Risk assessments (风险评估)**: dated, per hazard a likelihood and a consequence (1–5 each),
  the level from their product, exposure notes; linked to the ledger cases of those hazards.  The
  standard asks for one at least every six months (评分参考表 2.1); ``latest_risk_assessment``
  says when the next is due.  The hazards rated *较高* or *高* are the ones the community plan
  must cover: ``plan_coverage`` lists, for each, the plans of the graph that cover it.
* **Shelters (避难场所)**: instances of a Facility kind (``facility.shelter`` …): place, capacity,
  manager, opening procedure, the date the signage was last checked.
* **Supplies (应急物资)**: items of a kind (``supply_kinds.yaml``: each tied to the standard's
  element-8 criterion and Facility kind), quantity, unit, storage point, expiry and last check; a
  minimum list the community sets, starting from ``minimum_proposal`` (the kinds the graph's
  element-8 criteria require); ``supplies_against_minimum`` lists what is missing, expiring
  and expired.
* **Teams (应急队伍)**: rescue team, volunteer team, micro fire station crew — members are
  community people; a member linked to an account shows their training certificates
  (``teams_with_trained_members``); the team's duties come from the graph (its Organization).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from kg.community.model import (
    RISK_ASSESSMENT_MONTHS,
    RISK_LEVELS,
    TEAM_KINDS,
    CommunityInvalid,
    CommunityNotFound,
    add_months,
    clean_text,
    new_id,
    number,
    parse_date,
    suffix,
    whole_number,
)
from kg.community.profile import community, people, records
from kg.errors import N_
from kg.store import GraphStore

EXPIRY_WARNING_DAYS = 30


# --- supply kinds -------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def supply_kinds() -> dict[str, dict]:
    text = (resources.files("kg.community") / "supply_kinds.yaml").read_text(encoding="utf-8")
    return {k["id"]: k for k in yaml.safe_load(text)["kinds"]}


def _kind(value: Any) -> dict:
    kinds = supply_kinds()
    if value not in kinds:
        raise CommunityInvalid(N_("kind：%(value)s 不是物资种类（可选：%(allowed)s）"), value=str(value)[:40],
                               allowed="、".join(kinds))
    return kinds[value]


def _own(store: GraphStore, record_id: str | None, label: str, community_id: str) -> str | None:
    if record_id is None:
        return None
    node = store.get_node(record_id) if isinstance(record_id, str) else None
    if node is None or node["label"] != label or node["properties"].get("community") != community_id:
        raise CommunityNotFound(N_("本社区没有记录 %(id)s"), id=str(record_id)[:80])
    return record_id


def _point(store: GraphStore, community_id: str, fields: dict) -> dict:
    from kg.community.ledger import check_point

    point = check_point(store, community_id, fields.get("x"), fields.get("y"))
    return {"x": point[0], "y": point[1]} if point else {}


# --- supplies ------------------------------------------------------------------------------------------
def check_supply(store: GraphStore, community_id: str, fields: dict) -> dict:
    kind = _kind((fields.get("kind") or "").strip())
    props: dict[str, Any] = {
        "community": community_id, "kind": kind["id"],
        "name": clean_text(fields.get("name"), "name") or kind["name"],
        "quantity": number(fields.get("quantity"), "quantity", high=1_000_000, required=True),
        "unit": clean_text(fields.get("unit"), "unit", limit=10) or kind["unit"],
        "storage_point": clean_text(fields.get("storage_point"), "storage_point", limit=80),
        "expires_on": parse_date(fields["expires_on"], "expires_on").isoformat() if fields.get("expires_on") else "",
        "last_checked_on": (parse_date(fields["last_checked_on"], "last_checked_on").isoformat()
                            if fields.get("last_checked_on") else "")}
    props.update(_point(store, community_id, fields))
    if props["quantity"] == int(props["quantity"]):
        props["quantity"] = int(props["quantity"])
    return props


def save_supplies(store: GraphStore, community_id: str, rows: list[dict]) -> list[str]:
    nodes, rels, ids = [], [], []
    for props in rows:
        item_id = props.pop("id", None) or new_id("supply", community_id)
        ids.append(item_id)
        nodes.append({"id": item_id, "properties": props})
        rels.append({"type": "CASE_OF", "start": item_id, "end": community_id})
        facility = supply_kinds()[props["kind"]].get("facility")
        if facility:
            rels.append({"type": "INSTANCE_OF", "start": item_id, "end": facility})
    _require_nodes(store, {r["end"] for r in rels})
    store.upsert_nodes("SupplyItem", nodes, replace=True)
    store.upsert_relationships(rels)
    return ids


def _require_nodes(store: GraphStore, ids: set[str]) -> None:
    missing = sorted(set(ids) - set(store.labels_of(ids)))
    if missing:
        raise CommunityInvalid(N_("图谱中缺少 %(ids)s：请先载入知识图谱（cem load）"), ids="、".join(missing[:5]))


def save_supply(store: GraphStore, community_id: str, fields: dict, item_id: str | None = None) -> str:
    community(store, community_id)
    props = check_supply(store, community_id, fields)
    if _own(store, item_id, "SupplyItem", community_id):
        props["id"] = item_id
    return save_supplies(store, community_id, [props])[0]


def minimum_proposal(store: GraphStore) -> list[dict]:
    """A starting minimum list: every supply kind whose element-8 criterion is in the graph, at
    quantity 1 (the standard names the kinds, not the amounts), with the criterion's
    requirement and the Facility kinds it requires."""
    criteria = {r["id"]: r for r in store.run_read("community_supply_criteria")}
    out = []
    for kind in supply_kinds().values():
        crit = criteria.get(kind.get("criterion", ""))
        if crit is None:
            continue
        out.append({"kind": kind["id"], "name": kind["name"], "unit": kind["unit"], "min_quantity": 1,
                    "criterion": crit["id"], "criterion_number": crit["number"], "requirement": crit["requirement"],
                    "facilities": [f for f in crit["facilities"] if f.get("id")]})
    return out


def set_minimum(store: GraphStore, community_id: str, lines: list[dict]) -> int:
    """Replace the community's minimum list with ``lines`` (``kind``, ``min_quantity``, ``unit``)."""
    community(store, community_id)
    nodes, rels = [], []
    kinds_seen = set()
    for line in lines:
        kind = _kind(line.get("kind"))
        if kind["id"] in kinds_seen:
            raise CommunityInvalid(N_("kind：%(value)s 写了两次"), value=kind["id"])
        kinds_seen.add(kind["id"])
        qty = number(line.get("min_quantity"), "min_quantity", high=1_000_000, required=True)
        line_id = f"supplymin.{suffix(community_id)}.{kind['id']}"
        nodes.append({"id": line_id, "properties": {"community": community_id, "kind": kind["id"],
                                                     "name": kind["name"], "min_quantity": qty,
                                                     "unit": clean_text(line.get("unit"), "unit", limit=10)
                                                     or kind["unit"]}})
        rels.append({"type": "CASE_OF", "start": line_id, "end": community_id})
        if kind.get("criterion"):
            rels.append({"type": "REQUIRED_BY", "start": line_id, "end": kind["criterion"]})
        if kind.get("facility"):
            rels.append({"type": "INSTANCE_OF", "start": line_id, "end": kind["facility"]})
    _require_nodes(store, {r["end"] for r in rels})
    for old in records(store, "SupplyMinimum", community_id):
        if old["kind"] not in kinds_seen:
            store.delete_node(old["id"])
    if nodes:
        store.upsert_nodes("SupplyMinimum", nodes, replace=True)
        store.upsert_relationships(rels)
    return len(nodes)


def supplies_against_minimum(store: GraphStore, community_id: str, today: date,
                             warning_days: int = EXPIRY_WARNING_DAYS) -> dict:
    """Per kind on the minimum list: the usable quantity (not expired), the minimum and what is
    missing; and the items expired or expiring within ``warning_days``."""
    items = records(store, "SupplyItem", community_id)
    minimum = {m["kind"]: m for m in records(store, "SupplyMinimum", community_id)}
    day, soon = today.isoformat(), (today + timedelta(days=warning_days)).isoformat()
    expired = [i for i in items if i.get("expires_on") and i["expires_on"] < day]
    expiring = [i for i in items if i.get("expires_on") and day <= i["expires_on"] <= soon]
    usable: dict[str, float] = {}
    for item in items:
        if item in expired:
            continue
        usable[item["kind"]] = usable.get(item["kind"], 0) + float(item.get("quantity") or 0)
    lines = []
    for kind, line in sorted(minimum.items()):
        have = usable.get(kind, 0)
        lines.append({"kind": kind, "name": line.get("name", kind), "unit": line.get("unit", ""),
                      "min_quantity": line["min_quantity"], "have": have,
                      "missing": max(0, float(line["min_quantity"]) - have)})
    return {"items": len(items), "lines": lines, "missing": [ln for ln in lines if ln["missing"] > 0],
            "expired": sorted(expired, key=lambda i: i["expires_on"]),
            "expiring": sorted(expiring, key=lambda i: i["expires_on"]), "has_minimum": bool(minimum)}


# --- shelters -------------------------------------------------------------------------------------------
def save_shelter(store: GraphStore, community_id: str, fields: dict, shelter_id: str | None = None) -> str:
    community(store, community_id)
    kind = (fields.get("kind") or "facility.shelter").strip()
    node = store.get_node(kind) if kind.startswith("facility.") else None
    if node is None or node["label"] != "Facility":
        raise CommunityInvalid(N_("kind：%(value)s 不是图谱中的设施种类"), value=kind[:60])
    props: dict[str, Any] = {
        "community": community_id, "kind": kind, "kind_name": node["properties"].get("name", ""),
        "name": clean_text(fields.get("name"), "name", required=True),
        "place": clean_text(fields.get("place"), "place"),
        "capacity": whole_number(fields.get("capacity"), "capacity", high=1_000_000) or 0,
        "manager": clean_text(fields.get("manager"), "manager", limit=40),
        "opening_procedure": clean_text(fields.get("opening_procedure"), "procedure"),
        "signage_checked_on": (parse_date(fields["signage_checked_on"], "signage_checked_on").isoformat()
                               if fields.get("signage_checked_on") else "")}
    props.update(_point(store, community_id, fields))
    shelter_id = _own(store, shelter_id, "Shelter", community_id) or new_id("shelter", community_id)
    store.upsert_nodes("Shelter", [{"id": shelter_id, "properties": props}], replace=True)
    store.run_write("community_unlink", id=shelter_id, types=["INSTANCE_OF"])
    store.upsert_relationships([{"type": "CASE_OF", "start": shelter_id, "end": community_id},
                                {"type": "INSTANCE_OF", "start": shelter_id, "end": kind}])
    return shelter_id


# --- teams --------------------------------------------------------------------------------------------------
def save_team(store: GraphStore, community_id: str, fields: dict, team_id: str | None = None) -> str:
    community(store, community_id)
    kind = (fields.get("kind") or "").strip()
    if kind not in TEAM_KINDS:
        raise CommunityInvalid(N_("kind：须为 %(allowed)s 之一"), allowed="、".join(TEAM_KINDS))
    members = fields.get("members") or []
    known = {p["id"] for p in people(store, community_id)}
    bad = [m for m in members if m not in known]
    if bad:
        raise CommunityInvalid(N_("members：%(bad)s 不是本社区登记的人员"), bad="、".join(bad)[:80])
    org = TEAM_KINDS[kind][1]
    _require_nodes(store, {org})
    props = {"community": community_id, "kind": kind, "name": clean_text(fields.get("name"), "name", required=True),
             "contact": clean_text(fields.get("contact"), "contact", limit=40), "organization": org}
    team_id = _own(store, team_id, "ResponseTeam", community_id) or new_id("team", community_id)
    store.upsert_nodes("ResponseTeam", [{"id": team_id, "properties": props}], replace=True)
    store.run_write("community_delete_incoming", id=team_id, types=["TEAM_MEMBER"])
    store.upsert_relationships([{"type": "CASE_OF", "start": team_id, "end": community_id},
                                {"type": "TEAM_ROLE", "start": team_id, "end": org}]
                               + [{"type": "TEAM_MEMBER", "start": m, "end": team_id} for m in members])
    return team_id


def teams_with_trained_members(store: GraphStore, community_id: str, today: date) -> list[dict]:
    """Each team with its members, each member's current training certificates (those not yet
    expired, from the training area), how many members are trained, and the team's duties."""
    teams = records(store, "ResponseTeam", community_id)
    persons = {p["id"]: p for p in people(store, community_id)}
    person_links = {}
    for pid, rels in _person_links(store, community_id).items():
        person_links[pid] = {r["id"] for r in rels if r["type"] == "TEAM_MEMBER"}
    accounts = sorted({p["account"] for p in persons.values() if p.get("account")})
    certificates: dict[str, list[dict]] = {}
    if accounts:
        for row in store.run_read("community_certificates", accounts=accounts):
            if (row.get("expires_at") or "") >= today.isoformat():
                certificates.setdefault(row["account"], []).append(dict(row))
    out = []
    for team in teams:
        members = []
        for pid, teams_of in sorted(person_links.items()):
            if team["id"] in teams_of and pid in persons:
                person = persons[pid]
                certs = certificates.get(person.get("account") or "", [])
                members.append({"id": pid, "name": person["name"], "role_name": person.get("role_name", ""),
                                "certificates": certs, "trained": bool(certs)})
        duties = store.run_read("community_duties_of", organization=team.get("organization", ""))
        out.append(dict(team, kind_name=TEAM_KINDS.get(team["kind"], (team["kind"],))[0], members=members,
                        trained=sum(1 for m in members if m["trained"]), duties=duties))
    return out


def _person_links(store: GraphStore, community_id: str) -> dict[str, list[dict]]:
    from kg.community.profile import links

    return links(store, "CommunityPerson", community_id)


# --- risk assessments ----------------------------------------------------------------------------------
def risk_level(likelihood: int, consequence: int) -> tuple[str, str]:
    """The level of a risk from likelihood × consequence (1–5 each): this platform's banding of
    the usual 5×5 matrix (高 ≥ 15, 较高 ≥ 8, 一般 ≥ 4, else 低)."""
    product = likelihood * consequence
    for floor, key, name in RISK_LEVELS:
        if product >= floor:
            return key, name
    return "minimal", "低"  # pragma: no cover


def save_risk_assessment(store: GraphStore, community_id: str, fields: dict, items: list[dict], *, today: date,
                         actor: str = "") -> str:
    """A dated assessment with one item per hazard (``hazard``, ``likelihood``, ``consequence``,
    ``exposure``); linked to the community's ledger cases of those hazards."""
    community(store, community_id)
    assessed_on = parse_date(fields.get("assessed_on") or today.isoformat(), "assessed_on")
    if assessed_on > today:
        raise CommunityInvalid(N_("assessed_on：评估日期 %(date)s 还没有到"), date=assessed_on.isoformat())
    if not items:
        raise CommunityInvalid(N_("评估至少要包含一种灾害风险"))
    seen: set[str] = set()
    rels: list[dict] = []
    assessment_id = new_id("risk", community_id)
    for i, item in enumerate(items, 1):
        hazard = item.get("hazard")
        node = store.get_node(hazard) if isinstance(hazard, str) else None
        if node is None or node["label"] != "Hazard":
            raise CommunityInvalid(N_("第 %(n)s 项：%(value)s 不是图谱中的灾害风险"), n=i, value=str(hazard)[:60])
        if hazard in seen:
            raise CommunityInvalid(N_("第 %(n)s 项：%(value)s 写了两次"), n=i, value=hazard)
        seen.add(str(hazard))
        likelihood = whole_number(item.get("likelihood"), "likelihood", low=1, high=5, required=True) or 1
        consequence = whole_number(item.get("consequence"), "consequence", low=1, high=5, required=True) or 1
        level, level_name = risk_level(likelihood, consequence)
        rels.append({"type": "RISK_OF", "start": assessment_id, "end": hazard, "properties": {
            "likelihood": likelihood, "consequence": consequence, "level": level, "level_name": level_name,
            "exposure": clean_text(item.get("exposure"), "exposure", limit=300)}})
    props = {"community": community_id, "assessed_on": assessed_on.isoformat(),
             "next_due": add_months(assessed_on, RISK_ASSESSMENT_MONTHS).isoformat(),
             "assessor": clean_text(fields.get("assessor"), "assessor", limit=60),
             "notes": clean_text(fields.get("notes"), "note"), "hazards": sorted(seen), "recorded_by": actor}
    cases = [c for c in records(store, "HazardCase", community_id) if c.get("hazard") in seen]
    store.upsert_nodes("RiskAssessment", [{"id": assessment_id, "properties": props}])
    store.upsert_relationships(rels + [{"type": "CASE_OF", "start": assessment_id, "end": community_id}]
                               + [{"type": "INFORMED_BY", "start": assessment_id, "end": c["id"]} for c in cases[:500]])
    return assessment_id


def risk_assessments(store: GraphStore, community_id: str) -> list[dict]:
    """The community's assessments, newest first, each with its items."""
    found = records(store, "RiskAssessment", community_id)
    items: dict[str, list[dict]] = {}
    for r in store.run_read("community_risk_items", ids=[a["id"] for a in found]) if found else []:
        items.setdefault(r["id"], []).append(dict(r["props"], hazard=r["target"], hazard_name=r["name"]))
    out = [dict(a, items=sorted(items.get(a["id"], []), key=lambda i: (-(i["likelihood"] * i["consequence"]), i["hazard"])))
           for a in found]
    return sorted(out, key=lambda a: (a["assessed_on"], a["id"]), reverse=True)


def latest_risk_assessment(store: GraphStore, community_id: str, today: date) -> dict:
    """The latest assessment's date, when the next is due (six months on) and whether it is late."""
    found = risk_assessments(store, community_id)
    if not found:
        return {"assessed_on": None, "next_due": None, "late": True, "id": None}
    latest = found[0]
    return {"id": latest["id"], "assessed_on": latest["assessed_on"], "next_due": latest["next_due"],
            "late": latest["next_due"] < today.isoformat(), "items": latest["items"]}


def plan_coverage(store: GraphStore, community_id: str, today: date) -> list[dict]:
    """For each hazard the latest assessment rates 较高 or 高: the graph's plans that cover it."""
    latest = latest_risk_assessment(store, community_id, today)
    wanted = [i for i in latest.get("items") or [] if i["level"] in ("high", "medium")]
    plans = {r["hazard"]: r["plans"] for r in store.run_read("community_plans_for", hazards=[i["hazard"] for i in wanted])}
    return [dict(i, plans=[p for p in plans.get(i["hazard"], []) if p.get("id")]) for i in wanted]
