"""Benchmark the community workspace at scale.

Sets up, in each store: 200 communities, each with 4 grids, 500 hazard cases spread over a year
in every state (about 1 in 12 assigned cases overdue), 300 vulnerable residents (phone, ID
number and health notes encrypted), 100 supply items and a minimum list — written in batches
through the GraphStore in the ledger's own format.  Then, through the web app (Flask test
client, the full stack), a community's editor opens the workspace page and the overdue list of
sampled communities; and the handling rate of all 200 communities is computed in one call.
Prints p50 / p95 / max per operation and store side by side.  Targets (embedded store):
workspace page and overdue list p95 < 150 ms; handling rate for all 200 < 1 s.

    python bench/community.py [--communities 200] [--cases 500] [--residents 300] [--supplies 100] [--samples 60]

Neo4j is included when NEO4J_URI and NEO4J_PASSWORD are set.  The Neo4j database it points at
is WIPED before and after (use a scratch database).  Case logs (CaseEvent) are not generated:
neither measured page reads them.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.community.crypto import Cipher
from kg.community.ledger import handling_rates
from kg.community.model import DEADLINE_DAYS, now_iso
from kg.store.embedded import EmbeddedStore
from tests.community.fixtures import seed_community_graph
from tests.web.platform_fixtures import PASSWORD, login, make_app

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
TARGET_PAGE_MS, TARGET_RATES_S = 150.0, 1.0
KEY = base64.urlsafe_b64encode(b"b" * 32).decode()
HAZARDS = ("hazard.e-bike-fire", "hazard.fire", "hazard.rainstorm")
WEIGHTS = {"closed": 60, "escalated": 5, "remediated": 10, "assigned": 15, "reported": 10}


class Clock:
    def now(self):
        return NOW


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


def setup(store, args, rng: random.Random) -> list[str]:
    """The communities and their records; returns the community ids."""
    from kg import accounts

    store.init_schema()
    seed_community_graph(store)
    cipher = Cipher([KEY])
    communities = [f"community.bench{i:03d}" for i in range(args.communities)]
    store.upsert_nodes("Community", [{"id": c, "properties": {"name": f"基准社区{i}", "households": 2400,
                                                              "population": 7000, "area": "org.street"}}
                                     for i, c in enumerate(communities)])
    states = [s for s, w in WEIGHTS.items() for _ in range(w)]
    grids, cases, people, residents, supplies, minimum = [], [], [], [], [], []
    for c in communities:
        short = c.removeprefix("community.")
        grid_ids = [f"grid.{short}.g{g}" for g in range(4)]
        grids += [{"id": g, "properties": {"community": c, "name": f"第{k + 1}网格", "households": 600}}
                  for k, g in enumerate(grid_ids)]
        helpers = [f"person.{short}.p{k}" for k in range(20)]
        people += [{"id": p, "properties": {"community": c, "name": f"志愿者{k}", "role": "volunteer"}}
                   for k, p in enumerate(helpers)]
        for k in range(args.cases):
            state = rng.choice(states)
            reported = NOW - timedelta(days=rng.uniform(1, 365))
            props = {"community": c, "hazard": HAZARDS[k % 3], "hazard_name": "隐患", "place": f"{k % 40}号楼",
                     "place_key": f"{k % 40}号楼", "description": "基准数据", "severity": "general", "status": state,
                     "version": 1, "reported_at": now_iso(reported), "reported_by": "user.bench",
                     "reporter_name": "网格员", "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                     "grid": grid_ids[k % 4], "photos": []}
            if state != "reported" and state != "escalated":
                overdue = state == "assigned" and rng.random() < 1 / 12
                deadline = (NOW.date() - timedelta(days=3)) if overdue else (NOW.date() + timedelta(
                    days=DEADLINE_DAYS["general"]))
                props.update(organization="org.property-company", organization_name="物业服务企业",
                             deadline=deadline.isoformat())
            if state == "closed":
                days = round(rng.uniform(1, 30), 2)
                props.update(closed_at=now_iso(min(NOW, reported + timedelta(days=days))), days_to_close=days)
            cases.append({"id": f"case.{short}.{props['client_id']}", "properties": props})
        for k in range(args.residents):
            residents.append({"id": f"resident.{short}.r{k:04d}", "properties": {
                "community": c, "name": f"居民{k}", "categories": ["elderly_alone"], "needs": ["transfer"],
                "card_given": k % 4 != 0, "grid": grid_ids[k % 4], "paired": k % 10 != 0,
                "phone_enc": cipher.encrypt(f"139{rng.randint(10000000, 99999999)}"),
                "id_number_enc": cipher.encrypt("11010519491231002X"), "health_notes_enc": cipher.encrypt("慢病"),
                "address_enc": ""}})
        for k in range(args.supplies):
            expires = NOW.date() + timedelta(days=rng.randint(-30, 700))
            supplies.append({"id": f"supply.{short}.s{k:03d}", "properties": {
                "community": c, "kind": ("fire-extinguisher", "drinking-water", "radio", "first-aid-kit")[k % 4],
                "name": "物资", "quantity": rng.randint(1, 20), "unit": "件", "storage_point": "储备室",
                "expires_on": expires.isoformat(), "last_checked_on": "2026-05-01"}})
        minimum += [{"id": f"supplymin.{short}.{kind}", "properties": {"community": c, "kind": kind, "name": kind,
                                                                         "min_quantity": 100, "unit": "件"}}
                    for kind in ("fire-extinguisher", "drinking-water")]
    for label, rows in (("CommunityGrid", grids), ("CommunityPerson", people), ("HazardCase", cases),
                        ("VulnerableResident", residents), ("SupplyItem", supplies), ("SupplyMinimum", minimum)):
        started = time.perf_counter()
        store.upsert_nodes(label, rows)
        print(f"  {store.kind}: {len(rows):>7} {label} in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    helps = [{"type": "HELPS", "start": f"person.{r['id'].split('.')[1]}.p{int(r['id'][-4:]) % 20}", "end": r["id"]}
             for r in residents if int(r["id"][-4:]) % 10]
    store.upsert_relationships(helps)
    print(f"  {store.kind}: {len(helps):>7} HELPS in {time.perf_counter() - started:.1f} s", flush=True)
    accounts.create_user(store, "bench-editor", PASSWORD, roles=("community",), community=communities[0])
    return communities


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(store, communities: list[str], args, rng: random.Random, folder: str) -> dict:
    from kg import accounts

    app = make_app(store, clock=Clock(), data_dir=folder, personal_data_key=KEY, graph_cache_seconds=0,
                   user_cache_seconds=0, login_limit_account=1_000_000, login_limit_address=1_000_000)
    out: dict[str, list[float]] = {"workspace page": [], "overdue list": []}
    sampled = [rng.choice(communities) for _ in range(args.samples)]
    for c in sampled:
        accounts.set_roles(store, "bench-editor", ["community"], community=c)
        client = app.test_client()
        assert login(client, "bench-editor").status_code == 302
        for name, url in (("workspace page", f"/community/{c}"), ("overdue list", f"/community/{c}/cases?overdue=1")):
            started = time.perf_counter()
            response = client.get(url)
            out[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    rates = []
    for _ in range(5):
        started = time.perf_counter()
        found = handling_rates(store, now=NOW)
        rates.append(time.perf_counter() - started)
    assert len(found) == len(communities) and all(r.reported == args.cases for r in found.values())
    overdue_rows = client.get(f"/community/{sampled[-1]}/cases?overdue=1").get_data(as_text=True).count("badge late")
    return {"pages": out, "rates": rates, "overdue_rows": overdue_rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=200)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--residents", type=int, default=300)
    parser.add_argument("--supplies", type=int, default=100)
    parser.add_argument("--samples", type=int, default=60)
    args = parser.parse_args()
    from kg.accounts import passwords
    from tests.conftest import fast_hasher

    passwords.use_hasher(fast_hasher())
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        stores = [("embedded", lambda: EmbeddedStore(Path(folder) / "bench.kgl"))]
        if os.environ.get("NEO4J_URI") and os.environ.get("NEO4J_PASSWORD"):
            stores.append(("neo4j", neo4j_store))
        for kind, make in stores:
            store = make()
            try:
                rng = random.Random(14)
                print(f"setting up {kind}: {args.communities} communities x {args.cases} cases, {args.residents} "
                      f"residents, {args.supplies} supply items", flush=True)
                started = time.perf_counter()
                communities = setup(store, args, rng)
                print(f"  {kind}: set-up {time.perf_counter() - started:.1f} s", flush=True)
                results[kind] = measure(store, communities, args, rng, folder)
            finally:
                wipe(store)
                store.close()
    kinds = list(results)
    print(f"\n{'operation':<36}" + "".join(f"{k + ' p50':>14}{k + ' p95':>14}{k + ' max':>14}" for k in kinds))
    for name in ("workspace page", "overdue list"):
        row = f"{name + ' (ms)':<36}"
        for k in kinds:
            v = results[k]["pages"][name]
            row += f"{statistics.median(v):>14.1f}{percentile(v, 0.95):>14.1f}{max(v):>14.1f}"
        print(row)
    row = f"{'handling rate, all communities (s)':<36}"
    for k in kinds:
        v = results[k]["rates"]
        row += f"{statistics.median(v):>14.3f}{percentile(v, 0.95):>14.3f}{max(v):>14.3f}"
    print(row)
    emb = results["embedded"]
    ok_pages = all(percentile(emb["pages"][n], 0.95) < TARGET_PAGE_MS for n in emb["pages"])
    ok_rates = max(emb["rates"]) < TARGET_RATES_S
    print(f"\nembedded targets: pages p95 < {TARGET_PAGE_MS:.0f} ms: {'met' if ok_pages else 'NOT met'}; "
          f"handling rate of all {args.communities} < {TARGET_RATES_S:.0f} s: {'met' if ok_rates else 'NOT met'}")


if __name__ == "__main__":
    main()
