"""A drill and its review, as the journeys and tests write them."""

from __future__ import annotations

from datetime import date, timedelta

from kg.drills import drills as dr

OBJECTIVES = ["检验暴雨红色预警后 30 分钟内叫应到户", "检验低洼楼栋居民转移到文化广场", "检验避难场所开放和登记"]
IMPROVEMENT = {
    "title": "预警叫应没有覆盖到独居老人",
    "observation": "红色预警发布后 30 分钟内，3 号楼和 5 号楼共 6 户独居老人没有接到网格员的电话或上门通知，"
                "其中 2 户直到转移开始才由邻居告知。",
    "analysis": "叫应名单按网格员负责的楼栋编制，没有与脆弱人群清单核对；独居老人多数不用微信群，只靠电话，"
             "而网格员在预警时段同时要巡查地下车库，人手不足。",
    "lesson": "预警叫应名单必须与脆弱人群清单逐户核对，独居老人由结对帮扶人当面通知。",
    "recommendation": "社区居民委员会在汛期前把脆弱人群清单并入叫应名单，每户明确一名结对帮扶人负责当面通知，并在下次演练中检验。",
    "action": "脆弱人群清单并入预警叫应名单并落实结对帮扶人"}
REPEATED = {
    "title": "预警叫应仍未覆盖部分独居老人",
    "observation": "红色预警发布后 30 分钟内，5 号楼和 7 号楼共 4 户独居老人没有接到网格员的电话或上门通知，"
                "其中 1 户直到转移开始才由邻居告知。",
    "analysis": "叫应名单仍按网格员负责的楼栋编制，没有与脆弱人群清单核对；独居老人多数不用微信群，只靠电话，"
             "网格员在预警时段还要巡查地下车库，人手不足。",
    "lesson": "预警叫应名单必须与脆弱人群清单逐户核对，独居老人由结对帮扶人当面通知。",
    "recommendation": "社区居民委员会把脆弱人群清单并入叫应名单，每户明确一名结对帮扶人负责当面通知，并在下次演练中检验。",
    "action": "核对叫应名单与脆弱人群清单"}


def new_drill(store, editor, now, *, name="暴雨内涝转移安置实战演练", held_on: date | None = None, residents=45):
    return dr.create_drill(
        store, editor, "community.a", name=name, kind="full_scale", held_on=held_on or now.date() - timedelta(days=1),
        hazards=["hazard.rainstorm", "hazard.urban-waterlogging"], objectives=OBJECTIVES,
        scenario="午后短时强降水，气象台发布暴雨红色预警，3 号楼地下车库开始进水。", scenario_time="7 月中旬 14:00",
        place="3 号楼至文化广场", residents=residents, volunteers=12, units=3, people=["王主任", "李网格员"],
        unit_names=["幸福物业", "社区卫生服务站", "微型消防站"], now=now)


def findings(improvement=IMPROVEMENT, *, due: date, owner="org.community-committee") -> list[dr.FindingInput]:
    return [dr.FindingInput(objective=1, kind="strength", title="转移路线清楚",
                            observation="低洼楼栋 38 名居民在 25 分钟内全部到达文化广场，路线标识清楚。"),
            dr.FindingInput(objective=0, kind="improvement", owner=owner, due_date=due.isoformat(), **improvement)]
