"""Who may see what: one policy for every reader of the graph.

Graph browsing, node pages and neighbourhood views, search hits and their graph context, the
"ask about a situation" answer, similar lessons, the JSON API, community pages and the
self-assessment pages all ask this module.  Each label has a ``Rule`` in ``LABEL_RULES``; a
label without one is hidden from everybody (a test fails when a schema label has no rule, so a
new label is hidden until it is named here).

A rule says which roles may see the label's records (admins always, except for ``PRIVATE``
labels, which no graph reader shows to anybody: accounts, sessions, tokens, the audit log and a
trainee's own records are shown only by their own pages) and whether records are limited to the
viewer's communities (``scope="community"``: a community user sees their own community's records,
a reviewer those of communities in their area, an admin all).

``Access(store, viewer)`` answers for one viewer and caches what it looked up (areas) for the
life of a request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.errors import N_, NotAllowed, NotFound
from kg.store import GraphStore
from kg.store.base import ID_RE

SIGNED_IN = frozenset({"*"})  # any signed-in user
STAFF = frozenset({"reviewer", "instructor", "admin"})


@dataclass(frozen=True)
class Rule:
    """``roles``: who may see the label's records (``SIGNED_IN`` for everybody signed in, an
    empty set for nobody); ``scope``: ``None`` (every record) or ``"community"`` (records of the
    viewer's communities only); ``private``: never shown by a graph reader, not even to admins."""

    roles: frozenset[str]
    scope: str | None = None
    private: bool = False

    def admits(self, roles: frozenset[str]) -> bool:
        if self.private:
            return False
        if "*" in self.roles or "admin" in roles:
            return True
        return bool(self.roles & roles)


PRIVATE = Rule(frozenset(), private=True)
KNOWLEDGE = Rule(SIGNED_IN)

LABEL_RULES: dict[str, Rule] = {
    # curated knowledge: every signed-in user
    **dict.fromkeys(("Source", "Phase", "Hazard", "Organization", "Duty", "Plan", "Facility", "Incident", "LessonLearned", "Standard", "Criterion", "Course", "Module", "Unit", "Objective"), KNOWLEDGE),
    # quiz keys: instructors and admins only (reviewers assess communities, not trainees)
    "Question": Rule(frozenset({"instructor"})),
    "Quiz": Rule(STAFF),
    # actions on lessons: the staff who follow them up
    "CorrectiveAction": Rule(frozenset({"reviewer"})),
    # a community: its own users, the reviewers of its area, admins
    "Community": Rule(frozenset({"community", "reviewer"}), scope="community"),
    # self-assessment records: admins in the graph readers; the self-assessment pages apply the
    # finer rule (can_view_assessment: own community, or submitted ones in a reviewer's area)
    "Assessment": Rule(frozenset({"admin"})),
    "Answer": Rule(frozenset({"admin"})),
    "Evidence": Rule(frozenset({"admin"})),
    "Review": Rule(frozenset({"admin"})),
    "GapAction": Rule(frozenset({"admin"})),  # tracked gap-plan actions: shown on the assessment pages
    # the community workspace (kg.community): the records of the viewer's communities; the
    # workspace pages apply finer rules (kg.community.access)
    **{label: Rule(frozenset({"community", "reviewer"}), scope="community") for label in (
        "CommunityGrid", "CommunityPerson", "HazardCase", "RiskAssessment", "Shelter", "SupplyItem", "SupplyMinimum",
        "ResponseTeam", "BaseMap", "MapFeature")},
    # vulnerable residents (personal information: only the community's editors and the paired
    # helpers, on the workspace pages) and a case's log (names who did what): no graph reader
    "VulnerableResident": PRIVATE,
    "CaseEvent": PRIVATE,
    # a community's plan, drills and surveys (kg/plans, kg/drills, kg/survey): its own users and
    # the reviewers of its area
    **{label: Rule(frozenset({"community", "reviewer"}), scope="community") for label in (
        "CommunityPlan", "PlanVersion", "Drill", "AfterActionReview", "DrillFinding", "Survey")},
    # anonymous survey answer sheets: the survey pages show only their counts; admins in graph readers
    "SurveyResponse": Rule(frozenset({"admin"})),
    # personal data and secrets: never shown by a graph reader
    **dict.fromkeys(("User", "LoginSession", "ApiToken", "RateCounter", "AuditEvent", "Attempt", "QuizAnswer",
                     "Certificate", "SkillSignoff", "SetupToken"), PRIVATE),
}

#: Properties never shown by a graph reader (secrets, search internals).
HIDDEN_PROPERTIES = frozenset({"password_hash", "api_token_hashes", "auth_version", "secret_hash", "embedding",
                               "search_text", "search_terms", "search_hash", "search_model", "embedding_model",
                               "search_vector",
                               # community records: the accounts of the people behind them
                               "account", "reported_by", "assessed_by", "fixed_by", "verified_by", "assignee_account",
                               "escalated_by", "last_event"})


#: Properties that name an account (``user.<name>``: who wrote, opened, reviewed or signed a
#: record).  Accounts are private, so no graph reader shows them; each area's own pages show who
#: did what to the people allowed to know.
ACCOUNT_PROPERTIES = frozenset({"created_by", "updated_by", "modified_by", "opened_by", "closed_by", "in_force_by",
                                "reviewed_by", "submitted_by", "signed_off_by", "street_signed_off_by",
                                "county_signed_off_by", "reviewer", "assessor", "actor", "user"})


def community_scoped(label: str | None) -> bool:
    """Whether a label's records are seen per community (the community workspace, plans, drills)."""
    rule = rule_for(label)
    return rule is not None and rule.scope == "community"


def rule_for(label: str | None) -> Rule | None:
    return LABEL_RULES.get(label or "")


# --- the viewer ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Viewer:
    """Who is looking: account id (None when signed out), roles, community and organization."""

    id: str | None = None
    roles: frozenset[str] = frozenset()
    community: str | None = None
    organization: str | None = None

    @classmethod
    def of(cls, user: Any) -> Viewer:
        """From a web ``CurrentUser``, an ``Account``, an assessments ``Actor`` or None."""
        if user is None or not getattr(user, "is_authenticated", True) or not getattr(user, "id", None):
            return cls()
        account = getattr(user, "account", None) or user
        return cls(id=str(getattr(user, "id", None) or getattr(account, "id", "")),
                   roles=frozenset(getattr(user, "roles", None) or getattr(account, "roles", ()) or ()),
                   community=getattr(account, "community", None) or getattr(user, "community_id", None),
                   organization=getattr(account, "organization", None))

    @property
    def signed_in(self) -> bool:
        return self.id is not None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_reviewer(self) -> bool:
        return "reviewer" in self.roles

    def member_of(self, community_id: str | None) -> bool:
        return "community" in self.roles and bool(community_id) and self.community == community_id


ANONYMOUS = Viewer()


# --- the policy for one viewer ---------------------------------------------------------------------
@dataclass
class Access:
    store: GraphStore
    viewer: Viewer
    _areas: frozenset[str] | None = field(default=None, init=False)
    _areas_known: bool = field(default=False, init=False)
    _communities: dict[str, str | None] = field(default_factory=dict, init=False)

    # labels ----------------------------------------------------------------------------------
    @property
    def labels(self) -> frozenset[str]:
        """Labels of which this viewer may see at least some records (empty when signed out)."""
        if not self.viewer.signed_in:
            return frozenset()
        return frozenset(label for label in self.store.schema.labels
                         if (r := rule_for(label)) is not None and r.admits(self.viewer.roles))

    @property
    def whole_labels(self) -> frozenset[str]:
        """Labels of which this viewer may see every record."""
        return frozenset(label for label in self.labels
                         if rule_for(label).scope is None or self.viewer.is_admin)  # type: ignore[union-attr]

    def may_see_label(self, label: str | None) -> bool:
        rule = rule_for(label)
        return self.viewer.signed_in and rule is not None and rule.admits(self.viewer.roles)

    # areas and communities ---------------------------------------------------------------------
    def reviewer_areas(self) -> frozenset[str] | None:
        """The organizations a reviewer covers (their own and those PART_OF it); None means
        every area (admins); a reviewer whose account names no organization covers none."""
        if self.viewer.is_admin:
            return None
        if not self._areas_known:
            areas: set[str] = set()
            if self.viewer.is_reviewer and self.viewer.organization:
                areas.add(self.viewer.organization)
                for row in self.store.run_read("assessment_area_orgs", org=self.viewer.organization):
                    areas.update(p for p in row["parts"] if p)
            self._areas, self._areas_known = frozenset(areas), True
        return self._areas

    def _community_area(self, community_id: str) -> str | None:
        if community_id not in self._communities:
            node = self.store.get_node(community_id) if ID_RE.match(community_id) else None
            self._communities[community_id] = (node["properties"].get("area")
                                               if node and node["label"] == "Community" else None)
        return self._communities[community_id]

    def can_reach_community(self, community_id: str | None, area: str | None = ...) -> bool:  # type: ignore[assignment]
        """Community pages and community-scoped records: admins every community, a community
        user their own, a reviewer those whose area (street/town office) they cover."""
        if not community_id or not self.viewer.signed_in:
            return False
        if self.viewer.is_admin or self.viewer.member_of(community_id):
            return True
        if self.viewer.is_reviewer:
            areas = self.reviewer_areas()
            if areas is None:
                return True
            found = self._community_area(community_id) if area is ... else area
            return found in areas
        return False

    def communities(self) -> frozenset[str] | None:
        """Ids of the communities this viewer reaches (None: all)."""
        if self.viewer.is_admin:
            return None
        out: set[str] = set()
        if "community" in self.viewer.roles and self.viewer.community:
            out.add(self.viewer.community)
        if self.viewer.is_reviewer:
            areas = self.reviewer_areas()
            for row in self.store.run_read("assessment_communities", areas=sorted(areas or ())):
                out.add(row["id"])
        return frozenset(out)

    # assessments --------------------------------------------------------------------------------
    def can_view_assessment(self, community_id: str, status: str, area: str | None = ...) -> bool:  # type: ignore[assignment]
        """An assessment: admins; the community's own users; reviewers of its area once it is
        no longer a draft."""
        if self.viewer.is_admin or self.viewer.member_of(community_id):
            return True
        if self.viewer.is_reviewer and status != "draft":
            return self.can_reach_community(community_id, area)
        return False

    def can_review_assessment(self, community_id: str, area: str | None = ...) -> bool:  # type: ignore[assignment]
        if self.viewer.is_admin:
            return True
        if not self.viewer.is_reviewer or self.viewer.member_of(community_id):
            return False  # nobody reviews their own community
        return self.can_reach_community(community_id, area)

    # records --------------------------------------------------------------------------------------
    def _record_community(self, node: Mapping) -> str | None:
        if node.get("label") == "Community":
            return node.get("id")
        return (node.get("properties") or {}).get("community")

    def can_see(self, node: Mapping | None) -> bool:
        """Whether this viewer may see this node (``{"id", "label", "properties"}``)."""
        if not node or not self.may_see_label(node.get("label")):
            return False
        rule = rule_for(node.get("label"))
        if rule is not None and rule.scope == "community" and not self.viewer.is_admin:
            return self.can_reach_community(self._record_community(node))
        return True

    def search_scope(self, labels: Iterable[str]) -> tuple[list[str], dict[str, set[str]]]:
        """Of the searchable ``labels``: those this viewer may search (in their order), and for
        the community-scoped ones among them that it does not see whole, the ids of the records it
        may see — a search ranks only those, so another community's records are never ranked."""
        whole = self.whole_labels
        out: list[str] = []
        scoped: dict[str, set[str]] = {}
        communities: frozenset[str] | None = None
        for label in labels:
            if label in whole:
                out.append(label)
            elif self.may_see_label(label) and community_scoped(label):
                if communities is None:
                    communities = self.communities() or frozenset()
                scoped[label] = {r["id"] for r in self.store.run_read_for(
                    "access_community_record_ids", label, communities=sorted(communities))}
                out.append(label)
        return out, scoped

    def visible(self, nodes: Iterable[Mapping]) -> list:
        return [n for n in nodes if self.can_see(n)]

    def visible_ids(self, ids: Iterable[str]) -> set[str]:
        """The ids (of any label) this viewer may see; looks labels (and, for community-scoped
        labels, the records) up in the store."""
        ids = [i for i in dict.fromkeys(ids) if isinstance(i, str) and ID_RE.match(i)]
        labels = self.store.labels_of(ids)
        out, scoped = set(), []
        for node_id, label in labels.items():
            if not self.may_see_label(label):
                continue
            rule = rule_for(label)
            if rule is not None and rule.scope == "community" and not self.viewer.is_admin:
                scoped.append(node_id)
            else:
                out.add(node_id)
        if scoped:
            out.update(i for i, n in self.store.get_nodes(scoped).items() if self.can_see(n))
        return out

    def get(self, node_id: str) -> dict | None:
        """The node, or None when it does not exist or this viewer may not see it."""
        if not isinstance(node_id, str) or not ID_RE.match(node_id):
            return None
        node = self.store.get_node(node_id)
        return node if self.can_see(node) else None

    @staticmethod
    def public_properties(properties: Mapping) -> dict:
        return {k: v for k, v in properties.items() if k not in HIDDEN_PROPERTIES and k not in ACCOUNT_PROPERTIES}

    # nested answers (search context, the situation answer) ---------------------------------------
    def prune(self, value: Any) -> Any:
        """``value`` with every entry that names a node (a mapping with an ``id``) this viewer
        may not see removed, at any depth (lists and mappings of search context)."""
        ids: set[str] = set()
        _collect_ids(value, ids)
        allowed = self.visible_ids(ids) if ids else set()
        return _prune(value, allowed)


def _collect_ids(value: Any, out: set[str]) -> None:
    if isinstance(value, Mapping):
        node_id = value.get("id")
        if isinstance(node_id, str):
            out.add(node_id)
        for v in value.values():
            _collect_ids(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _collect_ids(v, out)


def _hidden(value: Any, allowed: set[str]) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("id"), str) and value["id"] not in allowed


def _prune(value: Any, allowed: set[str]) -> Any:
    if isinstance(value, Mapping):
        return {k: (None if _hidden(v, allowed) else _prune(v, allowed)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_prune(v, allowed) for v in value if not _hidden(v, allowed)]
    return value


def require_community_reader(store: GraphStore, viewer: Viewer, community_id: str) -> None:
    """Refuse a viewer who may not reach this community's records (the plan, drill and survey
    services' one check)."""
    if not Access(store, viewer).can_reach_community(community_id):
        raise NotAllowed(N_("没有这个社区，或你无权查看"))


def community_record(store: GraphStore, community_id: str) -> dict:
    """The Community node's properties with its id; NotFound for any other id."""
    node = store.get_node(community_id) if isinstance(community_id, str) and ID_RE.match(community_id) else None
    if node is None or node["label"] != "Community":
        raise NotFound(N_("没有社区 %(id)s"), id=str(community_id)[:80])
    return dict(node["properties"], id=node["id"])


def access_for(store: GraphStore, user: Any) -> Access:
    return Access(store, Viewer.of(user))


__all__ = [
    "ACCOUNT_PROPERTIES",
    "ANONYMOUS",
    "HIDDEN_PROPERTIES",
    "KNOWLEDGE",
    "LABEL_RULES",
    "PRIVATE",
    "Access",
    "Rule",
    "Viewer",
    "access_for",
    "community_scoped",
    "rule_for",
]
