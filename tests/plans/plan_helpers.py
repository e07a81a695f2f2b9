"""Shared steps: a plan drafted for eight hazards and filled in until the plan check passes."""

from __future__ import annotations

from kg.plans import service as ps
from kg.plans.document import Contact, Place

EIGHT_HAZARDS = ["hazard.rainstorm", "hazard.urban-waterlogging", "hazard.residential-fire", "hazard.gas-leak",
                 "hazard.earthquake", "hazard.landslide", "hazard.typhoon", "hazard.elevator-accident"]
ELEVATOR_ACTIVATION = "电梯发生困人或者故障伤人时，使用单位立即启动本单位电梯事故应急措施，社区协调指挥组同时启动本预案的相应措施。"


def complete_edits(doc) -> dict:
    """Everything the plan check asks for."""
    return {
        "paragraphs": {"activation.hazard.hazard.elevator-accident": ELEVATOR_ACTIVATION},
        "groups": {g.key: {"leader": f"{g.name[:2]}组长", "members": [f"{g.name[:2]}成员甲", f"{g.name[:2]}成员乙"]}
                   for g in doc.groups},
        "channels": ["社区应急广播喇叭", "网格员逐户叫应", "居民微信群"],
        "places": [Place("shelter", "社区文化广场", "幸福路 8 号", 600, "王管理"),
                   Place("route", "北门疏散路线", "各楼栋经北门至文化广场"),
                   Place("medical", "社区卫生服务站", "幸福路 10 号"),
                   Place("command", "社区党群服务中心一楼", "幸福路 6 号")],
        "supplies": ["折叠床 50 张", "应急照明灯 20 盏", "饮用水 200 箱"],
        "contacts": [Contact("应急值班电话", "社区值班室", "010-12345678")],
    }


def complete_plan(store, editor, now, community="community.a"):
    v1 = ps.start_plan(store, editor, community, EIGHT_HAZARDS, now=now)
    return ps.save_edits(store, editor, community, complete_edits(v1.document), base=v1.meta.number,
                         note="补全工作组人员、预警渠道、场所、物资和联系人", now=now)
