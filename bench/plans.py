"""Benchmark the community plan and the evidence rules (issue 15).

Sets up, in each store, the bundled knowledge graph and N communities (default 200), each with
what the evidence rules read: a plan in force (its check results on the version), two reviewed
drills (one with an area for improvement, the plan revised after it), a survey with 40 answer
sheets, users with certificates, and the community workspace's records (4 grids, 12 people, 200
hazard cases over a year, 60 vulnerable residents with helpers, 2 shelters, 40 supply items and a
minimum list, 2 teams with members, a risk assessment, a base map and map features) — written in
batches through the GraphStore in each area's own record format.  Then measures:

* drafting a plan from the graph for a community facing 8 hazards (target < 500 ms);
* every evidence rule for one community (target < 200 ms);
* every evidence rule for all N communities in one call (target < 10 s for 200).

Prints p50 / p95 / max per operation and store side by side (targets on the embedded store).

    python bench/plans.py [--communities 200] [--samples 20]

Neo4j is included when NEO4J_URI and NEO4J_PASSWORD are set; the database it points at is WIPED
before and after (use a scratch database).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assessments.evidence_rules import propose, propose_many
from kg.access import Viewer
from kg.community.model import now_iso
from kg.content.load import load_content
from kg.content.loader import read_content
from kg.plans import service as ps
from kg.plans.draft import Catalog, draft
from kg.store.embedded import EmbeddedStore

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
TARGET_DRAFT_MS, TARGET_ONE_MS, TARGET_ALL_S = 500.0, 200.0, 10.0
EIGHT = ["hazard.rainstorm", "hazard.urban-waterlogging", "hazard.residential-fire", "hazard.gas-leak",
         "hazard.earthquake", "hazard.landslide", "hazard.typhoon", "hazard.elevator-accident"]
STATES = ["closed"] * 60 + ["escalated"] * 5 + ["remediated"] * 10 + ["assigned"] * 15 + ["reported"] * 10


def neo4j_store():
    from kg.store.neo4j_store import Neo4jStore

    store = Neo4jStore(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"],
                       os.environ.get("NEO4J_DATABASE", "neo4j"))
    wipe(store)
    return store


def wipe(store):
    if store.kind == "neo4j":
        with store.driver.session(database=store.database) as s:
            s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def setup(store, n: int, rng: random.Random) -> list[str]:
    store.init_schema()
    load_content(store, read_content())
    store.upsert_nodes("Organization", [{"id": "org.bench-street", "properties": {
        "name": "基准街道办事处", "name_en": "Bench street", "kind": "office", "level": "town"}}])
    communities = [f"community.bench{i:03d}" for i in range(n)]
    store.upsert_nodes("Community", [{"id": c, "properties": {
        "name": f"基准社区{i}", "households": 2400, "population": 7000, "area": "org.bench-street",
        "first_responder_target": 10}} for i, c in enumerate(communities)])
    # one plan drafted and completed through the service; its document copied to every community
    editor = Viewer("user.bench-editor", frozenset({"community"}), community=communities[0])
    v1 = ps.start_plan(store, editor, communities[0], EIGHT, now=NOW - timedelta(days=300))
    edits = {"groups": {g.key: {"leader": "组长", "members": ["成员甲", "成员乙"]} for g in v1.document.groups},
             "channels": ["广播"], "supplies": ["饮用水 200 箱"],
             "paragraphs": {"activation.hazard.hazard.elevator-accident": "电梯困人时启动。"}}
    from kg.plans.document import Contact, Place

    edits["places"] = [Place("shelter", "广场", "路", 500, "王"), Place("route", "北门"), Place("medical", "卫生站"),
                       Place("command", "党群中心")]
    edits["contacts"] = [Contact("值班", "值班室", "010-1")]
    v2 = ps.save_edits(store, editor, communities[0], edits, base=1, note="补全", now=NOW - timedelta(days=290))
    document = v2.document.to_json()
    records: dict[str, list[dict]] = {k: [] for k in (
        "CommunityPlan", "PlanVersion", "Drill", "AfterActionReview", "DrillFinding", "Survey", "SurveyResponse",
        "CommunityGrid", "CommunityPerson", "HazardCase", "VulnerableResident", "Shelter", "SupplyItem",
        "SupplyMinimum", "ResponseTeam", "RiskAssessment", "BaseMap", "MapFeature", "User", "Certificate")}
    rels: list[dict] = []
    for i, c in enumerate(communities[1:], 1):
        plan = ps.plan_id(c)
        records["CommunityPlan"].append({"id": plan, "properties": {"community": c, "name": "综合应急预案",
                                                                    "latest_version": 2, "in_force_version": 2}})
        for number, state in ((1, "superseded"), (2, "in_force")):
            records["PlanVersion"].append({"id": ps.version_id(plan, number), "properties": {
                "community": c, "plan": plan, "number": number, "state": state, "document": document,
                "created_by": "user.bench", "created_at": now_iso(NOW - timedelta(days=200 - number)),
                "check_passes": True, "check_criteria": [], "check_codes": [],
                "revised_after": [f"drill.b{i:03d}a"] if number == 2 else []}})
    for i, c in enumerate(communities):
        short = f"b{i:03d}"
        for k, (days, improvement) in enumerate(((220, True), (60, False))):
            drill = f"drill.{short}{'ab'[k]}"
            records["Drill"].append({"id": drill, "properties": {
                "community": c, "name": "演练", "kind": "full_scale", "held_on": (NOW - timedelta(days=days)).date()
                .isoformat(), "objectives": ["目标"], "residents": 30, "volunteers": 8, "units": 2,
                "plan_version": ps.version_id(ps.plan_id(c), 2), "plan_number": 2,
                "reviewed_at": now_iso(NOW - timedelta(days=days - 2)), "created_by": "user.bench",
                "created_at": now_iso(NOW - timedelta(days=days))}})
            if improvement:
                records["DrillFinding"].append({"id": f"{drill}:aar:1", "properties": {
                    "community": c, "review": f"{drill}:aar", "drill": drill, "objective": 0,
                    "kind": "improvement", "name": "叫应漏户", "observation": "漏户"}})
        if i:
            # version 2 was saved after drill a's review: created_at must be later than reviewed_at
            records["PlanVersion"][-1]["properties"]["created_at"] = now_iso(NOW - timedelta(days=210))
        survey = f"survey.{short}"
        records["Survey"].append({"id": survey, "properties": {
            "community": c, "name": "问卷", "questions": ["q.fr4.009"], "pass_mark": 0.8, "slug": f"slug{short}xx",
            "opened_at": now_iso(NOW - timedelta(days=30))}})
        records["SurveyResponse"] += [{"id": f"response.{short}.{k}", "properties": {
            "community": c, "survey": survey, "correct": 9, "total": 10, "passed": rng.random() < 0.85,
            "right": [], "at": now_iso(NOW - timedelta(days=20))}} for k in range(40)]
        for k in range(3):
            user = f"user.bench-{short}-{k}"
            records["User"].append({"id": user, "properties": {"username": f"bench-{short}-{k}", "active": True,
                                                                "created_at": now_iso(NOW), "community": c,
                                                                "roles": ["community"] if k == 0 else ["trainee"]}})
            records["Certificate"].append({"id": f"certificate.{short}-{k}", "properties": {
                "course": "course.first-responder", "user": user, "expires_at": now_iso(NOW + timedelta(days=700)),
                "issued_at": now_iso(NOW - timedelta(days=30)), "code": f"B-{short}-{k}"}})
            rels += [{"type": "HOLDS", "start": user, "end": f"certificate.{short}-{k}"},
                     {"type": "CERTIFIES", "start": f"certificate.{short}-{k}", "end": "course.first-responder"}]
        grids = [f"grid.{short}.g{g}" for g in range(4)]
        records["CommunityGrid"] += [{"id": g, "properties": {"community": c, "name": f"网格{k}", "households": 600}}
                                     for k, g in enumerate(grids)]
        people = [f"person.{short}.p{k}" for k in range(12)]
        records["CommunityPerson"] += [{"id": p, "properties": {
            "community": c, "name": f"人员{k}", "role": "info_officer" if k == 0 else "volunteer",
            "account": f"user.bench-{short}-1" if k == 1 else None}} for k, p in enumerate(people)]
        for k in range(200):
            state = rng.choice(STATES)
            reported = NOW - timedelta(days=rng.uniform(1, 365))
            props = {"community": c, "hazard": "hazard.rainstorm", "status": state, "version": 1,
                     "reported_at": now_iso(reported), "grid": grids[k % 4]}
            if k % 5 == 0:
                props.update(x=100.0, y=100.0)
            if state == "closed":
                props.update(closed_at=now_iso(reported + timedelta(days=3)), days_to_close=3.0)
            records["HazardCase"].append({"id": f"case.{short}.c{k:04d}", "properties": props})
        for k in range(60):
            resident = f"resident.{short}.r{k:03d}"
            records["VulnerableResident"].append({"id": resident, "properties": {
                "community": c, "name": "（加密）", "categories": ["elderly_alone"], "paired": k % 10 != 0,
                "card_given": k % 4 != 0}})
            if k % 10:
                rels.append({"type": "HELPS", "start": people[1 + k % 11], "end": resident})
        records["Shelter"] += [{"id": f"shelter.{short}.s{k}", "properties": {
            "community": c, "name": f"场所{k}", "kind": "facility.shelter", "capacity": 500, "manager": "王",
            "signage_checked_on": (NOW - timedelta(days=40)).date().isoformat(), "x": 10.0, "y": 10.0}}
            for k in range(2)]
        records["SupplyItem"] += [{"id": f"supply.{short}.s{k:02d}", "properties": {
            "community": c, "kind": ("fire-extinguisher", "drinking-water", "radio", "first-aid-kit")[k % 4],
            "name": "物资", "quantity": 5, "unit": "件", "storage_point": "储备室",
            "expires_on": (NOW.date() + timedelta(days=rng.randint(-30, 700))).isoformat(),
            "last_checked_on": "2026-05-01"}} for k in range(40)]
        records["SupplyMinimum"] += [{"id": f"supplymin.{short}.{kind}", "properties": {
            "community": c, "kind": kind, "name": kind, "min_quantity": 20, "unit": "件"}}
            for kind in ("fire-extinguisher", "drinking-water")]
        teams = [f"team.{short}.t{k}" for k in range(2)]
        records["ResponseTeam"] += [{"id": t, "properties": {"community": c, "kind": ("rescue", "volunteer")[k],
                                                             "name": "队伍", "contact": "联系人"}}
                                    for k, t in enumerate(teams)]
        rels += [{"type": "TEAM_MEMBER", "start": people[k], "end": teams[k % 2]} for k in range(1, 8)]
        records["RiskAssessment"].append({"id": f"risk.{short}", "properties": {
            "community": c, "assessed_on": (NOW - timedelta(days=40)).date().isoformat(), "hazards": EIGHT[:3]}})
        records["BaseMap"].append({"id": f"basemap.{short}", "properties": {"community": c, "file": "x.png",
                                                                           "width": 1000, "height": 800}})
        records["MapFeature"].append({"id": f"feature.{short}.r", "properties": {
            "community": c, "kind": "evacuation_route", "name": "路线", "coords": [1.0, 1.0, 5.0, 5.0]}})
    for label, rows in records.items():
        started = time.perf_counter()
        for first in range(0, len(rows), 5000):
            store.upsert_nodes(label, rows[first:first + 5000])
        print(f"  {store.kind}: {len(rows):>7} {label} in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    store.upsert_relationships(rels)
    print(f"  {store.kind}: {len(rels):>7} relationships in {time.perf_counter() - started:.1f} s", flush=True)
    return communities


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn, samples: int) -> list[float]:
    out = []
    for _ in range(samples):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def measure(store, communities: list[str], samples: int) -> dict:
    rng = random.Random(7)
    propose(store, communities[0], now=NOW)  # warm up: imports (scipy) and the store's caches
    draft(store, communities[0], EIGHT)
    out = {}
    out["draft 8 hazards (fresh graph read)"] = timed(lambda: draft(store, rng.choice(communities), EIGHT), samples)
    catalog = Catalog.read(store)
    out["draft 8 hazards (graph read once)"] = timed(
        lambda: draft(store, rng.choice(communities), EIGHT, catalog=catalog), samples)
    out["evidence rules, 1 community"] = timed(lambda: propose(store, rng.choice(communities), now=NOW), samples)
    out[f"evidence rules, {len(communities)} communities"] = timed(
        lambda: propose_many(store, communities, now=NOW), max(3, samples // 5))
    sample = propose(store, communities[1], now=NOW)
    print(f"  {store.kind}: one community's proposals: "
          + ", ".join(f"{p.number}={p.answer}" for p in sample if p.state == "proposed"), flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communities", type=int, default=200)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    results = {}
    folder = tempfile.mkdtemp(prefix="cem-bench-plans-")
    stores = [("embedded", lambda: EmbeddedStore(Path(folder) / "graph.kgl"))]
    if os.environ.get("NEO4J_URI") and os.environ.get("NEO4J_PASSWORD"):
        stores.append(("neo4j", neo4j_store))
    for name, make in stores:
        store = make()
        print(f"setting up {name} …", flush=True)
        started = time.perf_counter()
        communities = setup(store, args.communities, random.Random(15))
        print(f"  {name}: set up in {time.perf_counter() - started:.1f} s", flush=True)
        results[name] = measure(store, communities, args.samples)
        wipe(store)
        store.close()
    names = list(results)
    ops = list(results[names[0]])
    print()
    print(f"{'operation':<44}" + "".join(f"{n + ' p50 / p95 / max (ms)':>36}" for n in names))
    for op in ops:
        row = f"{op:<44}"
        for n in names:
            v = results[n][op]
            row += f"{statistics.median(v):>14.1f} / {percentile(v, 0.95):>8.1f} / {max(v):>8.1f}"
        print(row)
    emb = results["embedded"]
    checks = [("draft 8 hazards (fresh graph read)", percentile(emb["draft 8 hazards (fresh graph read)"], 0.95),
               TARGET_DRAFT_MS),
              ("evidence rules, 1 community", percentile(emb["evidence rules, 1 community"], 0.95), TARGET_ONE_MS),
              (f"evidence rules, {args.communities} communities",
               max(emb[f"evidence rules, {args.communities} communities"]), TARGET_ALL_S * 1000)]
    print()
    for op, value, target in checks:
        print(f"{'ok ' if value < target else 'MISS'} {op}: {value:.1f} ms (target < {target:.0f} ms, embedded)")


if __name__ == "__main__":
    main()
