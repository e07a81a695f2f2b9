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
from typing import Annotated, Literal, Union

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
    links: list[Link] = Field(default_factory=list)

    @model_validator(mode="after")
    def _locatable(self):
        if not self.url and not self.identifier:
            raise ValueError("a source needs a url or an identifier (document number, DOI …)")
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
    date: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
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


LABEL_MODELS: dict[str, type[BaseModel]] = {
    "Source": SourceItem,
    "Phase": PhaseItem,
    "Hazard": HazardItem,
    "Organization": OrganizationItem,
    "Duty": DutyItem,
    "Plan": PlanItem,
    "Facility": FacilityItem,
    "Incident": IncidentItem,
    "LessonLearned": LessonItem,
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


ItemModel = Union[tuple(LABEL_MODELS.values())]  # noqa: UP007 (for type hints)
