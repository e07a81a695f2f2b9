"""What a plan draft takes from the community's own records (the community workspace: people and
teams, the latest risk assessment, shelters and map features, vulnerable residents and their
helpers, supplies).

``CommunityRecords`` is the seam: ``records_for(store)`` returns the implementation that reads
the workspace's labels when the store's schema has them, and ``NoRecords`` (nothing recorded)
otherwise — then the plan's editor names members, places, supplies and contacts in the plan
itself.  Vulnerable residents reach a plan only as counts and the procedure, never as personal
data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from kg.store.base import GraphStore


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    roles: tuple[str, ...] = ()  # Organization ids the person serves as
    teams: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaceRecord:
    id: str
    kind: str  # shelter, route, assembly, medical, command
    name: str
    location: str = ""
    capacity: int | None = None
    manager: str = ""


@dataclass(frozen=True)
class VulnerableFigures:
    residents: int = 0
    paired: int = 0
    cards: int = 0  # given the 明白卡
    helpers: int = 0


@dataclass
class RiskAssessmentRef:
    id: str
    assessed_on: str
    hazards: list[str] = field(default_factory=list)


class CommunityRecords(Protocol):
    """What the plan draft reads from a community's records."""

    available: bool

    def latest_risk_assessment(self, community: str) -> RiskAssessmentRef | None: ...

    def people(self, community: str) -> list[Person]: ...

    def places(self, community: str) -> list[PlaceRecord]: ...

    def vulnerable(self, community: str) -> VulnerableFigures: ...

    def supplies(self, community: str) -> list[str]: ...


class NoRecords:
    """No workspace records in this store: the editor fills these parts in by hand."""

    available = False

    def latest_risk_assessment(self, community: str) -> RiskAssessmentRef | None:
        return None

    def people(self, community: str) -> list[Person]:
        return []

    def places(self, community: str) -> list[PlaceRecord]:
        return []

    def vulnerable(self, community: str) -> VulnerableFigures:
        return VulnerableFigures()

    def supplies(self, community: str) -> list[str]:
        return []


#: The workspace labels the records implementation reads.
WORKSPACE_LABELS = ("CommunityPerson", "RiskAssessment", "Shelter", "MapFeature", "VulnerableResident", "SupplyItem")


def records_for(store: GraphStore) -> CommunityRecords:
    if all(label in store.schema.labels for label in WORKSPACE_LABELS):
        from kg.plans.workspace_records import WorkspaceRecords

        return WorkspaceRecords(store)
    return NoRecords()


__all__ = [
    "WORKSPACE_LABELS",
    "CommunityRecords",
    "NoRecords",
    "Person",
    "PlaceRecord",
    "RiskAssessmentRef",
    "VulnerableFigures",
    "records_for",
]
