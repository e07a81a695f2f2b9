"""Read content files with line numbers, validate them, and turn them into graph records.

Every problem is reported as ``Problem(file, line, field, message)`` and printed as
``file:line: field: message``.  Nothing is written from content that has problems.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import ValidationError

from kg.content.models import LABEL_MODELS, ContentFile
from kg.schema import SchemaError, load_schema

#: Packages whose ``data`` folder holds content; each area adds its own.
CONTENT_PACKAGES = ("kg", "curricula", "assessments")


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


@dataclass
class NodeRecord:
    label: str
    id: str
    properties: dict
    file: str = ""
    line: int = 0


@dataclass
class RelRecord:
    type: str
    start: str
    end: str
    properties: dict = field(default_factory=dict)
    file: str = ""
    line: int = 0


@dataclass
class Content:
    nodes: list[NodeRecord] = field(default_factory=list)
    relationships: list[RelRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- YAML with line numbers -------------------------------------------------------------

class LineDict(dict):
    """A mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict


class LineList(list):
    line: int = 0
    item_lines: list


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:  # libyaml's loader when PyYAML was built with it
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    pass


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader, node, deep=False):
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
# Dates stay strings: content dates are text in a fixed format, checked by the models.
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def line_of(data, loc: Iterable) -> int:
    """The line of the deepest element of ``data`` that ``loc`` reaches."""
    line = getattr(data, "line", 1)
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
        line = max(line, getattr(node, "line", 0)) if isinstance(node, (LineDict, LineList)) else line
    return line


def _field_name(loc: tuple) -> str:
    parts = [str(p) if not isinstance(p, int) else f"[{p}]" for p in loc]
    out = ""
    for p in parts:
        out += p if p.startswith("[") or not out else "." + p
    return out or "(file)"


# --- Reading ---------------------------------------------------------------------------

def content_files(roots: Iterable[Path] | None = None) -> list[tuple[str, Path]]:
    """(display name, path) of every content file, in a stable order."""
    if roots is None:
        roots = []
        for pkg in CONTENT_PACKAGES:
            try:
                base = resources.files(pkg) / "data"
            except ModuleNotFoundError:
                continue
            roots.append(Path(str(base)))
    found = []
    for root in roots:
        root = Path(root)
        if root.is_file():
            found.append((root.name, root))
            continue
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.yaml")):
            try:
                display = str(path.relative_to(root.parent.parent))
            except ValueError:
                display = str(path)
            found.append((display, path))
    return found


def read_content(roots: Iterable[Path] | None = None) -> Content:
    """Read, validate and cross-check every content file; never raises for bad content."""
    content = Content()
    schema = load_schema()
    items_by_id: dict[str, tuple[str, str, int]] = {}  # id -> (label, file, line)
    # (file, item id, line, (type, to, from, citation or source, [note]), field name)
    pending_links: list[tuple[str, str, int, tuple, str]] = []
    for display, path in content_files(roots):
        content.files.append(display)
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = mark.line + 1 if mark else 1
            msg = getattr(exc, "problem", None) or str(exc)
            content.problems.append(Problem(display, line, "(yaml)", f"malformed YAML: {msg}"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            content.problems.append(Problem(display, 1, "(file)", f"cannot read: {exc}"))
            continue
        if not isinstance(data, dict):
            content.problems.append(Problem(display, 1, "(file)", "a content file is a mapping with `label` and `items`"))
            continue
        try:
            header = ContentFile.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                content.problems.append(
                    Problem(display, line_of(data, err["loc"]), _field_name(err["loc"]), err["msg"])
                )
            continue
        model = LABEL_MODELS[header.label]
        for index, raw in enumerate(data["items"]):
            base_loc = ("items", index)
            item_line = line_of(data, base_loc)
            try:
                item = model.model_validate(raw)
            except ValidationError as exc:
                for err in exc.errors():
                    loc = base_loc + tuple(err["loc"])
                    content.problems.append(
                        Problem(display, line_of(data, loc), _field_name(loc), err["msg"])
                    )
                continue
            if item.id in items_by_id:
                _, other_file, other_line = items_by_id[item.id]
                content.problems.append(Problem(
                    display, line_of(data, base_loc + ("id",)), _field_name(base_loc + ("id",)),
                    f"duplicate id {item.id!r} (first defined at {other_file}:{other_line})",
                ))
                continue
            missing = schema.missing_required(header.label, item.properties())
            for prop in missing:
                content.problems.append(Problem(display, item_line, _field_name(base_loc + (prop,)),
                                                f"required by the schema for {header.label}"))
            items_by_id[item.id] = (header.label, display, item_line)
            content.nodes.append(NodeRecord(header.label, item.id, item.properties(), display, item_line))
            citations = list(getattr(item, "sources", []) or [])
            for ci, citation in enumerate(citations):
                loc = base_loc + ("sources", ci)
                pending_links.append((display, item.id, line_of(data, loc), ("CITES", citation.id, None, citation), _field_name(loc)))
            for li, link in enumerate(item.links):
                loc = base_loc + ("links", li)
                src = link.source or (citations[0] if citations else None)
                pending_links.append((display, item.id, line_of(data, loc), (link.type, link.to, link.from_, src, link.note), _field_name(loc)))

    seen_rels: set[tuple[str, str, str]] = set()
    for display, item_id, line, spec, field_name in pending_links:
        rel_type, to, from_, src = spec[0], spec[1], spec[2], spec[3]
        note = spec[4] if len(spec) > 4 and isinstance(spec[4], str) else None
        if rel_type == "CITES":
            start, end = item_id, to
            props = {"locator": src.locator} if src.locator else {}
        else:
            start, end = (item_id, to) if to else (from_, item_id)
            props = {}
            if src is not None:
                props["source"] = src.id
                if src.locator:
                    props["locator"] = src.locator
            if note:
                props["note"] = note
        other = end if start == item_id else start
        if other not in items_by_id:
            what = "source" if rel_type == "CITES" else "id"
            content.problems.append(Problem(display, line, field_name, f"unknown {what} {other!r}"))
            continue
        if rel_type != "CITES" and "source" in props and props["source"] not in items_by_id:
            content.problems.append(Problem(display, line, field_name + ".source", f"unknown source {props['source']!r}"))
            continue
        try:
            schema.check_relationship(rel_type, items_by_id[start][0], items_by_id[end][0])
        except SchemaError as exc:
            content.problems.append(Problem(display, line, field_name, str(exc)))
            continue
        key = (rel_type, start, end)
        if key in seen_rels:
            content.problems.append(Problem(display, line, field_name, f"duplicate relationship {start} -[{rel_type}]-> {end}"))
            continue
        seen_rels.add(key)
        content.relationships.append(RelRecord(rel_type, start, end, props, display, line))

    from kg.content.rules import check_rules

    content.problems.extend(check_rules(content))
    content.problems.sort()
    return content


def normalise_name(name: str) -> str:
    """Fold width, case, whitespace and punctuation so near-duplicate names compare equal."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def group_by(items, key):
    out = defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return out
