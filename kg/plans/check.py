"""The plan check: what the standard requires of a community comprehensive plan and this plan
lacks.

The requirements are the 2020 checklist's 3.1–3.4 (assessments/data/criteria-2020.yaml) and the
earlier standard's list of what a plan contains (start-up criteria; the seven work groups;
warning channels; shelters, evacuation routes, medical facilities and the command post):

| code | criterion | the plan lacks |
| --- | --- | --- |
| no_hazards | 3.1 | any hazard |
| no_activation | 3.1 | activation criteria for a hazard it names |
| group_no_leader / group_no_members | 3.2 | a leader / members for a work group |
| no_channels | 3.3 | a warning channel |
| no_shelter / shelter_no_manager / shelter_no_capacity | 3.4, 7.1 | a shelter / its manager / its capacity |
| no_route / no_medical / no_command | 3.4 | an evacuation route / a medical point / the command post |
| no_vulnerable_procedure | 2.2 | the procedure for vulnerable residents |
| no_supplies | 8.1 | supplies |
| no_contacts | 3.2 | a contact with a phone number |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.errors import N_, Message
from kg.plans.document import Document

#: The criteria of the 2020 checklist each finding bears on.
CRITERIA = {"3.1": "crit.dc2020.3-1", "3.2": "crit.dc2020.3-2", "3.3": "crit.dc2020.3-3", "3.4": "crit.dc2020.3-4"}


@dataclass(frozen=True)
class Finding:
    code: str
    criterion: str  # number in the 2020 checklist
    message: Message
    section: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "criterion": self.criterion, "section": self.section, "message": str(self.message)}


def _f(code: str, criterion: str, section: str, message: str, **params: Any) -> Finding:
    return Finding(code, criterion, Message(message, **params), section, params)


def check(doc: Document) -> list[Finding]:
    out: list[Finding] = []
    if not doc.hazards:
        out.append(_f("no_hazards", "3.1", "general", N_("预案没有列出本社区面临的灾害")))
    for h in doc.hazards:
        p = doc.paragraph(f"activation.hazard.{h['id']}")
        if p is None or not p.text.strip():
            out.append(_f("no_activation", "3.1", "activation", N_("预案列出了%(hazard)s，但没有写明它的启动条件"),
                          hazard=h["name"]))
    for g in doc.groups:
        if not g.leader.strip():
            out.append(_f("group_no_leader", "3.2", "groups", N_("%(group)s没有组长"), group=g.name))
        if not [m for m in g.members if m.strip()]:
            out.append(_f("group_no_members", "3.2", "groups", N_("%(group)s没有成员"), group=g.name))
    if not [c for c in doc.channels if c.strip()]:
        out.append(_f("no_channels", "3.3", "warning", N_("预案没有写明预警信息发布渠道")))
    shelters = [p for p in doc.places if p.kind == "shelter"]
    if not shelters:
        out.append(_f("no_shelter", "3.4", "places", N_("预案没有列出避难场所")))
    for s in shelters:
        if not (s.manager or "").strip():
            out.append(_f("shelter_no_manager", "3.4", "places", N_("避难场所“%(name)s”没有管理人"), name=s.name))
        if not s.capacity:
            out.append(_f("shelter_no_capacity", "3.4", "places", N_("避难场所“%(name)s”没有写明可安置人数"), name=s.name))
    for kind, code, message in (("route", "no_route", N_("预案没有列出疏散路线")),
                                ("medical", "no_medical", N_("预案没有列出医疗救护点")),
                                ("command", "no_command", N_("预案没有写明应急指挥场所"))):
        if not any(p.kind == kind for p in doc.places):
            out.append(_f(code, "3.4", "places", message))
    procedure = doc.paragraph("vulnerable.procedure")
    if procedure is None or not procedure.text.strip():
        out.append(_f("no_vulnerable_procedure", "3.1", "vulnerable", N_("预案没有写明脆弱人群转移帮扶的办法")))
    if not [s for s in doc.supplies if s.strip()]:
        out.append(_f("no_supplies", "3.1", "supplies", N_("预案没有列出应急物资")))
    if not [c for c in doc.contacts if c.phone.strip()]:
        out.append(_f("no_contacts", "3.2", "contacts", N_("预案没有带电话的应急联系人")))
    return out


def passes(doc: Document) -> bool:
    return not check(doc)


def by_criterion(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {number: [] for number in CRITERIA}
    for f in findings:
        out.setdefault(f.criterion, []).append(f)
    return out


__all__ = ["CRITERIA", "Finding", "by_criterion", "check", "passes"]
