"""The readiness view: for each community, its latest self-assessment score, its open gaps, and
its trained first responders against its target.

* latest = the community's most recent assessment against the standard (any state; its state is
  shown) — its *effective* total (reviewer adjustments included), whether the gates hold,
  whether it qualifies, and how many criteria are not fully met (cached on the Assessment node
  at every save, so the view needs no scoring);
* trained first responders = distinct users of the community (``User.community``) holding a
  current certificate — not expired, not superseded — for a course of kind ``core`` (the
  应急第一响应人 course), read from the training engine's Certificate nodes through the named
  query ``readiness_trained``;
* target = the community's ``first_responder_target`` (none set: shown as such).

Three read queries whatever the number of communities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from assessments.checklist import DEFAULT_STANDARD
from assessments.errors import N_
from assessments.workflow import STATUS_LABELS, Actor, list_communities
from kg.store.base import GraphStore

TRAINED_COURSE_KINDS = ("core",)
NOT_ASSESSED = N_("尚未自评")


def _training_now(now: datetime | None) -> str:
    """The training engine's stored time shape (2025-03-01T08:00:00.000000Z): string order = time order."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ReadinessRow:
    community: dict
    assessment: dict | None
    trained: int
    target: int | None

    @property
    def id(self) -> str:
        return self.community["id"]

    @property
    def name(self) -> str:
        return self.community.get("name", self.id)

    @property
    def score(self) -> float | None:
        return self.assessment.get("total") if self.assessment else None

    @property
    def status(self) -> str | None:
        return self.assessment.get("status") if self.assessment else None

    @property
    def status_label(self) -> str:
        """A msgid: the state of the latest assessment, or that there is none."""
        return STATUS_LABELS.get(self.status, NOT_ASSESSED) if self.status else NOT_ASSESSED

    @property
    def open_gaps(self) -> int | None:
        """Criteria answered and not fully met (records saved before this was cached: every
        criterion not fully met, unanswered ones included)."""
        if not self.assessment:
            return None
        found = self.assessment.get("answered_gaps")
        return found if found is not None else self.assessment.get("open_gaps")

    @property
    def unanswered(self) -> int:
        return int(self.assessment.get("unanswered") or 0) if self.assessment else 0

    @property
    def signed_off(self) -> bool:
        return self.status == "signed_off"

    @property
    def gates_met(self) -> bool | None:
        return self.assessment.get("gates_met") if self.assessment else None

    @property
    def qualified(self) -> bool | None:
        return self.assessment.get("qualified") if self.assessment else None

    @property
    def population(self) -> int | None:
        value = self.community.get("population")
        return int(value) if isinstance(value, (int, float)) and value > 0 else None

    @property
    def per_10k(self) -> float | None:
        """Trained first responders per 10,000 residents (population recorded)."""
        return self.trained * 10000 / self.population if self.population else None

    @property
    def trained_ratio(self) -> float | None:
        return self.trained / self.target if self.target else None

    @property
    def target_met(self) -> bool | None:
        return self.trained >= self.target if self.target is not None else None

    def as_dict(self) -> dict:
        return {"community": self.id, "name": self.name, "area": self.community.get("area"),
                "assessment": self.assessment.get("id") if self.assessment else None, "status": self.status,
                "score": self.score, "gates_met": self.gates_met, "qualified": self.qualified,
                "open_gaps": self.open_gaps, "unanswered": self.unanswered, "trained_first_responders": self.trained,
                "first_responder_target": self.target, "target_met": self.target_met}


def readiness(store: GraphStore, actor: Actor | None = None, *, standard_id: str = DEFAULT_STANDARD,
              now: datetime | None = None) -> list[ReadinessRow]:
    """One row per community ``actor`` may see (every community when None), by community id."""
    communities = list_communities(store, actor)
    if not communities:
        return []
    scope = None if actor is None or actor.is_admin else [c["id"] for c in communities]
    latest: dict[str, dict] = {}
    for row in store.run_read("readiness_assessments", standard=standard_id, communities=scope):
        current = latest.get(row["community"])
        if current is None or (row["created_at"] or "", row["id"]) > (current["created_at"] or "", current["id"]):
            latest[row["community"]] = row
    trained = {row["community"]: int(row["trained"]) for row in store.run_read(
        "readiness_trained", now=_training_now(now), kinds=list(TRAINED_COURSE_KINDS), communities=scope)}
    rows = []
    for c in communities:
        target = c.get("first_responder_target")
        rows.append(ReadinessRow(c, latest.get(c["id"]), trained.get(c["id"], 0),
                                 int(target) if target is not None else None))
    return rows


__all__ = ["TRAINED_COURSE_KINDS", "ReadinessRow", "readiness"]
