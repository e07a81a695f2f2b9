"""Vulnerable residents (脆弱人群清单) and pairing (结对帮扶) — sensitive personal information.

Under the Personal Information Protection Law (个人信息保护法 第二十八条: health information and
the information of minors are sensitive; 第五十一条: access control, encryption) the list is
kept for the fewest people who need it:

* only the community's **editors** see the list; a **helper** sees only the residents paired with
  them (``kg.community.access.residents_scope``); nobody else — not reviewers, not admins — and
  no graph reader shows a resident (``VulnerableResident`` is private in ``kg.access``);
* names and phone numbers are **masked** in lists (``王**``, ``138****5678``); the record's own
  page shows them in full, and the web layer writes an audit event for every full view;
* phone, ID number, address and health notes are **encrypted** at rest (``kg.community.crypto``)
  so a copied store file or export holds no plaintext;
* an **export** needs the editor role and is audited;
* **deleting** a resident removes the node and its links (the data, not a flag).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from kg.access import Viewer
from kg.community import access as rules
from kg.community.crypto import Cipher
from kg.community.model import (
    CATEGORIES,
    NEEDS,
    CommunityInvalid,
    CommunityNotAllowed,
    CommunityNotFound,
    check_community_id,
    clean_text,
    new_id,
    parse_date,
)
from kg.errors import N_
from kg.store import GraphStore

ENCRYPTED = ("phone", "id_number", "address", "health_notes")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{6,19}$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def valid_id_number(text: str) -> bool:
    """A resident identity card number (GB 11643-1999): 17 digits and a check character."""
    if not re.fullmatch(r"\d{17}[\dX]", text):
        return False
    return ID_CHECK[sum(int(c) * w for c, w in zip(text[:17], ID_WEIGHTS)) % 11] == text[17]


def mask_name(name: str) -> str:
    name = name or ""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) >= 7:
        return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]
    return "*" * len(digits)


def _choices(values: Any, allowed: dict, field: str, *, required: bool) -> list[str]:
    if isinstance(values, str):
        values = [v for v in re.split(r"[;,；，、\s]+", values) if v]
    values = list(dict.fromkeys(values or []))
    bad = [v for v in values if v not in allowed]
    if bad:
        raise CommunityInvalid(N_("%(field)s：%(bad)s 不是可选项（可选：%(allowed)s）"), field=field, bad="、".join(bad)[:80],
                               allowed="、".join(allowed))
    if required and not values:
        raise CommunityInvalid(N_("%(field)s：至少选一项"), field=field)
    return values


def check_resident(fields: dict, *, people: set[str], grids: set[str]) -> dict:
    """The resident's fields checked (no write); ``helpers`` must be people of the community."""
    out: dict[str, Any] = {"name": clean_text(fields.get("name"), "name", required=True, limit=40),
                           "categories": _choices(fields.get("categories"), CATEGORIES, "categories", required=True),
                           "needs": _choices(fields.get("needs"), NEEDS, "needs", required=False)}
    phone = " ".join(str(fields.get("phone") or "").split())
    if phone and not PHONE_RE.match(phone):
        raise CommunityInvalid(N_("phone：%(value)s 不像电话号码"), value=phone[:4] + "…")
    id_number = str(fields.get("id_number") or "").strip().upper()
    if id_number and not valid_id_number(id_number):
        raise CommunityInvalid(N_("id_number：身份证号码格式或校验位不对"))
    out["phone"], out["id_number"] = phone, id_number
    out["address"] = clean_text(fields.get("address"), "address", limit=120)
    out["health_notes"] = clean_text(fields.get("health_notes"), "health_notes", limit=500)
    card = fields.get("card_given")
    out["card_given"] = str(card).strip().lower() in ("1", "true", "yes", "on", "是", "y") if card not in (None, "") \
        else False
    out["card_date"] = parse_date(fields["card_date"], "card_date").isoformat() if fields.get("card_date") else ""
    grid = (fields.get("grid") or "").strip() if isinstance(fields.get("grid"), str) else fields.get("grid")
    if grid and grid not in grids:
        raise CommunityInvalid(N_("grid：%(value)s 不是本社区的网格"), value=str(grid)[:80])
    out["grid"] = grid or ""
    helpers = fields.get("helpers") or []
    if isinstance(helpers, str):
        helpers = [h for h in re.split(r"[;,；，\s]+", helpers) if h]
    bad = [h for h in helpers if h not in people]
    if bad:
        raise CommunityInvalid(N_("helpers：%(bad)s 不是本社区登记的人员"), bad="、".join(bad)[:80])
    out["helpers"] = list(dict.fromkeys(helpers))
    for key in ("x", "y"):
        if fields.get(key) not in (None, ""):
            out[key] = fields[key]
    return out


def _known(store: GraphStore, community_id: str) -> tuple[set[str], set[str]]:
    from kg.community.profile import grids, people

    return {p["id"] for p in people(store, community_id)}, {g["id"] for g in grids(store, community_id)}


def save_residents(store: GraphStore, cipher: Cipher, community_id: str, rows: list[dict]) -> list[str]:
    """Write checked residents (``check_resident``), encrypting the sensitive fields; their
    helper links are replaced by the given ones."""
    from kg.community.ledger import check_point

    nodes, ids = [], []
    for row in rows:
        resident_id = row.get("id") or new_id("resident", community_id)
        ids.append(resident_id)
        props = {"community": community_id, "name": row["name"], "categories": row["categories"],
                 "needs": row["needs"], "card_given": row["card_given"], "card_date": row["card_date"],
                 "grid": row["grid"], "paired": bool(row["helpers"])}
        for key in ENCRYPTED:
            props[f"{key}_enc"] = cipher.encrypt(row.get(key)) or ""
        if row.get("x") not in (None, "") or row.get("y") not in (None, ""):
            point = check_point(store, community_id, row.get("x"), row.get("y"))
            if point:
                props["x"], props["y"] = point
        nodes.append({"id": resident_id, "properties": props})
    store.upsert_nodes("VulnerableResident", nodes, replace=True)
    rels = []
    for resident_id, row in zip(ids, rows):
        store.run_write("community_delete_incoming", id=resident_id, types=["HELPS"])
        rels += [{"type": "HELPS", "start": h, "end": resident_id} for h in row["helpers"]]
        if row["grid"]:
            rels.append({"type": "IN_GRID", "start": resident_id, "end": row["grid"]})
    if rels:
        store.upsert_relationships(rels)
    return ids


def save_resident(store: GraphStore, cipher: Cipher, viewer: Viewer, community_id: str, fields: dict,
                  resident_id: str | None = None) -> str:
    check_community_id(community_id)
    if not rules.is_editor(viewer, community_id):
        raise CommunityNotAllowed(N_("只有本社区的工作人员可以登记脆弱人群"))
    if resident_id is not None:
        _own(store, community_id, resident_id)
    people, grids = _known(store, community_id)
    row = check_resident(fields, people=people, grids=grids)
    if resident_id:
        row["id"] = resident_id
    return save_residents(store, cipher, community_id, [row])[0]


def _own(store: GraphStore, community_id: str, resident_id: str) -> dict:
    node = store.get_node(resident_id) if isinstance(resident_id, str) else None
    if node is None or node["label"] != "VulnerableResident" or node["properties"].get("community") != community_id:
        raise CommunityNotFound(N_("没有这位居民的记录"))
    return node


def _rows(store: GraphStore, viewer: Viewer, community_id: str) -> list[dict]:
    scope = rules.residents_scope(store, viewer, community_id)
    if scope is None:
        raise CommunityNotAllowed(N_("脆弱人群清单只向本社区工作人员和结对帮扶人开放"))
    people = None if scope == "all" else rules.helper_people(store, viewer, community_id)
    return [dict({k: v for k, v in r["props"].items() if k not in ("title", "type")}, id=r["id"], helpers=r["helpers"])
            for r in store.run_read("community_residents", community=community_id, people=people)]


def list_residents(store: GraphStore, cipher: Cipher, viewer: Viewer, community_id: str) -> list[dict]:
    """The residents this viewer may see, with names and phone numbers masked."""
    out = []
    for row in _rows(store, viewer, community_id):
        out.append({"id": row["id"], "name": mask_name(row.get("name", "")),
                    "phone": mask_phone(cipher.decrypt(row.get("phone_enc"))),
                    "categories": row.get("categories") or [], "needs": row.get("needs") or [],
                    "card_given": bool(row.get("card_given")), "grid": row.get("grid") or "",
                    "helpers": row["helpers"], "x": row.get("x"), "y": row.get("y")})
    return out


def get_resident(store: GraphStore, cipher: Cipher, viewer: Viewer, community_id: str, resident_id: str) -> dict:
    """One resident in full (decrypted) — the caller records the view in the audit log."""
    for row in _rows(store, viewer, community_id):
        if row["id"] == resident_id:
            full = {k: v for k, v in row.items() if not k.endswith("_enc")}
            for key in ENCRYPTED:
                full[key] = cipher.decrypt(row.get(f"{key}_enc"))
            return full
    raise CommunityNotFound(N_("没有这位居民的记录"))


def delete_resident(store: GraphStore, viewer: Viewer, community_id: str, resident_id: str) -> None:
    if not rules.is_editor(viewer, community_id):
        raise CommunityNotAllowed(N_("只有本社区的工作人员可以删除脆弱人群记录"))
    _own(store, community_id, resident_id)
    store.delete_node(resident_id)


EXPORT_COLUMNS = ("id", "name", "categories", "needs", "phone", "id_number", "address", "health_notes", "card_given",
                  "card_date", "grid", "helpers")


def export_csv(store: GraphStore, cipher: Cipher, viewer: Viewer, community_id: str) -> str:
    """The full list as CSV (editors only; the caller audits it)."""
    if not rules.is_editor(viewer, community_id):
        raise CommunityNotAllowed(N_("只有本社区的工作人员可以导出脆弱人群清单"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in _rows(store, viewer, community_id):
        full = {**row, **{k: cipher.decrypt(row.get(f"{k}_enc")) for k in ENCRYPTED}}
        writer.writerow([";".join(full.get(c) or []) if c in ("categories", "needs", "helpers")
                         else ("是" if full.get(c) else "否") if c == "card_given" else full.get(c, "")
                         for c in EXPORT_COLUMNS])
    return out.getvalue()


def pairing_completeness(store: GraphStore, community_id: str) -> dict:
    """How many residents are listed, paired with a helper, and handed the 明白卡 (counts only)."""
    rows = store.run_read("community_residents_summary", community=community_id)
    row = rows[0] if rows else {"residents": 0, "paired": 0, "carded": 0}
    total, paired, carded = int(row["residents"] or 0), int(row["paired"] or 0), int(row["carded"] or 0)
    return {"residents": total, "paired": paired, "unpaired": total - paired, "carded": carded,
            "paired_share": round(paired / total, 4) if total else None,
            "carded_share": round(carded / total, 4) if total else None}


def rotate_keys(store: GraphStore, cipher: Cipher, community_id: str | None = None) -> int:
    """Re-encrypt every resident's fields with the first key (after a new key was put first)."""
    from kg.community.profile import records

    communities = [community_id] if community_id else [r["id"] for r in store.nodes_by_label("Community", limit=100000)]
    done = 0
    for cid in communities:
        rows = records(store, "VulnerableResident", cid)
        updates = [{"id": r["id"], "properties": {f"{k}_enc": cipher.rotate(r.get(f"{k}_enc")) or ""
                                                  for k in ENCRYPTED}} for r in rows]
        if updates:
            store.upsert_nodes("VulnerableResident", updates)
            done += len(updates)
    return done
