"""The seven work groups of a community plan and the duties each carries out
(``kg/plans/data/work_groups.yaml``)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field

from kg.content.models import Citation, NodeId, ShortText, Text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GroupDef(_Strict):
    key: str = Field(pattern=r"^[a-z]+$")
    name: ShortText
    name_en: ShortText
    description: Text
    duties: tuple[NodeId, ...]


class Outside(_Strict):
    duty: NodeId
    reason: ShortText


class Holders(_Strict):
    levels: tuple[str, ...]
    organizations: tuple[NodeId, ...] = ()


class WorkGroups(_Strict):
    source: Citation
    basis: Text
    holders: Holders
    groups: tuple[GroupDef, ...] = Field(min_length=7, max_length=7)
    outside_groups: tuple[Outside, ...] = ()

    def group_of(self) -> dict[str, list[str]]:
        """Duty id -> the keys of the groups that carry it out."""
        out: dict[str, list[str]] = {}
        for g in self.groups:
            for d in g.duties:
                out.setdefault(d, []).append(g.key)
        return out

    def outside(self) -> dict[str, str]:
        return {o.duty: o.reason for o in self.outside_groups}


@lru_cache(maxsize=1)
def work_groups() -> WorkGroups:
    text = resources.files("kg.plans").joinpath("data/work_groups.yaml").read_text(encoding="utf-8")
    return WorkGroups.model_validate(yaml.safe_load(text))


__all__ = ["GroupDef", "WorkGroups", "work_groups"]
