"""Benchmark the self-assessment engine on each store.

1. Gap plan: the bundled graph is loaded; one assessment with every criterion failing (nothing
   answered: 38 gaps) — time ``gap_plan`` alone and the whole page path (read the assessment,
   score it, build the plan).  Target: < 300 ms on the embedded store.
2. Readiness view over 1,000 communities, each with an assessment, five users and some
   first-responder certificates (current, expired, another course) — time ``readiness`` for an
   admin (all communities) and for a reviewer of one area.  Target: < 1 s on the embedded store.

    python bench/assessment.py [--communities 1000] [--repeat 20]

Neo4j is included when NEO4J_URI and NEO4J_PASSWORD are set (its database is wiped first).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assessments import workflow as wf
from assessments.checklist import DEFAULT_STANDARD, load_checklist
from assessments.gap_plan import gap_plan
from assessments.readiness import readiness
from assessments.scoring import score
from kg.content.loader import read_content
from kg.store.embedded import EmbeddedStore

GAP_TARGET, READINESS_TARGET = 0.300, 1.0


def load_bundled(store, content) -> None:
    """Every valid bundled record (links to ids not written yet by other areas are skipped)."""
    ids = {n.id for n in content.nodes}
    by_label: dict[str, list] = {}
    for n in content.nodes:
        by_label.setdefault(n.label, []).append({"id": n.id, "properties": n.properties})
    for label, rows in sorted(by_label.items()):
        store.upsert_nodes(label, rows, replace=True)
    store.upsert_relationships([{"type": r.type, "start": r.start, "end": r.end, "properties": r.properties}
                                for r in content.relationships if r.start in ids and r.end in ids], replace=True)


def timed(fn, repeat: int) -> tuple[float, float]:
    """(median, max) seconds over ``repeat`` runs after one warm-up."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), max(times)


def bench_gap_plan(store, repeat: int) -> dict:
    store.upsert_nodes("Organization", [{"id": "org.bench-street", "properties": {
        "name": "基准街道", "name_en": "Bench street", "kind": "office", "level": "town"}}])
    wf.create_community(store, "community.bench", "基准社区", area="org.bench-street")
    actor = wf.Actor("user.bench", frozenset({"community"}), community="community.bench")
    rec = wf.open_assessment(store, actor, "community.bench")
    checklist = load_checklist(store)
    result = score(checklist, {})
    assert len(result.gaps) == len(checklist.criteria)
    plan_only = timed(lambda: gap_plan(store, result, assessment_id=rec.id), repeat)

    def page_path():
        view = wf.load_view(store, rec.id)
        return gap_plan(store, view.result, assessment_id=rec.id)

    plan = page_path()
    return {"gaps": len(plan.gaps), "actions": len(plan.actions), "plan": plan_only, "page": timed(page_path, repeat)}


def seed_communities(store, n: int) -> None:
    areas = [{"id": f"org.bench-area-{a}", "properties": {"name": f"基准街道{a}", "name_en": f"Area {a}",
                                                          "kind": "office", "level": "town"}} for a in range(20)]
    store.upsert_nodes("Organization", areas)
    store.upsert_nodes("Course", [
        {"id": "course.bench-core", "properties": {"name": "基准第一响应人课程", "name_en": "Core", "kind": "core"}},
        {"id": "course.bench-track", "properties": {"name": "基准专项课程", "name_en": "Track", "kind": "track"}}])
    communities, assessments, users, certs = [], [], [], []
    for i in range(n):
        cid = f"community.bench-{i:04d}"
        communities.append({"id": cid, "properties": {"name": f"基准社区{i}", "area": f"org.bench-area-{i % 20}",
                                                      "first_responder_target": 3}})
        total = float(50 + i % 50)
        assessments.append({"id": f"assessment.bench-{i:04d}", "properties": {
            "community": cid, "standard": DEFAULT_STANDARD, "status": ("draft", "submitted", "signed_off")[i % 3],
            "version": 3, "created_at": f"2025-{1 + i % 12:02d}-01T00:00:00.000000Z", "total": total,
            "self_total": total, "gates_met": i % 4 != 0, "qualified": total >= 80 and i % 4 != 0,
            "open_gaps": 38 - i % 30, "answered": 38}})
        for u in range(5):
            uid = f"user.bench-{i:04d}-{u}"
            users.append({"id": uid, "properties": {"username": f"bench-{i:04d}-{u}", "active": True,
                                                    "created_at": "2025-01-01T00:00:00Z", "roles": ["community"],
                                                    "community": cid}})
            if u < 3:
                expires = "2027-01-01" if u < 2 else "2024-01-01"
                course = "course.bench-core" if u != 1 or i % 2 else "course.bench-track"
                certs.append({"id": f"cert.bench-{i:04d}-{u}", "properties": {
                    "course": course, "user": uid, "issued_at": "2024-01-01T00:00:00.000000Z",
                    "expires_at": f"{expires}T00:00:00.000000Z", "code": f"BNCH-{i:04d}-{u:04d}"}})
    store.upsert_nodes("Community", communities)
    store.upsert_nodes("Assessment", assessments)
    store.upsert_nodes("User", users)
    store.upsert_nodes("Certificate", certs)
    store.upsert_relationships(
        [{"type": "LOCATED_IN", "start": c["id"], "end": c["properties"]["area"]} for c in communities]
        + [{"type": "ASSESSES_COMMUNITY", "start": a["id"], "end": a["properties"]["community"]} for a in assessments])


def bench_readiness(store, n: int, repeat: int) -> dict:
    t = time.perf_counter()
    seed_communities(store, n)
    seeded = time.perf_counter() - t
    admin = wf.Actor("user.admin", frozenset({"admin"}))
    reviewer = wf.Actor("user.rev", frozenset({"reviewer"}), organization="org.bench-area-3")
    rows = readiness(store, admin)
    assert len(rows) >= n and sum(r.trained for r in rows) > 0
    return {"seed": seeded, "rows": len(rows), "all": timed(lambda: readiness(store, admin), repeat),
            "area": timed(lambda: readiness(store, reviewer), repeat)}


def run(store, content, communities: int, repeat: int) -> dict:
    store.init_schema()
    t = time.perf_counter()
    load_bundled(store, content)
    loaded = time.perf_counter() - t
    out = {"load": loaded, "gap": bench_gap_plan(store, repeat)}
    out["readiness"] = bench_readiness(store, communities, max(3, repeat // 4))
    return out


def ms(x: float) -> str:
    return f"{x * 1000:8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    content = read_content()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "bench.kgl")
        try:
            results["embedded"] = run(store, content, args.communities, args.repeat)
        finally:
            store.close()
    if os.environ.get("NEO4J_URI"):
        from kg.store.neo4j_store import Neo4jStore

        store = Neo4jStore(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                           os.environ.get("NEO4J_PASSWORD", ""), os.environ.get("NEO4J_DATABASE", "neo4j"))
        try:
            with store.driver.session(database=store.database) as session:
                session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()
            results["neo4j"] = run(store, content, args.communities, args.repeat)
        finally:
            store.close()
    else:
        print("(Neo4j not measured: set NEO4J_URI and NEO4J_PASSWORD)")

    print(f"\nassessment benchmark — {args.communities} communities, {args.repeat} repeats (median / max)")
    for kind, r in results.items():
        g, rd = r["gap"], r["readiness"]
        print(f"\n[{kind}]  bundled graph loaded in {r['load']:.2f} s; {rd['rows']} communities seeded in "
              f"{rd['seed']:.2f} s")
        print(f"  gap plan, {g['gaps']} gaps -> {g['actions']} actions   {ms(g['plan'][0])} / {ms(g['plan'][1])}"
              f"   target {GAP_TARGET * 1000:.0f} ms, ratio {g['plan'][0] / GAP_TARGET:.3f}")
        print(f"  read + score + gap plan (page path)    {ms(g['page'][0])} / {ms(g['page'][1])}")
        print(f"  readiness, all {rd['rows']} communities        {ms(rd['all'][0])} / {ms(rd['all'][1])}"
              f"   target {READINESS_TARGET * 1000:.0f} ms, ratio {rd['all'][0] / READINESS_TARGET:.3f}")
        print(f"  readiness, one reviewer's area          {ms(rd['area'][0])} / {ms(rd['area'][1])}")
    if "embedded" in results and "neo4j" in results:
        e, n = results["embedded"], results["neo4j"]
        print(f"\nkglite/Neo4j: gap plan {e['gap']['plan'][0] / n['gap']['plan'][0]:.2f}, "
              f"readiness {e['readiness']['all'][0] / n['readiness']['all'][0]:.2f}")
    emb = results["embedded"]
    ok = emb["gap"]["plan"][0] < GAP_TARGET and emb["readiness"]["all"][0] < READINESS_TARGET
    print(f"\nembedded targets {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
