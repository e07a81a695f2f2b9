"""The role list of "ask about a situation": the graph's organizations and roles, grouped the way
a person looks for their own — community, street (town), units, responders, county — from each
Organization's ``level`` and ``kind``, with a default for the signed-in user.

``role_choices(store, user_id, roles)`` returns ``{"groups": [{"key", "name", "name_en",
"options": [{"id", "name", "name_en"}]}], "default": id or None}``; a page renders the groups as
``<optgroup>``s and preselects ``default``.
"""

from __future__ import annotations

from typing import Any

from kg.store.base import GraphStore

#: (key, Chinese name, English name), in display order.
GROUPS = (("community", "社区", "Community"),
          ("town", "街道（乡镇）", "Street office / township"),
          ("units", "单位与岗位", "Businesses, units and posts"),
          ("responders", "救援力量", "Responders"),
          ("county", "县级政府与部门", "County government and departments"))
#: Within a group, kinds in this order (then by name).
KIND_ORDER = ("office", "body", "role", "team", "facility_team", "social", "department", "enterprise")


def group_of(kind: str | None, level: str | None) -> str:
    """The group of an organization from its ``kind`` and ``level``."""
    if kind in ("team", "facility_team", "social"):
        return "responders"
    if kind == "enterprise" or level == "other":
        return "units"
    if level in ("community", "grid"):
        return "community"
    if level == "town":
        return "town"
    return "county"


def role_groups(store: GraphStore) -> list[dict]:
    rows = store.run_read("search_roles")
    groups: dict[str, dict[str, Any]] = {key: {"key": key, "name": name, "name_en": name_en, "options": []} for key, name, name_en in GROUPS}
    for r in rows:
        groups[group_of(r.get("kind"), r.get("level"))]["options"].append(r)
    for group in groups.values():
        group["options"].sort(key=lambda r: (KIND_ORDER.index(r["kind"]) if r.get("kind") in KIND_ORDER
                                             else len(KIND_ORDER), r.get("name") or r["id"]))
        group["options"] = [{"id": r["id"], "name": r.get("name") or r["id"], "name_en": r.get("name_en")}
                            for r in group["options"]]
    return [g for g in groups.values() if g["options"]]


def default_role(store: GraphStore, groups: list[dict], user_id: str | None = None,
                 roles: tuple[str, ...] | list[str] = ()) -> str | None:
    """The user's own organization (MEMBER_OF); else, for a community editor, the first of the
    community group, and for a reviewer (street or county staff), the first of the street group."""
    if user_id:
        mine = store.run_read("search_user_organizations", user=user_id)
        if mine:
            return mine[0]["id"]
    by_key = {g["key"]: g for g in groups}
    for role, key in (("community", "community"), ("reviewer", "town"), ("admin", "town")):
        if role in roles and key in by_key:
            return by_key[key]["options"][0]["id"]
    return None


def role_choices(store: GraphStore, user_id: str | None = None, roles: tuple[str, ...] | list[str] = ()) -> dict:
    groups = role_groups(store)
    return {"groups": groups, "default": default_role(store, groups, user_id, roles)}
