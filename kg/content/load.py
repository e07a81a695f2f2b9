"""Write validated content to a store: nodes first, then relationships, one transaction per
batch.  Content nodes and relationships take exactly the properties the files give, so loading
twice changes nothing and an interrupted load is completed by running it again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from kg.content.loader import Content
from kg.store.base import GraphStore


class ContentInvalid(ValueError):
    pass


def load_content(store: GraphStore, content: Content, progress: Callable[[int], None] | None = None) -> dict:
    if not content.ok:
        raise ContentInvalid(f"{len(content.problems)} problems in the content; run `cem check`")
    by_label = defaultdict(list)
    for node in content.nodes:
        by_label[node.label].append({"id": node.id, "properties": node.properties})
    nodes = 0
    for label in sorted(by_label):
        rows = by_label[label]
        for start in range(0, len(rows), store.batch_size):
            batch = rows[start:start + store.batch_size]
            nodes += store.upsert_nodes(label, batch, replace=True)
            if progress:
                progress(len(batch))
    rels = [{"type": r.type, "start": r.start, "end": r.end, "properties": r.properties}
            for r in content.relationships]
    written = 0
    for start in range(0, len(rels), store.batch_size):
        batch = rels[start:start + store.batch_size]
        written += store.upsert_relationships(batch, replace=True)
        if progress:
            progress(len(batch))
    return {"nodes": nodes, "relationships": written}
