"""The content schema: one pydantic model per label, and the file format.

A content file is YAML:

    label: Hazard            # one label per file
    items:
      - id: hazard.rainstorm            # globally unique, lowercase, dotted
        name: 暴雨                       # Chinese name (LessonLearned: the one-issue title)
        name_en: Rainstorm
        sources:                        # citations: a Source id, or {id, locator}
          - {id: src.some-law, locator: 第十条}
        links:                          # relationships, outgoing (`to`) or incoming (`from`)
          - {type: TRIGGERS, to: hazard.waterlogging, source: {id: src.x, locator: 第2节}}
        ...label-specific fields...

A link without its own `source` carries the item's first citation.  Where no source gives a
fact, leave the fact out and say so in `source_gap`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*$"
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
CJK_RE = re.compile(r"[\u3400-\u9fff]")

NodeId = Annotated[str, Field(pattern=ID_PATTERN, max_length=120)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Citation(Strict):
    id: NodeId
    locator: ShortText | None = None


def _citation(value):
    return {"id": value} if isinstance(value, str) else value


class Link(Strict):
    type: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$")]
    to: NodeId | None = None
    from_: NodeId | None = Field(default=None, alias="from")
    source: Citation | None = None
    note: ShortText | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    @field_validator("source", mode="before")
    @classmethod
    def _src(cls, v):
        return _citation(v) if v is not None else v

    @model_validator(mode="after")
    def _one_end(self):
        if (self.to is None) == (self.from_ is None):
            raise ValueError("a link names exactly one of `to` or `from`")
        return self


class Item(Strict):
    """Fields every curated node has."""

    id: NodeId
    name: ShortText
    name_en: ShortText | None = None
    description: Text | None = None
    sources: list[Citation] = Field(min_length=1)
    links: list[Link] = Field(default_factory=list)
    source_gap: Text | None = None

    @field_validator("sources", mode="before")
    @classmethod
    def _sources(cls, v):
        if isinstance(v, (str, dict)):
            v = [v]
        return [_citation(x) for x in v] if isinstance(v, list) else v

    @field_validator("name")
    @classmethod
    def _chinese_name(cls, v):
        if not CJK_RE.search(v):
            raise ValueError("the name must be written in Chinese")
        return v

    def properties(self) -> dict:
        """The node's stored properties (everything but id, citations and links)."""
        data = self.model_dump(exclude={"id", "sources", "links"}, exclude_none=True)
        return {k: v for k, v in data.items() if v not in ([], {})}


class SourceItem(Strict):
    """A cited document.  A Source needs no citation of its own."""

    id: NodeId
    name: ShortText  # the document's title, as published
    name_en: ShortText | None = None
    issuer: ShortText
    date: Annotated[str, Field(pattern=DATE_PATTERN)] | None = None
    kind: Literal["law", "regulation", "standard", "policy", "plan", "report", "article", "guide", "dataset", "web"]
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    identifier: ShortText | None = None  # document number, DOI, standard number
    note: Text | None = None
    # The url is a copy of the document on a site that did not publish it (a reposting site,
    # a document-sharing site): kept because no copy from the publisher was found.
    mirror: bool = False
    links: list[Link] = Field(default_factory=list)

    @model_validator(mode="after")
    def _locatable(self):
        if not self.url and not self.identifier:
            raise ValueError("a source needs a url or an identifier (document number, DOI …)")
        if self.mirror and not self.url:
            raise ValueError("`mirror: true` describes a url: a source without a url is not a mirror")
        return self

    def properties(self) -> dict:
        return self.model_dump(exclude={"id", "links"}, exclude_none=True)


class PhaseItem(Item):
    name_en: ShortText
    order: Annotated[int, Field(ge=1, le=9)]
    covers: list[ShortText] = Field(default_factory=list)


class HazardItem(Item):
    name_en: ShortText
    category: Literal["natural", "accident", "public_health", "public_order"]
    level: Literal["family", "hazard"] = "hazard"
    warning_signs: list[ShortText] = Field(default_factory=list)
    seasonality: ShortText | None = None


class OrganizationItem(Item):
    name_en: ShortText
    kind: Literal["body", "office", "role", "team", "enterprise", "department", "social", "facility_team"]
    level: Literal["national", "province", "city", "county", "town", "community", "grid", "other"]


class DutyItem(Item):
    deadline: ShortText | None = None  # only where a source sets one


class PlanItem(Item):
    name_en: ShortText
    kind: Literal["comprehensive", "special"]
    activation_criteria: list[ShortText] = Field(min_length=1)
    task_groups: list[ShortText] = Field(default_factory=list)


class FacilityItem(Item):
    name_en: ShortText
    requirements: list[ShortText] = Field(default_factory=list)


class IncidentItem(Item):
    # As precise as the source allows: YYYY-MM-DD, or YYYY-MM / YYYY when the source gives no day.
    date: Annotated[str, Field(pattern=DATE_PATTERN)]
    place: ShortText
    summary: Text
    deaths: Annotated[int, Field(ge=0)] | None = None
    missing: Annotated[int, Field(ge=0)] | None = None
    injured: Annotated[int, Field(ge=0)] | None = None
    direct_loss: ShortText | None = None  # as the report states it, with its unit
    report_date: Annotated[str, Field(pattern=DATE_PATTERN)] | None = None


class LessonItem(Item):
    observation: Text
    discussion: Text
    lesson: Text
    recommendation: Text

    @model_validator(mode="after")
    def _located(self):
        if not any(c.locator for c in self.sources):
            raise ValueError("a lesson cites its report with a locator (section, chapter or page)")
        return self


# --- training (curricula/data) ------------------------------------------------------------

FORBIDDEN_OPTIONS = ("以上都是", "以上都不是", "以上均是", "以上均不是", "以上皆是", "以上皆非",
                     "all of the above", "none of the above")


class CourseItem(Item):
    name_en: ShortText
    kind: Literal["core", "track", "refresher"]
    certificate_years: Annotated[int, Field(ge=1, le=10)] | None = None
    practical_skills: list[ShortText] = Field(default_factory=list)
    # The seed article's first-responder groups the course is written for, in its exact words
    # (kg.coverage.FIRST_RESPONDER_GROUPS; `cem course check` refuses any other wording).
    audience: list[ShortText] = Field(default_factory=list)


class ModuleItem(Item):
    name_en: ShortText
    order: Annotated[int, Field(ge=1, le=99)]


class UnitItem(Item):
    order: Annotated[int, Field(ge=1, le=99)]
    body: Annotated[str, Field(min_length=50, max_length=20000)]  # Markdown


class ObjectiveItem(Item):
    pass


class QuizItem(Item):
    kind: Literal["knowledge_check", "final", "refresher"]
    pass_mark: Annotated[float, Field(gt=0, le=1)]
    questions_per_objective: Annotated[int, Field(ge=1, le=10)] = 1
    time_limit_minutes: Annotated[int, Field(ge=1, le=480)] | None = None
    max_attempts: Annotated[int, Field(ge=1, le=100)] | None = None
    cooldown_minutes: Annotated[int, Field(ge=0, le=43200)] = 0


class QuestionItem(Item):
    """``name`` is the stem.  ``options`` are the texts in authoring order; ``answer`` lists the
    zero-based positions of the correct options."""

    name: Annotated[str, Field(min_length=4, max_length=600)]
    kind: Literal["single", "multiple", "true_false", "scenario"]
    scenario: Text | None = None
    options: list[ShortText]
    answer: list[Annotated[int, Field(ge=0, le=5)]] = Field(min_length=1)
    explanation: Text
    # Why the options may differ in length by more than 2x (numbers, names of grades …).
    length_ok_because: ShortText | None = None

    @model_validator(mode="after")
    def _item_rules(self):
        n, k = len(self.options), len(set(self.answer))
        if len(self.answer) != k or any(a >= n for a in self.answer):
            raise ValueError("answer: positions must be distinct and point at options")
        if self.kind in ("single", "scenario"):
            if n != 4 or k != 1:
                raise ValueError("a single-best-answer item has exactly one correct option and three distractors")
        elif self.kind == "multiple":
            if not 4 <= n <= 6 or k < 2:
                raise ValueError("a multiple-select item has 4 to 6 options and at least two correct")
        elif self.kind == "true_false":
            if self.options != ["正确", "错误"] or k != 1:
                raise ValueError("a true/false item has the options [正确, 错误] and one answer")
        if self.kind == "scenario" and not self.scenario:
            raise ValueError("a scenario item describes its situation in `scenario`")
        lowered = [o.casefold() for o in self.options]
        for bad in FORBIDDEN_OPTIONS:
            if any(bad in o for o in lowered):
                raise ValueError(f"options may not use {bad!r}")
        if len(set(lowered)) != n:
            raise ValueError("options must differ from each other")
        if self.kind != "true_false":
            lengths = [len(o) for o in self.options]
            if max(lengths) > 3 * max(min(lengths), 4):
                raise ValueError("options must be of similar length (the longest at most 3x the shortest)")
        return self


# --- assessment (assessments/data) ------------------------------------------------------------

class StandardItem(Item):
    name_en: ShortText
    issuer: ShortText
    year: Annotated[int, Field(ge=1990, le=2100)]
    total_points: Annotated[float, Field(gt=0)]
    pass_mark: Annotated[float, Field(ge=0)] | None = None
    scale: ShortText | None = None  # e.g. "0-3" for scorecards


class EvidenceRule(Strict):
    """How the community's own records can prove a criterion (``assessments.evidence_rules``):
    the rule's name, its parameters, and why those records prove it (our words)."""

    rule: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
    params: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], int | float | str | bool] = Field(
        default_factory=dict)
    basis: Text


class CriterionItem(Item):
    number: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$", max_length=20)]
    standard: NodeId
    element: ShortText  # the first-level indicator it belongs to, e.g. "1 组织管理"
    requirement: Text  # what is required, in our own words
    verification: Text  # how it is verified (documents, site visit, interviews)
    points: Annotated[float, Field(ge=0)]
    gate: bool = False
    scoring: Literal["binary", "graded", "numeric", "scale"] = "graded"
    target: float | None = None  # numeric criteria: the value that earns full points
    target_above: bool = False  # numeric: the value must exceed `target` ("more than"), not just reach it
    partial_points: Annotated[float, Field(gt=0)] | None = None  # graded: points for "partly met" (default: half)
    unit: ShortText | None = None
    recurrence_months: Annotated[int, Field(ge=1, le=60)] | None = None
    provenance: Literal["official-2020", "derived"]
    # The criterion's text could not be checked against the official text in force; the
    # addresses tried are listed in `sources_tried` and the gap is said in `source_gap`.
    unverified: bool = False
    sources_tried: list[ShortText] = Field(default_factory=list)
    # The rule that proposes this criterion's answer from the community's records, if any.
    evidence_rule: EvidenceRule | None = None

    def properties(self) -> dict:
        """Stored flat: ``evidence_rule`` (its name), ``evidence_params`` (JSON), ``evidence_basis``."""
        props = super().properties()
        rule = props.pop("evidence_rule", None)
        if rule:
            import json

            props["evidence_rule"] = rule["rule"]
            props["evidence_params"] = json.dumps(rule.get("params") or {}, ensure_ascii=False, sort_keys=True)
            props["evidence_basis"] = rule["basis"]
        return props

    @model_validator(mode="after")
    def _gate_rules(self):
        if self.unverified and (not self.sources_tried or not self.source_gap):
            raise ValueError("an unverified criterion lists the addresses tried (`sources_tried`) "
                             "and says what is missing (`source_gap`)")
        if self.sources_tried and not self.unverified:
            raise ValueError("`sources_tried` belongs to an unverified criterion (`unverified: true`)")
        if self.gate and self.points != 0:
            raise ValueError("a gate condition carries no points (it must hold, it is not scored)")
        if not self.gate and self.points <= 0:
            raise ValueError("a scored criterion has points > 0")
        if self.scoring == "numeric" and (self.target is None or self.target <= 0):
            raise ValueError("a numeric criterion sets its `target` (a number above 0)")
        if self.partial_points is not None and (self.scoring != "graded" or self.gate
                                                or self.partial_points >= self.points):
            raise ValueError("`partial_points` belongs to a scored graded criterion and is less than its points")
        return self


LABEL_MODELS: dict[str, type[Item] | type[SourceItem]] = {
    "Source": SourceItem,
    "Phase": PhaseItem,
    "Hazard": HazardItem,
    "Organization": OrganizationItem,
    "Duty": DutyItem,
    "Plan": PlanItem,
    "Facility": FacilityItem,
    "Incident": IncidentItem,
    "LessonLearned": LessonItem,
    "Course": CourseItem,
    "Module": ModuleItem,
    "Unit": UnitItem,
    "Objective": ObjectiveItem,
    "Quiz": QuizItem,
    "Question": QuestionItem,
    "Standard": StandardItem,
    "Criterion": CriterionItem,
}


class ContentFile(Strict):
    label: str
    items: list[dict] = Field(min_length=1)

    @field_validator("label")
    @classmethod
    def _known(cls, v):
        if v not in LABEL_MODELS:
            raise ValueError(f"unknown content label {v!r}; known: {', '.join(sorted(LABEL_MODELS))}")
        return v


#: Any content item: every label's model is an ``Item`` but a source's.
ItemModel = Item | SourceItem
