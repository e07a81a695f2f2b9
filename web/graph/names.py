"""Human names for labels and relationship types (Simplified Chinese msgids, English in the
catalogue).  A type without a name here is shown by its code."""

from __future__ import annotations

from web.i18n import _l

LABEL_NAMES = {
    "Source": _l("来源文件"), "Phase": _l("工作阶段"), "Hazard": _l("灾害风险"), "Organization": _l("组织与角色"),
    "Duty": _l("职责"), "Plan": _l("应急预案"), "Facility": _l("设施与资源"), "Incident": _l("事件"),
    "LessonLearned": _l("经验教训"), "Course": _l("课程"), "Module": _l("模块"), "Unit": _l("单元"),
    "Objective": _l("学习目标"), "Question": _l("试题"), "Quiz": _l("测验"), "Standard": _l("评估标准"),
    "Criterion": _l("评估条目"), "Community": _l("社区"), "Assessment": _l("自评"), "Evidence": _l("佐证材料"),
    "Review": _l("审核意见"),
}

#: (outgoing, incoming) phrasing for each relationship type.
REL_NAMES = {
    "CITES": (_l("引用来源"), _l("被引用于")),
    "SUBTYPE_OF": (_l("属于类别"), _l("包含子类")),
    "TRIGGERS": (_l("可能引发"), _l("可能由此引发")),
    "PART_OF": (_l("隶属于"), _l("下设")),
    "COORDINATES": (_l("协调指挥"), _l("受其协调")),
    "HAS_DUTY": (_l("承担职责"), _l("承担者")),
    "IN_PHASE": (_l("所属阶段"), _l("本阶段内容")),
    "ADDRESSES": (_l("应对风险"), _l("应对职责")),
    "USES": (_l("使用设施"), _l("被职责使用")),
    "COVERS": (_l("覆盖风险"), _l("相关预案")),
    "ASSIGNS": (_l("分配职责"), _l("由预案分配")),
    "RELIES_ON": (_l("依托设施"), _l("被预案依托")),
    "SPECIALIZES": (_l("细化预案"), _l("专项预案")),
    "MITIGATES": (_l("减轻风险"), _l("可减轻本风险的设施")),
    "OPERATES": (_l("运营设施"), _l("运营方")),
    "INVOLVED": (_l("涉及风险"), _l("相关事件")),
    "FROM_INCIDENT": (_l("来自事件"), _l("经验教训")),
    "ABOUT": (_l("涉及"), _l("相关经验教训")),
    "CONCERNS": (_l("涉及组织"), _l("相关经验教训")),
    "RECOMMENDS_ACTION_BY": (_l("建议由其落实"), _l("需落实的建议")),
    "HAS_MODULE": (_l("包含模块"), _l("所属课程")),
    "HAS_UNIT": (_l("包含单元"), _l("所属模块")),
    "HAS_OBJECTIVE": (_l("学习目标"), _l("所属模块")),
    "TEACHES": (_l("讲授"), _l("相关培训")),
    "ILLUSTRATED_BY": (_l("案例"), _l("用作案例")),
    "TESTS": (_l("考查"), _l("相关试题")),
    "REQUIRES": (_l("要求"), _l("相关评估条目")),
    "SATISFIED_BY": (_l("可由培训满足"), _l("可满足的评估条目")),
    "PART_OF_STANDARD": (_l("所属标准"), _l("包含条目")),
    "MAPS_TO": (_l("对应条目"), _l("对应条目")),
    "LOCATED_IN": (_l("位于"), _l("辖区社区")),
}


def label_name(label: str | None) -> str:
    return str(LABEL_NAMES.get(label, label or ""))


def rel_name(rel_type: str, direction: str = "out") -> str:
    names = REL_NAMES.get(rel_type)
    if not names:
        return rel_type
    return str(names[0] if direction == "out" else names[1])
