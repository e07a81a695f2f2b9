"""A small graph for the community workspace's tests: the platform's seed graph plus the roles,
duties, facilities and criteria the workspace links to, two communities with users in each, a
helper and an assignee account."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image

from kg import accounts
from kg.access import Access, Viewer
from kg.community.crypto import Cipher
from kg.community.ledger import Actor
from tests.web.platform_fixtures import PASSWORD, seed_graph

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
KEY = "x5Vq3F0mJ2b1zQ6q7n8p9r0s1t2u3v4w5x6y7z8A9B0="
#: username -> (roles, community)
COMMUNITY_USERS = {
    "grid-a": (("community",), "community.a"),
    "editor-a": (("community",), "community.a"),
    "editor-b": (("community",), "community.b"),
    "fixer": (("trainee",), None),
    "helper": (("trainee",), None),
    "other-trainee": (("trainee",), None),
    "street": (("reviewer",), None),
    "boss": (("admin",), None),
}


def cipher() -> Cipher:
    import base64

    return Cipher([base64.urlsafe_b64encode(b"k" * 32).decode()])


def seed_community_graph(store) -> None:
    seed_graph(store)
    store.upsert_nodes("Phase", [{"id": "phase.source-governance", "properties": {"name": "源头治理", "name_en": "Source"}},
                                 {"id": "phase.response", "properties": {"name": "应急响应", "name_en": "Response"}}])
    store.upsert_nodes("Hazard", [
        {"id": "hazard.family.fire", "properties": {"name": "火灾", "name_en": "Fire family", "category": "accident",
                                                    "level": "family"}},
        {"id": "hazard.e-bike-fire", "properties": {"name": "电动自行车火灾", "name_en": "E-bike fire",
                                                    "category": "accident", "level": "hazard"}}])
    orgs = {"org.grid-worker": "网格员", "org.disaster-info-officer": "灾害信息员", "org.property-company": "物业服务企业",
            "org.community-committee": "村（居）民委员会", "org.volunteers": "应急志愿者", "org.residents": "居民家庭",
            "org.community-response-team": "社区应急救援队伍", "org.micro-fire-station": "微型消防站队员",
            "org.grid-safety-officer": "网格安全员", "org.social-workers": "社会工作者", "org.fire-rescue": "消防救援机构"}
    store.upsert_nodes("Organization", [{"id": k, "properties": {"name": v, "name_en": k, "kind": "role"}}
                                        for k, v in orgs.items()])
    store.upsert_nodes("Duty", [
        {"id": "duty.ebike-parking", "properties": {"name": "物业清理楼道电动自行车和飞线充电"}},
        {"id": "duty.fire-inspection", "properties": {"name": "消防救援机构开展防火检查"}},
        {"id": "duty.closure", "properties": {"name": "社区跟踪处置网格上报隐患直至销号"}}])
    store.upsert_nodes("Facility", [{"id": f, "properties": {"name": n, "name_en": f}} for f, n in (
        ("facility.shelter", "应急避难场所"), ("facility.fire-extinguisher", "灭火器"),
        ("facility.emergency-lighting", "应急照明"), ("facility.supply-reserve", "应急物资储备"),
        ("facility.first-aid-kit", "急救箱"))])
    store.upsert_nodes("Standard", [{"id": "standard.demo-community-2020", "properties": {
        "name": "全国综合减灾示范社区标准", "name_en": "Demo", "total_points": 100}}])
    store.upsert_nodes("Criterion", [
        {"id": "crit.dc2020.8-2", "properties": {"name": "救援、通讯和照明器材", "number": "8.2", "points": 3,
                                                 "standard": "standard.demo-community-2020", "provenance": "derived",
                                                 "requirement": "配备担架、灭火器等救援器材。"}},
        {"id": "crit.dc2020.8-3", "properties": {"name": "生活类物资与应急药品", "number": "8.3", "points": 3,
                                                 "standard": "standard.demo-community-2020", "provenance": "derived",
                                                 "requirement": "储备饮用水、应急药品和基本生活物资。"}}])
    store.upsert_relationships([
        {"type": "SUBTYPE_OF", "start": "hazard.e-bike-fire", "end": "hazard.family.fire"},
        {"type": "SUBTYPE_OF", "start": "hazard.fire", "end": "hazard.family.fire"},
        {"type": "ADDRESSES", "start": "duty.ebike-parking", "end": "hazard.e-bike-fire"},
        {"type": "IN_PHASE", "start": "duty.ebike-parking", "end": "phase.source-governance"},
        {"type": "HAS_DUTY", "start": "org.property-company", "end": "duty.ebike-parking"},
        {"type": "ADDRESSES", "start": "duty.fire-inspection", "end": "hazard.family.fire"},
        {"type": "IN_PHASE", "start": "duty.fire-inspection", "end": "phase.response"},
        {"type": "HAS_DUTY", "start": "org.fire-rescue", "end": "duty.fire-inspection"},
        {"type": "HAS_DUTY", "start": "org.community-committee", "end": "duty.closure"},
        {"type": "COVERS", "start": "plan.flood", "end": "hazard.rainstorm"},
        {"type": "REQUIRES", "start": "crit.dc2020.8-2", "end": "facility.fire-extinguisher"},
        {"type": "REQUIRES", "start": "crit.dc2020.8-3", "end": "facility.first-aid-kit"}])


def seed_community_users(store) -> None:
    for username, (roles, community) in COMMUNITY_USERS.items():
        accounts.create_user(store, username, PASSWORD, roles=roles, community=community,
                             organization="org.street" if "reviewer" in roles else None,
                             display_name=f"{username} 用户")


def viewer(store, username: str) -> Viewer:
    return Viewer.of(accounts.get_user(store, username))


def actor(store, username: str) -> Actor:
    v = viewer(store, username)
    return Actor(Access(store, v), f"{username} 用户")


def png(width: int = 40, height: int = 30, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def jpeg(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()
