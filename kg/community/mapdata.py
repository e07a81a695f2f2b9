"""The community map (社区灾害风险地图), drawn on the community's own base image.

The community uploads a base image (a plan drawing, a sketch, or an image of an official map it
has the right to use); every point is in that image's pixel coordinates (x from the left edge,
y from the top), so the map needs no tile server and works offline (Leaflet's ``CRS.Simple``
in ``community-map.js``).  On it: ledger cases, shelters, supply points (items and storage
points), evacuation routes (polylines), assembly points and — only for those allowed to see
them — vulnerable households.  A point outside the image is refused.
"""

from __future__ import annotations

from typing import Any

from kg.access import Access
from kg.community import access as rules
from kg.community import files
from kg.community.model import (
    FEATURE_KINDS,
    STATE_NAMES,
    CommunityInvalid,
    CommunityNotFound,
    clean_text,
    now_iso,
    number,
    suffix,
)
from kg.community.profile import community, records
from kg.errors import N_
from kg.store import GraphStore

MAX_ROUTE_POINTS = 200
MAX_CASES_ON_MAP = 500


def base_map(store: GraphStore, community_id: str) -> dict | None:
    node = store.get_node(f"basemap.{suffix(community_id)}")
    return dict(node["properties"], id=node["id"]) if node and node["label"] == "BaseMap" else None


def set_base_map(store: GraphStore, community_id: str, data: bytes, *, data_dir: str, max_bytes: int, now,
                 title: str = "") -> dict:
    """Store a new base image; refused (nothing kept) when points already placed would fall
    outside it."""
    community(store, community_id)
    stored = files.save_basemap(data_dir, community_id, data, max_bytes)
    outside = [p for p in placed_points(store, community_id)
               if not (0 <= p[0] <= stored.width and 0 <= p[1] <= stored.height)]
    if outside:
        files.remove(data_dir, community_id, [stored.name])
        raise CommunityInvalid(N_("底图：新底图只有 %(w)s × %(h)s 像素，已标注的 %(n)s 个点会落在图外"), w=stored.width,
                               h=stored.height, n=len(outside))
    old = base_map(store, community_id)
    store.upsert_nodes("BaseMap", [{"id": f"basemap.{suffix(community_id)}", "properties": {
        "community": community_id, "file": stored.name, "width": stored.width, "height": stored.height,
        "caption": clean_text(title, "caption", limit=60), "uploaded_at": now_iso(now)}}], replace=True)
    store.upsert_relationships([{"type": "CASE_OF", "start": f"basemap.{suffix(community_id)}", "end": community_id}])
    if old and old.get("file") != stored.name:
        files.remove(data_dir, community_id, [old["file"]])
    return base_map(store, community_id) or {}


def placed_points(store: GraphStore, community_id: str) -> list[tuple[float, float]]:
    out = []
    for label in ("HazardCase", "Shelter", "SupplyItem", "VulnerableResident"):
        out += [(r["x"], r["y"]) for r in records(store, label, community_id) if r.get("x") is not None]
    for feature in records(store, "MapFeature", community_id):
        coords = feature.get("coords") or []
        out += list(zip(coords[0::2], coords[1::2]))
    return out


def save_feature(store: GraphStore, community_id: str, fields: dict, feature_id: str | None = None) -> str:
    """An assembly point, supply point or other point (one x,y) or an evacuation route
    (``coords``: x1,y1,x2,y2,… — at least two points), all inside the base image."""
    from kg.community.model import new_id

    community(store, community_id)
    kind = fields.get("kind")
    if kind not in FEATURE_KINDS:
        raise CommunityInvalid(N_("kind：须为 %(allowed)s 之一"), allowed="、".join(FEATURE_KINDS))
    base = base_map(store, community_id)
    if base is None:
        raise CommunityInvalid(N_("位置：本社区还没有上传地图底图，不能在图上标点"))
    raw = fields.get("coords")
    if isinstance(raw, str):
        raw = [v for v in raw.replace(";", ",").split(",") if v.strip()]
    coords = [number(v, "coords", low=-1e7, high=1e7, required=True) for v in (raw or [])]
    if len(coords) % 2:
        raise CommunityInvalid(N_("coords：坐标须成对（x,y）"))
    points = list(zip(coords[0::2], coords[1::2]))
    need = 2 if kind == "evacuation_route" else 1
    if len(points) < need or (kind != "evacuation_route" and len(points) != 1) or len(points) > MAX_ROUTE_POINTS:
        raise CommunityInvalid(N_("coords：%(kind)s 需要 %(need)s 个点"), kind=FEATURE_KINDS[kind],
                               need="至少 2" if need == 2 else "1")
    for x, y in points:
        if not (0 <= x <= base["width"] and 0 <= y <= base["height"]):  # type: ignore[operator]
            raise CommunityInvalid(N_("位置：点 (%(x)s, %(y)s) 在底图之外（底图 %(w)s × %(h)s 像素）"), x=round(x or 0),
                                   y=round(y or 0), w=base["width"], h=base["height"])
    if feature_id is not None:
        node = store.get_node(feature_id)
        if node is None or node["label"] != "MapFeature" or node["properties"].get("community") != community_id:
            raise CommunityNotFound(N_("本社区没有记录 %(id)s"), id=feature_id)
    feature_id = feature_id or new_id("feature", community_id)
    store.upsert_nodes("MapFeature", [{"id": feature_id, "properties": {
        "community": community_id, "kind": kind, "name": clean_text(fields.get("name"), "name", required=True),
        "coords": [round(c or 0, 1) for c in coords], "note": clean_text(fields.get("note"), "note", limit=200)}}],
        replace=True)
    store.upsert_relationships([{"type": "CASE_OF", "start": feature_id, "end": community_id}])
    return feature_id


def map_data(store: GraphStore, acc: Access, community_id: str, *, cipher=None, base_url: str = "",
             tile_url: str = "") -> dict[str, Any]:
    """Everything the map page draws for this viewer (residents only for editors, or a
    helper's own)."""
    base = base_map(store, community_id)
    cases = sorted((c for c in records(store, "HazardCase", community_id) if c.get("x") is not None),
                   key=lambda c: c.get("reported_at", ""), reverse=True)[:MAX_CASES_ON_MAP]
    out: dict[str, Any] = {
        "community": community_id,
        "base": ({"url": base_url, "width": base["width"], "height": base["height"], "caption": base.get("caption", "")}
                 if base else None),
        "tile_url": tile_url or None,
        "cases": [{"id": c["id"], "x": c["x"], "y": c["y"], "name": c.get("hazard_name", ""), "place": c.get("place", ""),
                   "status": c["status"], "status_name": STATE_NAMES.get(c["status"], c["status"]),
                   "severity": c.get("severity")} for c in cases],
        "shelters": [{"id": s["id"], "x": s["x"], "y": s["y"], "name": s["name"], "capacity": s.get("capacity")}
                     for s in records(store, "Shelter", community_id) if s.get("x") is not None],
        "supplies": [{"id": s["id"], "x": s["x"], "y": s["y"], "name": s["name"], "quantity": s.get("quantity"),
                      "unit": s.get("unit")} for s in records(store, "SupplyItem", community_id) if s.get("x") is not None],
        "features": [{"id": f["id"], "kind": f["kind"], "kind_name": FEATURE_KINDS.get(f["kind"], f["kind"]),
                      "name": f["name"], "coords": f["coords"]} for f in records(store, "MapFeature", community_id)],
        "residents": [],
    }
    if cipher is not None and rules.residents_scope(store, acc.viewer, community_id):
        from kg.community.residents import list_residents

        out["residents"] = [{"id": r["id"], "x": r["x"], "y": r["y"], "name": r["name"], "needs": r["needs"]}
                            for r in list_residents(store, cipher, acc.viewer, community_id) if r.get("x") is not None]
    return out
