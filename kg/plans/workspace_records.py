"""The plan draft's view of the community workspace (``kg.community``): the latest risk
assessment's hazards, the community's people with the roles they serve as and their teams, the
shelters and map features as places, vulnerable residents as counts only, and the supply items."""

from __future__ import annotations

from collections import defaultdict

from kg.community.model import PERSON_ROLES
from kg.plans.records import Person, PlaceRecord, RiskAssessmentRef, VulnerableFigures
from kg.store.base import GraphStore

FEATURE_PLACES = {"evacuation_route": "route", "assembly_point": "assembly"}


class WorkspaceRecords:
    available = True

    def __init__(self, store: GraphStore):
        self.store = store

    def _records(self, label: str, community: str) -> list[dict]:
        return [dict(r["props"], id=r["id"])
                for r in self.store.run_read_for("evidence_ws_records", label, communities=[community])]

    def latest_risk_assessment(self, community: str) -> RiskAssessmentRef | None:
        rows = sorted(self._records("RiskAssessment", community), key=lambda r: (r.get("assessed_on", ""), r["id"]))
        if not rows:
            return None
        latest = rows[-1]
        return RiskAssessmentRef(latest["id"], latest.get("assessed_on", ""), list(latest.get("hazards") or []))

    def people(self, community: str) -> list[Person]:
        teams: dict[str, list[str]] = defaultdict(list)
        for row in self.store.run_read("evidence_ws_team_members", communities=[community]):
            teams[row["person"]].append(row["team"])
        out = []
        for p in sorted(self._records("CommunityPerson", community), key=lambda r: r["id"]):
            role = PERSON_ROLES.get(p.get("role", ""))
            out.append(Person(p["id"], p.get("name", ""), (role,) if role else (), tuple(teams.get(p["id"], ()))))
        return out

    def places(self, community: str) -> list[PlaceRecord]:
        out = [PlaceRecord(s["id"], "shelter", s.get("name", ""), s.get("place", ""), int(s.get("capacity") or 0) or None,
                           s.get("manager", "")) for s in self._records("Shelter", community)]
        for f in self._records("MapFeature", community):
            kind = FEATURE_PLACES.get(f.get("kind", ""))
            if kind:
                out.append(PlaceRecord(f["id"], kind, f.get("name", ""), f.get("note", "")))
        return sorted(out, key=lambda p: (p.kind, p.name))

    def vulnerable(self, community: str) -> VulnerableFigures:
        rows = self.store.run_read("evidence_ws_residents", communities=[community])
        helpers = self.store.run_read("evidence_ws_helpers", communities=[community])
        if not rows:
            return VulnerableFigures(helpers=len(helpers))
        r = rows[0]
        return VulnerableFigures(int(r["residents"]), int(r["paired"] or 0), int(r["carded"] or 0), len(helpers))

    def supplies(self, community: str) -> list[str]:
        out = []
        for i in sorted(self._records("SupplyItem", community), key=lambda r: (r.get("kind", ""), r["id"])):
            qty = i.get("quantity")
            text = f"{i.get('name', '')} {qty:g} {i.get('unit', '')}" if isinstance(qty, int | float) else i.get("name", "")
            if i.get("storage_point"):
                text += f"（{i['storage_point']}）"
            out.append(text.strip())
        return out
