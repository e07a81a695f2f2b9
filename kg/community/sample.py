"""The sample community ``community.demo`` — FICTIONAL, for showing the workspace working.

Everything here is made up (names, places, numbers) and marked ``sample: true``; it is written
by ``cem sample load`` into the store only, never into the curated content (kg/data), and
``cem sample remove`` takes it out again (records, links and files).  It needs the knowledge
graph loaded (it links to real Hazard, Organization, Duty, Facility and Criterion nodes).

A year of records up to today: four grids covering every household, grid workers, information
officers and volunteers, 36 ledger cases in every state (some overdue, some recurring) made
through the ledger's own transitions, 24 vulnerable residents (most paired), two shelters, a
minimum list and nine supply items (some expiring, one expired), two teams, two risk assessments,
and a drawn base map with an evacuation route and assembly points.
"""

from __future__ import annotations

import io
import random
import uuid
from datetime import UTC, datetime, timedelta

from PIL import Image, ImageDraw

from kg.access import Access, Viewer
from kg.community import files, ledger, mapdata, profile, registers, residents
from kg.community.crypto import Cipher
from kg.community.model import CommunityInvalid, local_date
from kg.store import GraphStore

COMMUNITY = "community.demo"
NAME = "示例社区（虚构）"
LABELS = ("HazardCase", "CaseEvent", "CommunityGrid", "CommunityPerson", "RiskAssessment", "VulnerableResident",
          "Shelter", "SupplyItem", "SupplyMinimum", "ResponseTeam", "BaseMap", "MapFeature")
NEEDED = ("hazard.e-bike-fire", "hazard.gas-leak", "hazard.falling-objects", "hazard.urban-waterlogging",
          "hazard.residential-fire", "hazard.elevator-accident", "hazard.power-outage", "hazard.rainstorm",
          "org.property-company", "org.grid-worker", "org.disaster-info-officer", "org.volunteers",
          "org.community-response-team", "org.community-committee", "facility.shelter", "crit.dc2020.8-2")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["秀英", "桂兰", "建国", "志强", "玉梅", "淑珍", "德明", "海燕", "文华", "春生", "丽娟", "国庆"]
PLACES = ["1号楼1单元楼道", "2号楼地下车库入口", "3号楼外墙", "社区东门", "幼儿园南侧围墙", "4号楼电梯", "农贸市场北口",
          "5号楼楼顶", "小区西侧低洼路段", "6号楼配电房", "老年活动中心", "7号楼2单元楼道"]
HAZARDS = ["hazard.e-bike-fire", "hazard.gas-leak", "hazard.falling-objects", "hazard.urban-waterlogging",
           "hazard.residential-fire", "hazard.elevator-accident", "hazard.power-outage"]
DESCRIPTIONS = {"hazard.e-bike-fire": "楼道内停放电动自行车，有飞线充电", "hazard.gas-leak": "闻到燃气味，软管老化",
                "hazard.falling-objects": "外墙瓷砖松动，有坠落危险", "hazard.urban-waterlogging": "雨后积水，排水口堵塞",
                "hazard.residential-fire": "楼道堆放纸箱等可燃物", "hazard.elevator-accident": "电梯运行异响，维保记录过期",
                "hazard.power-outage": "配电箱门锁损坏，线路裸露"}


def present(store: GraphStore) -> bool:
    node = store.get_node(COMMUNITY)
    return bool(node and node["label"] == "Community")


def remove(store: GraphStore, data_dir: str) -> int:
    """Take the sample community out: its records, links, the Community node and its files."""
    node = store.get_node(COMMUNITY)
    if node is not None and not node["properties"].get("sample"):
        raise CommunityInvalid(f"{COMMUNITY} 不是示例数据，不能用 cem sample remove 删除")
    removed = 0
    while True:
        rows = store.run_write("community_delete_records", community=COMMUNITY, labels=list(LABELS), limit=2000)
        count = int(rows[0]["deleted"]) if rows else 0
        removed += count
        if count == 0:
            break
    if node is not None:
        store.delete_node(COMMUNITY)
        removed += 1
    files.remove_all(data_dir, COMMUNITY)
    return removed


def _base_image() -> bytes:
    """A drawn plan of the fictional community (streets, buildings, a park), 1200 × 900."""
    image = Image.new("RGB", (1200, 900), (246, 244, 236))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 420, 1200, 480], fill=(210, 210, 210))
    draw.rectangle([560, 0, 620, 900], fill=(210, 210, 210))
    draw.rectangle([80, 520, 380, 820], fill=(196, 228, 190), outline=(120, 160, 110), width=3)
    blocks = [(80, 60), (260, 60), (80, 240), (260, 240), (700, 60), (900, 60), (700, 240), (900, 240),
              (700, 540), (900, 540), (700, 700)]
    for i, (x, y) in enumerate(blocks, 1):
        draw.rectangle([x, y, x + 140, y + 130], fill=(230, 214, 190), outline=(140, 110, 80), width=3)
        draw.text((x + 60, y + 55), str(i), fill=(60, 40, 20))
    draw.rectangle([0, 0, 1199, 899], outline=(90, 90, 90), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _viewer(name: str) -> Viewer:
    return Viewer(id=f"sample.{name}", roles=frozenset({"admin"}))


def load(store: GraphStore, cipher: Cipher, *, data_dir: str, now: datetime | None = None) -> dict:
    """Write the sample community (replacing an earlier sample) and return what was written."""
    now = now or datetime.now(UTC)
    missing = sorted(set(NEEDED) - set(store.labels_of(NEEDED)))
    if missing:
        raise CommunityInvalid("示例社区需要先载入知识图谱（cem load）；缺少：" + "、".join(missing[:5]))
    if present(store):
        remove(store, data_dir)
    rng = random.Random(14)
    today = local_date(now)
    store.upsert_nodes("Community", [{"id": COMMUNITY, "properties": {
        "name": NAME, "name_en": "Sample community (fictional)", "sample": True, "population": 6800,
        "households": 2400, "area_km2": 0.62, "town": "示例街道（虚构）",
        "note": "虚构的示例数据，用于演示社区工作台；不是真实社区，也不是知识图谱的事实内容。"}}])
    grid_ids = [profile.save_grid(store, COMMUNITY, {"name": f"第{n}网格", "households": 600, "area_km2": 0.155})
                for n in "一二三四"]

    def person(i: int) -> str:
        return rng.choice(SURNAMES) + GIVEN[i % len(GIVEN)]

    staff = []
    for i, grid in enumerate(grid_ids):
        staff.append(profile.check_person(store, COMMUNITY, {"name": person(i), "role": "grid_worker", "grid": grid},
                                          set(grid_ids)))
    for i in range(2):
        staff.append(profile.check_person(store, COMMUNITY, {"name": person(4 + i), "role": "info_officer"},
                                          set(grid_ids)))
    for i in range(10):
        staff.append(profile.check_person(store, COMMUNITY, {"name": person(6 + i), "role": "volunteer",
                                                             "grid": grid_ids[i % 4]}, set(grid_ids)))
    for props in staff:
        props["sample"] = True
    person_ids = profile.save_people(store, COMMUNITY, staff)
    volunteers = person_ids[6:]

    base = mapdata.set_base_map(store, COMMUNITY, _base_image(), data_dir=data_dir, max_bytes=20 * 1024 * 1024,
                                now=now, title="示例平面示意图（虚构）")
    for fields in ({"kind": "assembly_point", "name": "中心花园集合点", "coords": "230,670"},
                   {"kind": "assembly_point", "name": "东侧广场集合点", "coords": "1050,450"},
                   {"kind": "evacuation_route", "name": "北区向中心花园疏散路线", "coords": "150,200,150,450,230,600"},
                   {"kind": "evacuation_route", "name": "东区向东侧广场疏散路线", "coords": "830,300,830,450,1050,450"},
                   {"kind": "supply_point", "name": "社区物资储备室", "coords": "600,380"}):
        mapdata.save_feature(store, COMMUNITY, fields)

    editor = ledger.Actor(Access(store, _viewer("editor")), "社区工作人员（示例）")
    fixer = ledger.Actor(Access(store, _viewer("fixer")), "物业维修人员（示例）")
    street = ledger.Actor(Access(store, _viewer("street")), "街道应急办（示例）")
    plan = ["closed"] * 20 + ["escalated"] * 3 + ["remediated"] * 4 + ["assigned"] * 5 + ["reported"] * 4
    rng.shuffle(plan)
    counts: dict[str, int] = {}
    for i, target in enumerate(plan):
        hazard = HAZARDS[i % len(HAZARDS)]
        place = PLACES[i % len(PLACES)] if i % 9 else PLACES[0]
        if target in ("assigned", "reported", "remediated"):
            days_ago = rng.randint(1, 40)
        else:
            days_ago = rng.randint(20, 355)
        when = now - timedelta(days=days_ago, hours=rng.randint(0, 8))
        client = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        x, y = rng.randint(60, 1140), rng.randint(40, 860)
        case, _ = ledger.report_case(store, editor, COMMUNITY, {
            "hazard": hazard, "place": place, "description": DESCRIPTIONS[hazard],
            "severity": rng.choice(["minor", "general", "general", "major"]), "grid": grid_ids[i % 4], "x": x, "y": y},
            now=when, client_id=client, data_dir=data_dir)
        step = when + timedelta(hours=6)
        if target == "reported":
            counts[target] = counts.get(target, 0) + 1
            continue
        if target == "escalated":
            ledger.transition(store, editor, case.id, "escalate", {"reason": "涉及燃气管网或建筑结构，超出社区处置能力，已报街道应急办"},
                              expected_version=case.version, now=step, today=local_date(step))
            counts[target] = counts.get(target, 0) + 1
            continue
        proposal = ledger.assignment_proposal(store, hazard)
        organization = proposal[0]["organization"] if proposal else "org.property-company"
        overdue = target == "assigned" and counts.get("assigned", 0) < 2
        deadline = (local_date(step) + timedelta(days=3 if overdue else 30)).isoformat()
        case = ledger.transition(store, editor, case.id, "assess", {
            "organization": organization, "duty": proposal[0]["duty"] if proposal else None, "deadline": deadline,
            "assignee": "示例物业公司（虚构）"}, expected_version=case.version, now=step, today=local_date(step))
        if overdue:
            case = _backdate_deadline(store, case, today)
        if target == "assigned":
            counts[target] = counts.get(target, 0) + 1
            continue
        step = step + timedelta(days=rng.randint(1, 10))
        step = min(step, now - timedelta(hours=2))
        case = ledger.transition(store, fixer, case.id, "remediate", {"note": "已按要求整改，现场已清理"},
                                 expected_version=case.version, now=step, today=local_date(step))
        if target == "remediated":
            counts[target] = counts.get(target, 0) + 1
            continue
        step = min(step + timedelta(days=rng.randint(1, 4)), now - timedelta(hours=1))
        verifier = street if i % 3 == 0 else editor
        ledger.transition(store, verifier, case.id, "verify", {"note": "现场核验，整改到位"},
                          expected_version=case.version, now=step, today=local_date(step))
        counts[target] = counts.get(target, 0) + 1

    rows = []
    categories = ["elderly_alone", "elderly_alone", "disabled", "bedridden", "left_behind_child", "pregnant",
                  "chronic_illness"]
    for i in range(24):
        rows.append(residents.check_resident({
            "name": rng.choice(SURNAMES) + GIVEN[(i + 3) % len(GIVEN)], "categories": [categories[i % len(categories)]],
            "needs": ["transfer"] + (["medication"] if i % 2 else []) + (["power"] if i % 7 == 3 else []),
            "phone": f"139{rng.randint(10000000, 99999999)}", "address": f"{1 + i % 11}号楼{1 + i % 3}单元{101 + i}",
            "health_notes": "（示例）需要定期服药" if i % 2 else "", "card_given": "是" if i % 5 else "否",
            "card_date": (today - timedelta(days=30 + i)).isoformat() if i % 5 else "",
            "grid": grid_ids[i % 4], "helpers": [volunteers[i % len(volunteers)]] if i % 8 != 7 else [],
            "x": rng.randint(80, 1100), "y": rng.randint(60, 850)}, people=set(person_ids), grids=set(grid_ids)))
    residents.save_residents(store, cipher, COMMUNITY, rows)

    registers.save_shelter(store, COMMUNITY, {"name": "中心花园应急避难点", "kind": "facility.shelter", "place": "中心花园",
                                              "capacity": 800, "manager": "社区居委会（示例）",
                                              "opening_procedure": "接街道启用通知后由值班人员开门、设置标识、登记安置人员",
                                              "signage_checked_on": (today - timedelta(days=40)).isoformat(),
                                              "x": 230, "y": 690})
    registers.save_shelter(store, COMMUNITY, {"name": "社区小学操场", "kind": "facility.shelter", "place": "社区东侧",
                                              "capacity": 1200, "manager": "学校后勤（示例）",
                                              "opening_procedure": "与学校约定：社区通知后30分钟内开门",
                                              "signage_checked_on": (today - timedelta(days=200)).isoformat(),
                                              "x": 1050, "y": 480})
    proposal = registers.minimum_proposal(store)
    registers.set_minimum(store, COMMUNITY, [{"kind": p["kind"], "min_quantity": q} for p, q in
                                             zip(proposal, (20, 4, 6, 20, 50, 10, 100), strict=False)])
    supplies = [("fire-extinguisher", 16, 700), ("stretcher", 4, None), ("radio", 6, None), ("emergency-light", 24, None),
                ("drinking-water", 30, 20), ("drinking-water", 20, -5), ("first-aid-kit", 8, 12),
                ("daily-necessities", 120, 300), ("fire-extinguisher", 6, 25)]
    items = []
    for kind, quantity, days in supplies:
        items.append(registers.check_supply(store, COMMUNITY, {
            "kind": kind, "quantity": quantity, "storage_point": "社区物资储备室",
            "expires_on": (today + timedelta(days=days)).isoformat() if days is not None else "",
            "last_checked_on": (today - timedelta(days=rng.randint(5, 80))).isoformat(), "x": 600, "y": 380}))
    registers.save_supplies(store, COMMUNITY, items)
    registers.save_team(store, COMMUNITY, {"name": "社区应急救援队（示例）", "kind": "rescue", "contact": "队长（示例）",
                                           "members": volunteers[:6]})
    registers.save_team(store, COMMUNITY, {"name": "社区应急志愿者队（示例）", "kind": "volunteer", "contact": "志愿者队长（示例）",
                                           "members": volunteers[4:]})
    for days, scores in ((240, ((3, 4), (2, 3), (3, 3))), (60, ((4, 4), (2, 3), (3, 4)))):
        registers.save_risk_assessment(store, COMMUNITY, {"assessed_on": (today - timedelta(days=days)).isoformat(),
                                                          "assessor": "社区风险评估小组（示例）"},
                                       [{"hazard": h, "likelihood": s[0], "consequence": s[1], "exposure": "（示例）"}
                                        for h, s in zip(("hazard.rainstorm", "hazard.gas-leak", "hazard.e-bike-fire"),
                                                        scores, strict=True)], today=today)
    return {"community": COMMUNITY, "cases": counts, "residents": len(rows), "supplies": len(items),
            "grids": len(grid_ids), "people": len(person_ids), "base_map": base.get("file")}


def _backdate_deadline(store: GraphStore, case: ledger.Case, today) -> ledger.Case:
    """Sample only: an assigned case whose deadline has passed (so the overdue list has rows)."""
    store.upsert_nodes("HazardCase", [{"id": case.id, "properties": dict(
        {k: v for k, v in case.props.items() if k != "id"}, deadline=(today - timedelta(days=4)).isoformat())}])
    return ledger.load_case(store, case.id)
