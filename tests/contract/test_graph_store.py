"""The GraphStore contract: every backend must pass every test here."""

from __future__ import annotations

import io

import pytest

from kg.exchange import ImportError_, export_graph, import_graph
from kg.schema import SchemaError
from kg.store import ConstraintViolation, InvalidRecord, NotFound


def hazard(i, **extra):
    return {"id": f"hazard.h{i}", "properties": {"name": f"灾害{i}", "name_en": f"Hazard {i}",
                                                 "category": "natural", **extra}}


def seed(store):
    store.upsert_nodes("Hazard", [hazard(1), hazard(2), hazard(3)])
    store.upsert_nodes("Phase", [{"id": "phase.p", "properties": {"name": "应急响应", "name_en": "Response", "order": 3}}])
    store.upsert_nodes("Organization", [{"id": "org.o", "properties": {"name": "网格员", "name_en": "Grid worker", "kind": "role"}}])
    store.upsert_nodes("Duty", [{"id": "duty.d", "properties": {"name": "上报隐患"}}])
    store.upsert_relationships([
        {"type": "TRIGGERS", "start": "hazard.h1", "end": "hazard.h2", "properties": {"source": "src.a"}},
        {"type": "TRIGGERS", "start": "hazard.h2", "end": "hazard.h3", "properties": {}},
        {"type": "HAS_DUTY", "start": "org.o", "end": "duty.d"},
        {"type": "ADDRESSES", "start": "duty.d", "end": "hazard.h1"},
        {"type": "IN_PHASE", "start": "duty.d", "end": "phase.p"},
    ])


def test_upsert_and_get_node(store):
    assert store.upsert_nodes("Hazard", [hazard(1, warning_signs=["雨量骤增", "积水"], level="hazard")]) == 1
    node = store.get_node("hazard.h1")
    assert node == {"id": "hazard.h1", "label": "Hazard",
                    "properties": {"name": "灾害1", "name_en": "Hazard 1", "category": "natural",
                                   "warning_signs": ["雨量骤增", "积水"], "level": "hazard"}}
    assert store.get_node("hazard.missing") is None


def test_upsert_is_idempotent_and_merges(store):
    seed(store)
    before = list(store.export_records())
    seed(store)
    assert list(store.export_records()) == before
    store.upsert_nodes("Hazard", [{"id": "hazard.h1", "properties": {"name": "暴雨", "name_en": "Rainstorm", "category": "natural", "extra": 5}}])
    props = store.get_node("hazard.h1")["properties"]
    assert props["name"] == "暴雨" and props["extra"] == 5
    store.upsert_nodes("Hazard", [{"id": "hazard.h1", "properties": {"name": "暴雨", "name_en": "Rainstorm", "category": "natural"}}])
    assert store.get_node("hazard.h1")["properties"]["extra"] == 5  # merge keeps other properties


def test_replace_drops_properties_not_given(store):
    store.upsert_nodes("Hazard", [hazard(1, extra="x")])
    store.upsert_nodes("Hazard", [hazard(1)], replace=True)
    assert "extra" not in store.get_node("hazard.h1")["properties"]


def test_get_nodes_and_nodes_by_label(store):
    seed(store)
    got = store.get_nodes(["hazard.h1", "duty.d", "nope"])
    assert set(got) == {"hazard.h1", "duty.d"}
    page = store.nodes_by_label("Hazard", skip=1, limit=1)
    assert [n["id"] for n in page] == ["hazard.h2"]


def test_counts(store):
    seed(store)
    assert store.counts() == {
        "labels": {"Duty": 1, "Hazard": 3, "Organization": 1, "Phase": 1},
        "relationships": {"ADDRESSES": 1, "HAS_DUTY": 1, "IN_PHASE": 1, "TRIGGERS": 2},
    }


def test_relationship_upsert_is_idempotent_and_updates(store):
    seed(store)
    store.upsert_relationships([{"type": "TRIGGERS", "start": "hazard.h1", "end": "hazard.h2", "properties": {"source": "src.b"}}])
    rels = [r for r in store.export_records() if r["kind"] == "relationship" and r["type"] == "TRIGGERS"]
    assert len(rels) == 2
    assert rels[0]["properties"] == {"source": "src.b"}


def test_neighbours_depth_types_and_labels(store):
    seed(store)
    one = store.neighbours("hazard.h1")
    assert {n["id"] for n in one} == {"hazard.h2", "duty.d"}
    two = store.neighbours("hazard.h1", depth=2)
    assert {n["id"]: n["distance"] for n in two} == {"hazard.h2": 1, "duty.d": 1, "hazard.h3": 2,
                                                     "org.o": 2, "phase.p": 2}
    along = store.neighbours("hazard.h1", depth=2, rel_types=["TRIGGERS"])
    assert [n["id"] for n in along] == ["hazard.h2", "hazard.h3"]
    assert along[1]["path"] == [
        {"type": "TRIGGERS", "start": "hazard.h1", "end": "hazard.h2", "properties": {"source": "src.a"}},
        {"type": "TRIGGERS", "start": "hazard.h2", "end": "hazard.h3", "properties": {}},
    ]
    only_orgs = store.neighbours("hazard.h1", depth=2, labels=["Organization"])
    assert [n["id"] for n in only_orgs] == ["org.o"]
    assert store.neighbours("nothing.here") == []


def test_links_give_each_relationship_and_the_other_node_in_brief(store):
    seed(store)
    links = sorted(store.links("hazard.h1"), key=lambda r: r["node"]["id"])
    assert [(r["type"], r["start"], r["end"], r["node"]["id"], r["node"]["label"]) for r in links] == [
        ("ADDRESSES", "duty.d", "hazard.h1", "duty.d", "Duty"),
        ("TRIGGERS", "hazard.h1", "hazard.h2", "hazard.h2", "Hazard")]
    assert links[1]["rel"] == {"source": "src.a"}
    assert set(links[1]["node"]["properties"]) <= {"name", "name_en", "community"}
    assert links[1]["node"]["properties"]["name"]
    second = store.links_of(["hazard.h2", "duty.d"], root="hazard.h1")
    assert {(r["start"], r["end"]) for r in second} == {("hazard.h2", "hazard.h3"), ("org.o", "duty.d"),
                                                        ("duty.d", "phase.p")}
    assert store.links("nothing.here") == [] and store.links_of([], root="x") == []


def test_edges_of_are_the_second_hop_without_relationship_properties(store):
    seed(store)
    store.upsert_relationships([{"type": "ADDRESSES", "start": "duty.d", "end": "hazard.h3", "properties": {"source": "src.b"}}])
    ids = ["hazard.h2", "duty.d"]
    edges = store.edges_of(ids, root="hazard.h1")

    def brief(r):
        return (r["type"], r["start"], r["end"], r["via"], r["node"]["id"], r["node"]["label"],
                tuple(sorted(r["node"]["properties"].items())))

    assert sorted(map(brief, edges)) == sorted(map(brief, store.links_of(ids, root="hazard.h1")))
    assert all(set(r) == {"type", "start", "end", "via", "node"} for r in edges)
    assert all(r["node"]["id"] != "hazard.h1" for r in edges)
    h3 = [r["node"] for r in edges if r["node"]["id"] == "hazard.h3"]
    assert len(h3) == 2 and h3[0] is h3[1]  # one node dict per other node, shared by its edges
    assert store.edges_of([], root="x") == [] and store.edges_of(["nothing.here"], root="x") == []


def test_second_hop_and_edges_among_split_the_second_hop_into_nodes_then_drawn_edges(store):
    """``second_hop``: each node next to the first hop once, in brief without names (what the
    policy needs); ``edges_among``: only the relationships that end at the chosen nodes — together
    the same as ``edges_of`` restricted to those nodes."""
    seed(store)
    store.upsert_relationships([{"type": "ADDRESSES", "start": "duty.d", "end": "hazard.h3", "properties": {"source": "src.b"}}])
    ids = ["hazard.h2", "duty.d"]
    everything = store.edges_of(ids, root="hazard.h1")
    nodes = store.second_hop(ids, root="hazard.h1")
    assert sorted(n["id"] for n in nodes) == sorted({r["node"]["id"] for r in everything})
    assert all(set(n["properties"]) <= {"community"} for n in nodes)
    labels = {r["node"]["id"]: r["node"]["label"] for r in everything}
    assert {n["id"]: n["label"] for n in nodes} == labels
    keep = ["hazard.h3", "nothing.here"]
    among = store.edges_among(ids, keep)

    def brief(r):
        return (r["type"], r["start"], r["end"], r["via"], r["node"]["id"], r["node"]["label"],
                tuple(sorted(r["node"]["properties"].items())))

    assert sorted(map(brief, among)) == sorted(brief(r) for r in everything if r["node"]["id"] in keep)
    assert len(among) == 2 and among[0]["node"] is among[1]["node"]
    assert store.second_hop([], root="x") == [] and store.edges_among(ids, []) == []


def test_neighbours_rejects_bad_arguments(store):
    with pytest.raises(InvalidRecord):
        store.neighbours("hazard.h1", depth=4)
    with pytest.raises(SchemaError):
        store.neighbours("hazard.h1", rel_types=["TRIGGERS]->() DETACH DELETE n //"])
    with pytest.raises(SchemaError):
        store.neighbours("hazard.h1", labels=["Hazard) DETACH DELETE n //"])


def test_unknown_label_is_refused_before_any_query(store):
    with pytest.raises(SchemaError):
        store.upsert_nodes("Hazard:Admin", [hazard(1)])
    with pytest.raises(SchemaError):
        store.nodes_by_label("Nope")
    assert store.counts()["labels"] == {}


def test_missing_required_property_is_refused(store):
    with pytest.raises(InvalidRecord, match="category"):
        store.upsert_nodes("Hazard", [{"id": "hazard.x", "properties": {"name": "x", "name_en": "x"}}])
    assert store.get_node("hazard.x") is None


def test_bad_ids_and_values_are_refused(store):
    for bad in ["", "has space", "a" * 300, None, 5]:
        with pytest.raises(InvalidRecord):
            store.upsert_nodes("Duty", [{"id": bad, "properties": {"name": "职责"}}])
    with pytest.raises(InvalidRecord, match="reserved"):
        store.upsert_nodes("Duty", [{"id": "duty.x", "properties": {"name": "职责", "title": "t"}}])
    with pytest.raises(InvalidRecord):
        store.upsert_nodes("Duty", [{"id": "duty.x", "properties": {"name": "职责", "nested": {"a": 1}}}])
    with pytest.raises(InvalidRecord):
        store.upsert_nodes("Duty", [{"id": "duty.x", "properties": {"name": "职责", "mixed": ["a", 1]}}])
    with pytest.raises(InvalidRecord):
        store.upsert_nodes("Duty", [{"id": "duty.x", "properties": {"name": "职责", "n": float("nan")}}])
    with pytest.raises(InvalidRecord, match="twice"):
        store.upsert_nodes("Duty", [{"id": "duty.x", "properties": {"name": "a"}}, {"id": "duty.x", "properties": {"name": "b"}}])
    assert store.counts()["labels"] == {}


def test_id_used_by_another_label_is_a_constraint_violation(store):
    seed(store)
    with pytest.raises(ConstraintViolation):
        store.upsert_nodes("Duty", [{"id": "hazard.h1", "properties": {"name": "冒名"}}])
    assert store.get_node("hazard.h1")["label"] == "Hazard"


def test_relationship_rules(store):
    seed(store)
    before = list(store.export_records())
    with pytest.raises(NotFound):
        store.upsert_relationships([{"type": "TRIGGERS", "start": "hazard.h1", "end": "hazard.nope"}])
    with pytest.raises(SchemaError):
        store.upsert_relationships([{"type": "HAS_DUTY", "start": "hazard.h1", "end": "duty.d"}])
    with pytest.raises(SchemaError):
        store.upsert_relationships([{"type": "NOT_A_TYPE", "start": "hazard.h1", "end": "hazard.h2"}])
    with pytest.raises(InvalidRecord, match=r"^TRIGGERS hazard.h1->hazard.h2: property 'w'"):
        store.upsert_relationships([{"type": "TRIGGERS", "start": "hazard.h1", "end": "hazard.h2",
                                     "properties": {"w": float("inf")}}])
    with pytest.raises(InvalidRecord, match=r"^TRIGGERS hazard.h1->hazard.h2: bad property name"):
        store.upsert_relationships([{"type": "TRIGGERS", "start": "hazard.h1", "end": "hazard.h2",
                                     "properties": {"bad-name": 1}}])
    # a batch with one bad row writes nothing
    with pytest.raises(NotFound):
        store.upsert_relationships([{"type": "TRIGGERS", "start": "hazard.h3", "end": "hazard.h1"},
                                    {"type": "TRIGGERS", "start": "hazard.h1", "end": "hazard.nope"}])
    assert list(store.export_records()) == before


def test_delete_node_and_relationship(store):
    seed(store)
    assert store.delete_relationship("TRIGGERS", "hazard.h2", "hazard.h3") is True
    assert store.delete_relationship("TRIGGERS", "hazard.h2", "hazard.h3") is False
    assert store.delete_node("duty.d") is True
    assert store.delete_node("duty.d") is False
    assert store.counts()["relationships"] == {"TRIGGERS": 1}


def test_named_read_and_write_queries(store):
    seed(store)
    rows = store.run_read("get_node", id="org.o")
    assert rows and rows[0]["id"] == "org.o"
    assert store.run_write("delete_node", id="org.o")[0]["deleted"] >= 0
    assert store.get_node("org.o") is None


def test_health(store):
    health = store.health()
    assert health.ok and health.kind == store.kind


def test_init_schema_is_idempotent(store):
    first = store.init_schema()
    assert store.init_schema() == first
    assert any("Hazard.id" in what for what in first)


def test_export_is_stable_and_import_round_trips(store, tmp_path):
    seed(store)
    first, second = io.StringIO(), io.StringIO()
    export_graph(store, first)
    export_graph(store, second)
    assert first.getvalue() == second.getvalue()
    lines = first.getvalue().splitlines()
    assert lines[0].startswith('{"id":"duty.d","kind":"node","labels":["Duty"]')
    for record in store.export_records():
        if record["kind"] == "node":
            store.delete_node(record["id"])
    assert store.counts()["labels"] == {}
    result = import_graph(store, first.getvalue().splitlines(keepends=True))
    assert (result.nodes, result.relationships) == (6, 5)
    again = io.StringIO()
    export_graph(store, again)
    assert again.getvalue() == first.getvalue()


def test_import_with_a_malformed_line_writes_nothing(store):
    lines = [
        '{"kind":"node","labels":["Hazard"],"id":"hazard.a","properties":{"name":"甲","name_en":"A","category":"natural"}}\n',
        '{"kind":"node","labels":["Hazard"],"id":"hazard.b","properties":{"name":"乙"\n',
        '{"kind":"node","labels":["Bogus"],"id":"x.y","properties":{}}\n',
    ]
    with pytest.raises(ImportError_) as info:
        import_graph(store, lines, filename="bad.jsonl")
    assert info.value.problems[0].startswith("bad.jsonl:2: malformed JSON")
    assert info.value.problems[1].startswith("bad.jsonl:3: unknown label")
    assert store.counts()["labels"] == {}


def test_embedded_store_is_durable_across_reopen(tmp_path):
    from kg.store.embedded import EmbeddedStore

    path = tmp_path / "durable.kgl"
    s = EmbeddedStore(path)
    s.init_schema()
    seed(s)
    s.close()
    s = EmbeddedStore(path)
    try:
        assert s.counts()["relationships"]["TRIGGERS"] == 2
        with pytest.raises(ConstraintViolation):
            s._write([("CREATE (n:Hazard {id: 'hazard.h1', name: 'x'})", {})])
    finally:
        s.close()


def test_embedded_reads_do_not_wait_for_a_writer_and_see_every_committed_write(tmp_path):
    """Reads run on a snapshot of the last committed state, not behind the store's lock: a page
    read while a long write holds the lock answers at once, with what was committed before it;
    a write is seen by every read that starts after it returns."""
    import threading

    from kg.store.embedded import EmbeddedStore

    s = EmbeddedStore(tmp_path / "snapshots.kgl")
    s.init_schema()
    try:
        seed(s)
        held, release = threading.Event(), threading.Event()

        def long_write():
            with s._lock:  # what a write does while it runs
                held.set()
                release.wait(10)

        writer = threading.Thread(target=long_write)
        writer.start()
        assert held.wait(5)
        answers: dict = {}
        reader = threading.Thread(target=lambda: answers.update(node=s.get_node("hazard.h1"),
                                                                links=s.links("hazard.h2")))
        reader.start()
        reader.join(2)
        waited = reader.is_alive()
        release.set()
        writer.join()
        reader.join()
        assert not waited, "a read waited for the writer's lock"
        assert answers["node"]["properties"]["name"] == "灾害1"
        assert {link["node"]["id"] for link in answers["links"]} == {"hazard.h1", "hazard.h3"}

        s.upsert_nodes("Hazard", [hazard(1, level="hazard")])
        s.upsert_relationships([{"type": "TRIGGERS", "start": "hazard.h2", "end": "hazard.h1", "properties": {}}])
        assert s.get_node("hazard.h1")["properties"]["level"] == "hazard"
        assert len(s.links("hazard.h2")) == 3
        seen: dict = {}
        other = threading.Thread(target=lambda: seen.update(node=s.get_node("hazard.h1")))
        other.start()
        other.join()
        assert seen["node"]["properties"]["level"] == "hazard"
        s.delete_node("hazard.h3")
        assert s.get_node("hazard.h3") is None
    finally:
        s.close()
