"""Benchmark the GraphStore backends side by side.

Generates a synthetic graph (default 20,000 nodes, 100,000 relationships), loads it into each
available store through the GraphStore interface and through the raw engine's own UNWIND batch
statements, then runs 1,000 parameterised two-hop queries and 1,000 get-node calls.  Prints a
table with the times, the interface/raw load ratio per store, and kglite/Neo4j ratios.

    python bench/graph_store.py [--nodes 20000] [--relationships 100000] [--queries 1000]

Neo4j is included when NEO4J_URI and NEO4J_PASSWORD are set (tools/neo4j/run start).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.store.embedded import EmbeddedStore

LABEL_SHARES = {"Organization": 0.2, "Duty": 0.4, "Hazard": 0.2, "Plan": 0.1, "Facility": 0.1}
REL_TYPES = [("HAS_DUTY", "Organization", "Duty"), ("ADDRESSES", "Duty", "Hazard"), ("ASSIGNS", "Plan", "Duty"),
             ("COVERS", "Plan", "Hazard"), ("TRIGGERS", "Hazard", "Hazard"), ("MITIGATES", "Facility", "Hazard"),
             ("RELIES_ON", "Plan", "Facility")]
REQUIRED_EXTRA = {"Organization": {"name_en": "Org"}, "Hazard": {"name_en": "Hazard", "category": "natural"},
                  "Plan": {"name_en": "Plan"}, "Facility": {"name_en": "Facility"}, "Duty": {}}


def synthetic_graph(nodes: int, relationships: int, seed: int = 7):
    rng = random.Random(seed)
    by_label: dict[str, list[dict]] = {}
    for label, share in LABEL_SHARES.items():
        count = int(nodes * share)
        by_label[label] = [{"id": f"{label.lower()}.{i}", "properties": {
            "name": f"合成{label}{i}", "description": f"第{i}个合成节点", "rank": i, **REQUIRED_EXTRA[label]}}
            for i in range(count)]
    rels, seen = [], set()
    while len(rels) < relationships:
        rel_type, a, b = REL_TYPES[rng.randrange(len(REL_TYPES))]
        start = by_label[a][rng.randrange(len(by_label[a]))]["id"]
        end = by_label[b][rng.randrange(len(by_label[b]))]["id"]
        if start == end or (rel_type, start, end) in seen:
            continue
        seen.add((rel_type, start, end))
        rels.append({"type": rel_type, "start": start, "end": end, "properties": {"weight": rng.random()}})
    return by_label, rels


def load_interface(store, by_label, rels) -> float:
    t = time.perf_counter()
    for label, rows in by_label.items():
        store.upsert_nodes(label, rows)
    store.upsert_relationships(rels)
    return time.perf_counter() - t


def load_raw(store, by_label, rels, batch: int | None = None) -> float:
    """The engine's own UNWIND batch statements, labels known, no checks, same batch size."""
    batch = batch or store.batch_size
    t = time.perf_counter()
    for label, rows in by_label.items():
        q = store._template("upsert_nodes", label=label)
        for i in range(0, len(rows), batch):
            store._write([(q, {"rows": rows[i:i + batch]})])
    groups: dict[tuple, list] = {}
    labels = {r["id"]: label for label, rows in by_label.items() for r in rows}
    for r in rels:
        groups.setdefault((r["type"], labels[r["start"]], labels[r["end"]]), []).append(r)
    for (rel_type, a, b), rows in groups.items():
        q = store._template("upsert_relationships", type=rel_type, start=a, end=b)
        for i in range(0, len(rows), batch):
            store._write([(q, {"rows": rows[i:i + batch]})])
    return time.perf_counter() - t


def queries(store, ids, n):
    rng = random.Random(11)
    picks = [ids[rng.randrange(len(ids))] for _ in range(n)]
    t = time.perf_counter()
    for node_id in picks:
        store.run_read("two_hop_count", id=node_id)
    two_hop = time.perf_counter() - t
    t = time.perf_counter()
    for node_id in picks:
        assert store.get_node(node_id) is not None
    get = time.perf_counter() - t
    return two_hop, get


def neo4j_store():
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return None
    from kg.store.neo4j_store import Neo4jStore

    store = Neo4jStore(uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"],
                       os.environ.get("NEO4J_DATABASE", "neo4j"))
    return store


def wipe(store):
    if store.kind == "neo4j":
        with store.driver.session(database=store.database) as s:
            s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=20_000)
    ap.add_argument("--relationships", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=1_000)
    args = ap.parse_args()
    by_label, rels = synthetic_graph(args.nodes, args.relationships)
    ids = [r["id"] for rows in by_label.values() for r in rows]
    print(f"synthetic graph: {len(ids):,} nodes, {len(rels):,} relationships; {args.queries:,} queries each")
    results = {}
    tmp = Path(tempfile.mkdtemp(prefix="cem-bench-"))
    stores = [("kglite", lambda path: EmbeddedStore(path))]
    if os.environ.get("NEO4J_URI"):
        stores.append(("neo4j", lambda path: neo4j_store()))
    else:
        print("NEO4J_URI not set: Neo4j is not measured (start it with tools/neo4j/run start)")
    for name, factory in stores:
        raw_store = factory(tmp / f"{name}-raw.kgl")
        wipe(raw_store)
        raw_store.init_schema()
        raw = load_raw(raw_store, by_label, rels)
        raw_store.close()
        store = factory(tmp / f"{name}-iface.kgl")
        wipe(store)
        store.init_schema()
        iface = load_interface(store, by_label, rels)
        counts = store.counts()
        assert sum(counts["labels"].values()) == len(ids), counts
        assert sum(counts["relationships"].values()) == len(rels), counts
        two_hop, get = queries(store, ids, args.queries)
        store.close()
        results[name] = {"raw load": raw, "interface load": iface, f"two-hop x{args.queries}": two_hop,
                         f"get node x{args.queries}": get}
    metrics = list(next(iter(results.values())).keys())
    header = f"{'measure':<22}" + "".join(f"{n + ' (s)':>14}" for n in results)
    if "neo4j" in results:
        header += f"{'kglite/neo4j':>14}"
    print(header)
    for m in metrics:
        line = f"{m:<22}" + "".join(f"{results[n][m]:>14.3f}" for n in results)
        if "neo4j" in results:
            line += f"{results['kglite'][m] / results['neo4j'][m]:>14.2f}"
        print(line)
    for n, r in results.items():
        ratio = r["interface load"] / r["raw load"]
        print(f"{n}: interface load / raw UNWIND load = {ratio:.2f} (target <= 1.5) {'OK' if ratio <= 1.5 else 'OVER'}")


if __name__ == "__main__":
    main()
