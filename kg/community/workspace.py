"""The workspace overview of one community — what needs doing and how the community stands —
and the figures a self-assessment can be filled from.

Reusable figures (each a plain function of the store, the community and the date):

* ``kg.community.profile.grid_coverage``            — grids' households (or area) against the community's;
* ``kg.community.ledger.handling_rate``             — 处理率 and days to close over the last 12 months;
* ``kg.community.registers.latest_risk_assessment`` — the latest date, the next due date, late or not;
* ``kg.community.residents.pairing_completeness``   — residents listed, paired, handed the 明白卡;
* ``kg.community.registers.supplies_against_minimum`` — missing, expiring and expired supplies;
* ``kg.community.registers.teams_with_trained_members`` — teams, members and current certificates.
"""

from __future__ import annotations

from datetime import datetime

from kg.access import Access
from kg.community import access as rules
from kg.community.ledger import case_counts, list_cases, overdue_cases, rates_with_grids
from kg.community.model import ASSIGNED, REMEDIATED, REPORTED, local_date
from kg.community.profile import community, grid_coverage, grids
from kg.community.registers import latest_risk_assessment, supplies_against_minimum
from kg.community.residents import pairing_completeness
from kg.store import GraphStore

LIST_LENGTH = 10


def overview(store: GraphStore, acc: Access, community_id: str, *, now: datetime, zone=None) -> dict:
    today = local_date(now, zone)
    found = community(store, community_id)
    rate, grid_rate = rates_with_grids(store, community_id, now=now)
    grid_names = {g["id"]: g["name"] for g in grids(store, community_id)}
    per_grid = [{"grid": gid, "name": grid_names.get(gid, "（未划分网格）"), **r.as_dict()}
                for gid, r in sorted(grid_rate.items())]
    unverified, _ = list_cases(store, community_id, statuses=[REMEDIATED], limit=LIST_LENGTH, count=False)
    unassessed, _ = list_cases(store, community_id, statuses=[REPORTED], limit=LIST_LENGTH, count=False)
    out = {
        "community": found, "today": today.isoformat(),
        "counts": case_counts(store, community_id, today),
        "overdue": overdue_cases(store, community_id, today, limit=LIST_LENGTH),
        "unverified": unverified, "unassessed": unassessed,
        "rate": rate.as_dict(), "grid_rates": per_grid,
        "coverage": grid_coverage(store, community_id).as_dict(),
        "risk": {k: v for k, v in latest_risk_assessment(store, community_id, today).items() if k != "items"},
        "supplies": _supplies(supplies_against_minimum(store, community_id, today)),
        "can_manage": rules.can_manage(acc, community_id),
        "residents": None,
    }
    scope = rules.residents_scope(store, acc.viewer, community_id)
    if scope == "all":
        out["residents"] = pairing_completeness(store, community_id)
    out["residents_scope"] = scope
    out["open_states"] = [REPORTED, ASSIGNED, REMEDIATED]
    return out


def _supplies(summary: dict) -> dict:
    return {"items": summary["items"], "missing": summary["missing"], "expired": summary["expired"][:LIST_LENGTH],
            "expiring": summary["expiring"][:LIST_LENGTH], "expired_count": len(summary["expired"]),
            "expiring_count": len(summary["expiring"]), "has_minimum": summary["has_minimum"]}
