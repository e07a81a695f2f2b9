"""Who may do what in a community's workspace — the finer rules the workspace pages apply on
top of ``kg.access`` (which scopes every community record to the viewer's communities, and hides
vulnerable residents and the case log from every graph reader).

* **editors** of a community: users with the ``community`` role whose account names that
  community.  They keep every register, see the vulnerable-residents list and export it.
* **viewers**: whoever the access policy lets reach the community (its users, the reviewers of
  its street/town, admins) see the workspace, the ledger and the registers — never residents.
* **helpers**: a person paired with residents (``CommunityPerson.account`` = their user id) sees
  those residents only, whatever their role.
* **assignees**: the account a case is assigned to (e.g. the property company's staff) sees that
  case and records its remediation.
* **verifiers**: editors, the reviewers of the area and admins — never the person who recorded
  the remediation.

Admins reach every community's workspace and may act on cases, but do not see vulnerable
residents: the list is the community's own (Personal Information Protection Law: the fewest
people who need it).
"""

from __future__ import annotations

from collections.abc import Mapping

from kg.access import Access, Viewer
from kg.store import GraphStore


def access(store: GraphStore, viewer: Viewer) -> Access:
    return Access(store, viewer)


def is_editor(viewer: Viewer, community_id: str) -> bool:
    return viewer.member_of(community_id)


def can_view(acc: Access, community_id: str) -> bool:
    return acc.can_reach_community(community_id)


def can_manage(acc: Access, community_id: str) -> bool:
    """Keep the community's registers (not residents): editors and admins."""
    return acc.viewer.is_admin or is_editor(acc.viewer, community_id)


def can_see_case(acc: Access, case: Mapping) -> bool:
    props = case.get("properties", case)
    return acc.can_reach_community(props.get("community")) or (
        acc.viewer.signed_in and props.get("assignee_account") == acc.viewer.id)


def can_act(acc: Access, case: Mapping, action: str) -> bool:
    """Whether this viewer may take ``action`` on the case (state aside)."""
    props = case.get("properties", case)
    community = props.get("community")
    viewer = acc.viewer
    if not viewer.signed_in:
        return False
    if action == "remediate":
        return can_manage(acc, community) or props.get("assignee_account") == viewer.id
    if action in ("verify", "reject"):
        if props.get("fixed_by") == viewer.id:
            return False
        return can_manage(acc, community) or (viewer.is_reviewer and acc.can_reach_community(community))
    if action in ("assess", "escalate", "reopen"):
        return can_manage(acc, community) or (viewer.is_reviewer and acc.can_reach_community(community))
    if action == "report":
        return can_manage(acc, community)
    return False


def residents_scope(store: GraphStore, viewer: Viewer, community_id: str) -> str | None:
    """``"all"`` (the community's editors), ``"paired"`` (a helper: only their residents) or
    None (nobody else, admins included)."""
    if not viewer.signed_in:
        return None
    if is_editor(viewer, community_id):
        return "all"
    rows = store.run_read("community_helper_people", community=community_id, account=viewer.id)
    return "paired" if rows else None


def helper_people(store: GraphStore, viewer: Viewer, community_id: str) -> list[str]:
    """The CommunityPerson ids that are this viewer in this community."""
    if not viewer.signed_in:
        return []
    return [r["id"] for r in store.run_read("community_helper_people", community=community_id, account=viewer.id)]


__all__ = ["can_act", "can_manage", "can_see_case", "can_view", "helper_people", "is_editor", "residents_scope"]
