"""CSV imports for a community: residents, supplies and people (grid workers, information
officers, helpers).  UTF-8 (a BOM is fine), a header row naming the columns; every row is
checked first and every problem reported as ``file:line: field: message``; one bad row and
nothing is written (all or nothing).

Columns (``*`` required):

* residents — name*, categories* (``elderly_alone;disabled`` …), needs, phone, id_number, address,
  health_notes, card_given (是/否), card_date, grid (id or name), helpers (people's ids or names,
  ``;``-separated)
* supplies  — kind*, quantity*, name, unit, storage_point, expires_on, last_checked_on
* people    — name*, role* (grid_worker, info_officer, safety_officer, volunteer, social_worker,
  resident, committee), grid (id or name), account (a username)
"""

from __future__ import annotations

import csv
import io

from kg.community.crypto import Cipher
from kg.community.model import CommunityInvalid
from kg.community.profile import check_person, community, grids, people, save_people
from kg.community.registers import check_supply, save_supplies
from kg.community.residents import check_resident, save_residents
from kg.errors import DomainError
from kg.store import GraphStore

COLUMNS = {
    "residents": (("name", "categories"), ("needs", "phone", "id_number", "address", "health_notes", "card_given",
                                          "card_date", "grid", "helpers")),
    "supplies": (("kind", "quantity"), ("name", "unit", "storage_point", "expires_on", "last_checked_on")),
    "people": (("name", "role"), ("grid", "account")),
}
MAX_ROWS = 20_000


class ImportProblems(CommunityInvalid):
    """Rows that cannot be imported; nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} 个问题，未导入任何内容：" + "；".join(problems[:3]))
        self.problems = problems


def _problem(filename: str, line: int, exc: DomainError) -> str:
    text = str(exc)
    name, sep, message = text.partition("：")
    if sep and name.isascii() and " " not in name:
        return f"{filename}:{line}: {name}: {message}"
    return f"{filename}:{line}: -: {text}"


def _rows(text: str, filename: str, kind: str) -> list[tuple[int, dict]]:
    required, optional = COLUMNS[kind]
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required + optional]
    problems = [f"{filename}:1: {c}: 缺少这一列" for c in missing] + [
        f"{filename}:1: {c}: 不认识这一列（可用：{'、'.join(required + optional)}）" for c in unknown]
    if problems:
        raise ImportProblems(problems)
    out = []
    for row in reader:
        line = reader.line_num
        if None in row:
            raise ImportProblems([f"{filename}:{line}: -: 这一行的列比表头多"])
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if any(values.values()):
            out.append((line, values))
        if len(out) > MAX_ROWS:
            raise ImportProblems([f"{filename}:{line}: -: 一次最多导入 {MAX_ROWS} 行"])
    return out


def _by_name(records: list[dict], value: str, what: str) -> str:
    if not value:
        return ""
    ids = {r["id"] for r in records}
    if value in ids:
        return value
    named = [r["id"] for r in records if r.get("name") == value]
    if len(named) == 1:
        return named[0]
    raise CommunityInvalid(f"{what}：{'有几个同名的' if named else '没有'}“{value}”")


def import_csv(store: GraphStore, community_id: str, kind: str, text: str, *, filename: str = "<csv>",
               cipher: Cipher | None = None) -> int:
    """Check every row, then write them all; returns how many were written."""
    if kind not in COLUMNS:
        raise CommunityInvalid(f"kind：须为 {'、'.join(COLUMNS)} 之一")
    community(store, community_id)
    rows = _rows(text, filename, kind)
    known_grids = grids(store, community_id)
    known_people = people(store, community_id)
    checked, problems = [], []
    for line, values in rows:
        try:
            if kind == "residents":
                values["grid"] = _by_name(known_grids, values.get("grid", ""), "grid")
                values["helpers"] = [_by_name(known_people, h.strip(), "helpers")
                                     for h in values.get("helpers", "").replace("；", ";").split(";") if h.strip()]
                checked.append(check_resident(values, people={p["id"] for p in known_people},
                                              grids={g["id"] for g in known_grids}))
            elif kind == "supplies":
                checked.append(check_supply(store, community_id, values))
            else:
                values["grid"] = _by_name(known_grids, values.get("grid", ""), "grid")
                checked.append(check_person(store, community_id, values, {g["id"] for g in known_grids}))
        except DomainError as exc:
            problems.append(_problem(filename, line, exc))
    if problems:
        raise ImportProblems(problems)
    if not checked:
        return 0
    if kind == "residents":
        if cipher is None:
            raise CommunityInvalid("导入居民需要个人信息加密密钥")
        return len(save_residents(store, cipher, community_id, checked))
    if kind == "supplies":
        return len(save_supplies(store, community_id, checked))
    return len(save_people(store, community_id, checked))
