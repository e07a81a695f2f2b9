"""The community profile, its grids (网格) and the people who work in them.

The profile lives on the ``Community`` node (population, households, area in km², the street or
town it belongs to).  A grid covers some households and some area; grid coverage is the grids'
households against the community's (or, where households are not known, their area against the
community's area) — the standard asks for grid management covering 100 % of the community
(评分参考表 1.3).  People (grid workers 网格员, disaster-information officers 灾害信息员, helpers,
team members) are ``CommunityPerson`` records linked to the ``Organization`` role they fill; a
person may be linked to a user account (``account``) so that they can sign in as a helper or an
assignee.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.community.model import (
    PERSON_ROLE_NAMES,
    PERSON_ROLES,
    CommunityInvalid,
    CommunityNotFound,
    check_community_id,
    clean_text,
    new_id,
    number,
    whole_number,
)
from kg.errors import N_
from kg.store import GraphStore

PROFILE_FIELDS = ("population", "households", "area_km2", "town")


def community(store: GraphStore, community_id: str) -> dict:
    check_community_id(community_id)
    node = store.get_node(community_id)
    if node is None or node["label"] != "Community":
        raise CommunityNotFound(N_("没有这个社区"))
    return dict(node["properties"], id=community_id)


def update_profile(store: GraphStore, community_id: str, fields: dict) -> dict:
    found = community(store, community_id)
    props: dict[str, Any] = {"name": found["name"]}
    props["population"] = whole_number(fields.get("population"), "population", high=5_000_000)
    props["households"] = whole_number(fields.get("households"), "households", high=2_000_000)
    props["area_km2"] = number(fields.get("area_km2"), "area_km2", high=10_000)
    props["town"] = clean_text(fields.get("town"), "town", limit=60) or None
    store.upsert_nodes("Community", [{"id": community_id, "properties": {k: v for k, v in props.items()
                                                                         if v is not None}}])
    return community(store, community_id)


def records(store: GraphStore, label: str, community_id: str) -> list[dict]:
    return [dict({k: v for k, v in r["props"].items() if k not in ("title", "type")}, id=r["id"])
            for r in store.run_read_for("community_records", label, community=community_id)]


def links(store: GraphStore, label: str, community_id: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in store.run_read_for("community_record_links", label, community=community_id):
        out.setdefault(r["id"], []).append({"type": r["type"], "id": r["target"], "name": r["name"]})
    return out


def grids(store: GraphStore, community_id: str) -> list[dict]:
    return records(store, "CommunityGrid", community_id)


def people(store: GraphStore, community_id: str) -> list[dict]:
    rows = records(store, "CommunityPerson", community_id)
    for row in rows:
        row["role_name"] = PERSON_ROLE_NAMES.get(row.get("role", ""), row.get("role", ""))
    return rows


def save_grid(store: GraphStore, community_id: str, fields: dict, grid_id: str | None = None) -> str:
    community(store, community_id)
    props = {"community": community_id, "name": clean_text(fields.get("name"), "name", required=True),
             "code": clean_text(fields.get("code"), "code", limit=20),
             "households": whole_number(fields.get("households"), "households", high=2_000_000),
             "area_km2": number(fields.get("area_km2"), "area_km2", high=10_000),
             "description": clean_text(fields.get("description"), "description", limit=300)}
    grid_id = grid_id or new_id("grid", community_id)
    _check_own(store, grid_id, "CommunityGrid", community_id, create=True)
    store.upsert_nodes("CommunityGrid", [{"id": grid_id, "properties": {k: v for k, v in props.items() if v not in (None, "")}}])
    store.upsert_relationships([{"type": "GRID_OF", "start": grid_id, "end": community_id}])
    return grid_id


def _check_own(store: GraphStore, record_id: str, label: str, community_id: str, *, create: bool = False) -> None:
    node = store.get_node(record_id)
    if node is None and create:
        return
    if node is None or node["label"] != label or node["properties"].get("community") != community_id:
        raise CommunityNotFound(N_("本社区没有记录 %(id)s"), id=record_id)


def resolve_account(store: GraphStore, value: Any) -> str | None:
    """A username or user id → the user id (an unknown or disabled account is refused)."""
    if value in (None, ""):
        return None
    from kg.accounts import get_user

    user = get_user(store, str(value).strip())
    if user is None or not user.active:
        raise CommunityInvalid(N_("account：没有账户 %(value)s"), value=str(value)[:60])
    return user.id


def check_person(store: GraphStore, community_id: str, fields: dict, grid_ids: set[str] | None = None) -> dict:
    """A person's fields checked (no write): name, role, grid, account."""
    role = (fields.get("role") or "").strip()
    if role not in PERSON_ROLES:
        raise CommunityInvalid(N_("role：须为 %(allowed)s 之一，现为 %(value)s"), allowed="、".join(PERSON_ROLES),
                               value=role[:40])
    grid = (fields.get("grid") or "").strip() or None
    if grid is not None:
        known = grid_ids if grid_ids is not None else {g["id"] for g in grids(store, community_id)}
        if grid not in known:
            raise CommunityInvalid(N_("grid：%(value)s 不是本社区的网格"), value=grid[:80])
    return {"community": community_id, "name": clean_text(fields.get("name"), "name", required=True), "role": role,
            "grid": grid, "account": resolve_account(store, fields.get("account"))}


def save_people(store: GraphStore, community_id: str, rows: list[dict]) -> list[str]:
    """Write checked people (``check_person``) with their role and grid links."""
    nodes, rels, ids = [], [], []
    for props in rows:
        person_id = props.pop("id", None) or new_id("person", community_id)
        ids.append(person_id)
        nodes.append({"id": person_id, "properties": {k: v for k, v in props.items() if v not in (None, "")}})
        rels.append({"type": "SERVES_AS", "start": person_id, "end": PERSON_ROLES[props["role"]]})
        if props.get("grid"):
            rels.append({"type": "WORKS_IN", "start": person_id, "end": props["grid"]})
    missing = {r["end"] for r in rels if r["type"] == "SERVES_AS"} - set(store.labels_of(
        {r["end"] for r in rels if r["type"] == "SERVES_AS"}))
    if missing:
        raise CommunityInvalid(N_("图谱中缺少角色 %(ids)s：请先载入知识图谱（cem load）"), ids="、".join(sorted(missing)))
    store.upsert_nodes("CommunityPerson", nodes)
    store.upsert_relationships(rels)
    return ids


def save_person(store: GraphStore, community_id: str, fields: dict) -> str:
    community(store, community_id)
    return save_people(store, community_id, [check_person(store, community_id, fields)])[0]


@dataclass(frozen=True)
class Coverage:
    """Grid coverage: the share of households (else of area) the grids cover, capped at 1."""

    grids: int
    households: int | None
    covered_households: int
    area_km2: float | None
    covered_area_km2: float
    share: float | None
    basis: str | None  # "households", "area" or None when the community's size is unknown

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def grid_coverage(store: GraphStore, community_id: str) -> Coverage:
    found = community(store, community_id)
    rows = grids(store, community_id)
    covered_h = sum(int(g.get("households") or 0) for g in rows)
    covered_a = round(sum(float(g.get("area_km2") or 0) for g in rows), 4)
    households, area = found.get("households"), found.get("area_km2")
    share, basis = None, None
    if households:
        share, basis = min(1.0, covered_h / households), "households"
    elif area:
        share, basis = min(1.0, covered_a / area), "area"
    return Coverage(len(rows), households, covered_h, area, covered_a,
                    round(share, 4) if share is not None else None, basis)
