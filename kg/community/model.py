"""What the community workspace's records are: states, kinds, limits, ids and times, and the
errors its functions raise (``kg.errors``: a message for people and an HTTP status)."""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kg.errors import N_, Conflict, Invalid, NotAllowed, NotFound, TooLarge

COMMUNITY_ID_RE = re.compile(r"^community\.[a-z0-9][a-z0-9.-]{0,80}$")
RECORD_ID_RE = re.compile(r"^[a-z]+\.[a-z0-9][a-z0-9.-]{0,80}\.[a-z0-9-]{6,40}$")
CLIENT_ID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")

TEXT_MAX = {"name": 60, "place": 120, "description": 1000, "note": 1000, "reason": 500, "procedure": 1000}

# --- the hazard ledger ------------------------------------------------------------------------------
REPORTED, ASSIGNED, REMEDIATED, CLOSED, ESCALATED = "reported", "assigned", "remediated", "closed", "escalated"
STATES = (REPORTED, ASSIGNED, REMEDIATED, CLOSED, ESCALATED)
STATE_NAMES = {REPORTED: "已上报待研判", ASSIGNED: "已交办整改中", REMEDIATED: "已整改待核验", CLOSED: "已核验销号",
               ESCALATED: "已上报街道（乡镇）"}
#: States in which the case counts as handled (处置): closed after verification, or reported
#: upward because the community cannot deal with it itself (duty.hazard-closure-tracking: 能自行处置
#: 的及时处置，不能处置的报乡镇（街道）或有关部门).
HANDLED = (CLOSED, ESCALATED)
OPEN = (REPORTED, ASSIGNED, REMEDIATED)

#: action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "assess": ((REPORTED, ESCALATED), ASSIGNED),
    "remediate": ((ASSIGNED,), REMEDIATED),
    "verify": ((REMEDIATED,), CLOSED),
    "reject": ((REMEDIATED,), ASSIGNED),
    "escalate": ((REPORTED, ASSIGNED), ESCALATED),
    "reopen": ((CLOSED,), REPORTED),
}
ACTION_NAMES = {"report": "上报", "assess": "研判交办", "remediate": "整改完成", "verify": "核验销号",
                "reject": "核验未通过（退回整改）", "escalate": "上报街道（乡镇）", "reopen": "隐患复发，重新打开"}

#: Severity: 一般隐患 and 重大隐患 follow the work-safety rules' two classes (安全生产事故隐患排查
#: 治理暂行规定 第三条); 轻微 is this platform's class for what can be put right on the spot.
SEVERITIES = ("minor", "general", "major")
SEVERITY_NAMES = {"minor": "轻微（可当场整改）", "general": "一般隐患", "major": "重大隐患"}
#: Days from assessment to the remediation deadline, per severity.  These are this platform's
#: defaults, NOT a rule: no national rule fixes a remediation period for community hazards
#: (source_gap); the person assessing the case may set any later date.
DEADLINE_DAYS = {"minor": 3, "general": 15, "major": 60}

# --- vulnerable residents --------------------------------------------------------------------------
#: Kinds of residents the earlier standard's vulnerable-people list names (empty-nest elderly; in
#: villages also left-behind children) and others the pairing duty reaches (示范社区标准 2.2).
CATEGORIES = {"elderly_alone": "独居（空巢）老人", "disabled": "残疾人", "bedridden": "失能卧床", "pregnant": "孕产妇",
              "left_behind_child": "留守儿童", "chronic_illness": "重病慢病患者", "other": "其他需要帮扶的居民"}
NEEDS = {"transfer": "转移时需要搀扶或抬送", "medication": "需要按时服药", "power": "医疗设备需要供电",
         "wheelchair": "需要轮椅", "hearing": "听不到广播或电话预警", "sight": "看不到书面预警", "other": "其他"}

# --- other registers -------------------------------------------------------------------------------
TEAM_KINDS = {"rescue": ("社区应急救援队", "org.community-response-team"),
              "volunteer": ("应急志愿者队伍", "org.volunteers"),
              "micro_fire": ("微型消防站队员", "org.micro-fire-station")}
FEATURE_KINDS = {"assembly_point": "集合点", "evacuation_route": "疏散路线", "supply_point": "物资储备点",
                 "other": "其他标注"}
PERSON_ROLES = {"grid_worker": "org.grid-worker", "info_officer": "org.disaster-info-officer",
                "safety_officer": "org.grid-safety-officer", "volunteer": "org.volunteers",
                "social_worker": "org.social-workers", "resident": "org.residents",
                "committee": "org.community-committee"}
PERSON_ROLE_NAMES = {"grid_worker": "网格员", "info_officer": "灾害信息员", "safety_officer": "网格安全员",
                     "volunteer": "应急志愿者", "social_worker": "社会工作者", "resident": "居民",
                     "committee": "居委会工作人员"}
RISK_LEVELS = ((15, "high", "高"), (8, "medium", "较高"), (4, "low", "一般"), (0, "minimal", "低"))
RISK_ASSESSMENT_MONTHS = 6  # 评分参考表 2.1: 至少每半年开展一次风险评估


# --- errors ----------------------------------------------------------------------------------------------
class CommunityInvalid(Invalid):
    """Bad input; nothing was written."""

    code = "community_invalid"


class CommunityNotFound(NotFound):
    code = "community_not_found"


class CommunityNotAllowed(NotAllowed):
    code = "community_not_allowed"


class CaseConflict(Conflict):
    """The case changed since it was loaded, or the action does not fit its state."""

    code = "case_conflict"


class OutOfOrder(Conflict):
    code = "case_out_of_order"


class FileTooLarge(TooLarge):
    code = "file_too_large"


# --- ids and times ------------------------------------------------------------------------------------
def check_community_id(value: Any) -> str:
    if not isinstance(value, str) or not COMMUNITY_ID_RE.match(value):
        raise CommunityNotFound(N_("没有这个社区"))
    return value


def suffix(community_id: str) -> str:
    return community_id.removeprefix("community.")


def new_id(prefix: str, community_id: str, token: str | None = None) -> str:
    return f"{prefix}.{suffix(community_id)}.{token or secrets.token_hex(6)}"


def check_client_id(value: Any) -> str:
    """A phone's report id: a UUID (lower case), the idempotency key of the report."""
    text = str(value or "").strip().lower()
    if not CLIENT_ID_RE.match(text):
        raise CommunityInvalid(N_("client_id：须为 UUID（例如 3f2b…-…），现为 %(value)s"), value=str(value)[:60])
    return text


def new_client_id() -> str:
    return str(uuid.uuid4())


def now_iso(now: datetime) -> str:
    """UTC time as stored (text order is time order)."""
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def local_date(now: datetime, zone: ZoneInfo | None = None) -> date:
    return now.astimezone(zone or DEFAULT_ZONE).date()


def parse_date(value: Any, field: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = str(value or "").strip()
    try:
        if not DATE_RE.match(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise CommunityInvalid(N_("%(field)s：日期须写成 YYYY-MM-DD，现为 %(value)s"), field=field,
                               value=text[:40]) from None


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def days_between(start_iso: str, end_iso: str) -> float:
    return round((parse_iso(end_iso) - parse_iso(start_iso)) / timedelta(days=1), 2)


def clean_text(value: Any, field: str, *, required: bool = False, limit: int | None = None) -> str:
    text = " ".join(str(value or "").split()) if field not in ("description", "note", "procedure", "health_notes") \
        else str(value or "").strip()
    limit = limit or TEXT_MAX.get(field, 200)
    if required and not text:
        raise CommunityInvalid(N_("%(field)s：必填"), field=field)
    if len(text) > limit:
        raise CommunityInvalid(N_("%(field)s：不超过 %(limit)s 个字符（现为 %(n)s）"), field=field, limit=limit,
                               n=len(text))
    return text


def whole_number(value: Any, field: str, *, low: int = 0, high: int = 10_000_000, required: bool = False) -> int | None:
    if value in (None, ""):
        if required:
            raise CommunityInvalid(N_("%(field)s：必填"), field=field)
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise CommunityInvalid(N_("%(field)s：须为整数，现为 %(value)s"), field=field, value=str(value)[:40]) from None
    if not low <= number <= high:
        raise CommunityInvalid(N_("%(field)s：须在 %(low)s–%(high)s 之间"), field=field, low=low, high=high)
    return number


def number(value: Any, field: str, *, low: float = 0, high: float = 1e9, required: bool = False) -> float | None:
    if value in (None, ""):
        if required:
            raise CommunityInvalid(N_("%(field)s：必填"), field=field)
        return None
    try:
        out = float(str(value).strip())
    except (TypeError, ValueError):
        raise CommunityInvalid(N_("%(field)s：须为数字，现为 %(value)s"), field=field, value=str(value)[:40]) from None
    if not low <= out <= high or out != out:
        raise CommunityInvalid(N_("%(field)s：须在 %(low)s–%(high)s 之间"), field=field, low=low, high=high)
    return out


def props_of(node: dict | None) -> dict:
    return dict((node or {}).get("properties") or {}, id=(node or {}).get("id"))
