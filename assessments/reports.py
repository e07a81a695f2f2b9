"""Results for people: charts as inline SVG (generated here, no JavaScript), the CSV of criterion
scores, the JSON export, and the trend over a community's assessments.

Charts use only system fonts (``FONT_STACK``: common Chinese fonts on Linux, Windows and macOS,
then generic families), so they render offline and print the same.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from assessments.scoring import STATUS_LABELS, Result

FONT_STACK = ("'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', "
              "'Microsoft YaHei', 'PingFang SC', 'Hiragino Sans GB', 'SimHei', 'SimSun', sans-serif")
GOOD, FAIR, POOR, GRID, MUTED = "#2e7d32", "#f9a825", "#c62828", "#d9d9d9", "#555555"


def _attr(text) -> str:
    return escape(str(text), {'"': "&quot;"})


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _colour(ratio: float) -> str:
    return GOOD if ratio >= 0.8 - 1e-9 else (FAIR if ratio >= 0.5 else POOR)


#: The charts' words (a page passes them in its language).
BAR_LEGEND = "绿色 ≥80%，黄色 50–80%，红色 <50%；虚线为审核调整前的自评分"
SELF_SCORE = "自评 %(points)s"


def bar_chart_svg(result: Result, *, width: int = 640, title: str = "各一级指标得分", legend: str = BAR_LEGEND,
                  self_score: str = SELF_SCORE) -> str:
    """Horizontal bars, one per element: effective points of its maximum (a tick marks the
    self-assessed points where a reviewer changed them)."""
    rows = result.elements
    label_w, value_w, row_h, top = 170, 70, 30, 34
    bar_w = width - label_w - value_w - 10
    height = top + row_h * len(rows) + 26
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bar" role="img" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'aria-label="{_attr(title)}" font-family="{_attr(FONT_STACK)}" font-size="13">',
           f"<title>{escape(title)}</title>",
           f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>']
    for i, el in enumerate(rows):
        y = top + i * row_h
        ratio = el.ratio
        name = el.element.short_name
        out.append(f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end">{escape(name)}</text>')
        out.append(f'<rect x="{label_w}" y="{y + 5}" width="{bar_w}" height="18" fill="{GRID}"/>')
        out.append(f'<rect class="bar" x="{label_w}" y="{y + 5}" width="{bar_w * ratio:.1f}" height="18" '
                   f'fill="{_colour(ratio)}"><title>{escape(el.element.name)} {_fmt(el.points)} / '
                   f'{_fmt(el.max_points)}</title></rect>')
        if abs(el.self_points - el.points) > 1e-9 and el.max_points:
            sx = label_w + bar_w * el.self_points / el.max_points
            out.append(f'<line x1="{sx:.1f}" y1="{y + 2}" x2="{sx:.1f}" y2="{y + 26}" stroke="#000" '
                       f'stroke-width="2" stroke-dasharray="3,2"><title>'
                       f'{escape(self_score % {"points": _fmt(el.self_points)})}</title></line>')
        out.append(f'<text x="{label_w + bar_w + 6}" y="{y + 18}">{_fmt(el.points)}/{_fmt(el.max_points)}</text>')
    legend_y = top + row_h * len(rows) + 18
    out.append(f'<text x="{label_w}" y="{legend_y}" fill="{MUTED}" font-size="11">{escape(legend)}</text>')
    out.append("</svg>")
    return "".join(out)


def radar_chart_svg(result: Result, *, size: int = 420, title: str = "各一级指标得分率") -> str:
    """A radar (spider) chart of each element's share of its points (needs 3 or more elements;
    otherwise the bar chart is returned)."""
    rows = result.elements
    if len(rows) < 3:
        return bar_chart_svg(result, title=title)
    pad = RADAR_LABEL_CHARS * 13 + 10  # room beside the circle for a label line
    width = size + 2 * pad
    cx, cy, r = width / 2, size / 2 + 18, size / 2 - 60
    height = size + 40
    n = len(rows)

    def point(i: int, frac: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * frac * math.cos(angle), cy + r * frac * math.sin(angle)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-radar" role="img" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{_attr(title)}" '
           f'font-family="{_attr(FONT_STACK)}" font-size="12">', f"<title>{escape(title)}</title>",
           f'<text x="0" y="16" font-size="15" font-weight="bold">{escape(title)}</text>']
    for frac in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, frac) for i in range(n)))
        out.append(f'<polygon points="{pts}" fill="none" stroke="{GRID}"/>')
    for i, el in enumerate(rows):
        x, y = point(i, 1.0)
        out.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        lx, ly = point(i, 1.1)
        anchor = "middle" if abs(lx - cx) < 5 else ("start" if lx > cx else "end")
        lines = label_lines(el.element.short_name)
        top = ly + 4 - (len(lines) - 1) * 14 * (1.0 if ly < cy - 5 else 0.5 if abs(ly - cy) <= 5 else 0.0)
        spans = "".join(f'<tspan x="{lx:.1f}" y="{top + j * 14:.1f}">{escape(line)}</tspan>'
                        for j, line in enumerate(lines))
        out.append(f'<text text-anchor="{anchor}"><title>{escape(el.element.name)}</title>{spans}</text>')
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, el.ratio) for i, el in enumerate(rows)))
    out.append(f'<polygon class="score" points="{pts}" fill="{GOOD}" fill-opacity="0.35" stroke="{GOOD}" stroke-width="2"/>')
    out.append("</svg>")
    return "".join(out)


RADAR_LABEL_CHARS = 7


def label_lines(text: str, width: int = RADAR_LABEL_CHARS, most: int = 3) -> list[str]:
    """A chart label broken into lines of at most ``width`` characters (at most ``most`` lines,
    the last ending in … when cut), so that no label runs off the chart."""
    text = str(text)
    lines = [text[i:i + width] for i in range(0, len(text), width)] or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][:width - 1] + "…"
    return lines


@dataclass(frozen=True)
class TrendPoint:
    assessment: str
    label: str        # the date shown
    total: float
    status: str
    qualified: bool | None


def trend_points(records) -> list[TrendPoint]:
    """Trend points from ``workflow.history`` records (oldest first)."""
    out = []
    for r in records:
        at = r.get("signed_off_at") or r.get("submitted_at") or r.created_at
        out.append(TrendPoint(r.id, (at or "")[:10], float(r.get("total") or 0.0), r.status, r.get("qualified")))
    return out


def trend_chart_svg(points: list[TrendPoint], *, max_total: float = 100, pass_mark: float | None = 80,
                    width: int = 640, height: int = 240, title: str = "历次自评总分", pass_label: str = "合格线 %(points)s",
                    empty: str = "暂无记录", point_label: str = "%(date)s：%(points)s 分") -> str:
    """The community's totals over time as a line with the pass mark drawn across."""
    left, right, top, bottom = 44, 16, 30, 40
    w, h = width - left - right, height - top - bottom
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-trend" role="img" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{_attr(title)}" '
           f'font-family="{_attr(FONT_STACK)}" font-size="12">', f"<title>{escape(title)}</title>",
           f'<text x="0" y="16" font-size="15" font-weight="bold">{escape(title)}</text>']

    def y_of(v: float) -> float:
        return top + h - h * (v / max_total if max_total else 0)

    for v in (0, max_total / 2, max_total):
        out.append(f'<line x1="{left}" y1="{y_of(v):.1f}" x2="{left + w}" y2="{y_of(v):.1f}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6}" y="{y_of(v) + 4:.1f}" text-anchor="end" fill="{MUTED}">{_fmt(v)}</text>')
    if pass_mark is not None:
        out.append(f'<line class="pass-mark" x1="{left}" y1="{y_of(pass_mark):.1f}" x2="{left + w}" '
                   f'y2="{y_of(pass_mark):.1f}" stroke="{POOR}" stroke-dasharray="5,4"/>')
        out.append(f'<text x="{left + 4}" y="{y_of(pass_mark) - 4:.1f}" fill="{POOR}">'
                   f'{escape(pass_label % {"points": _fmt(pass_mark)})}</text>')
    if not points:
        out.append(f'<text x="{left + w / 2}" y="{top + h / 2}" text-anchor="middle" fill="{MUTED}">{escape(empty)}</text>')
    else:
        inset = 40  # room for the first and last date labels
        step = (w - 2 * inset) / max(1, len(points) - 1)
        xy = [(left + (inset + i * step if len(points) > 1 else w / 2), y_of(p.total)) for i, p in enumerate(points)]
        if len(xy) > 1:
            out.append('<polyline fill="none" stroke="#1565c0" stroke-width="2" points="'
                       + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy) + '"/>')
        for (x, y), p in zip(xy, points):
            out.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1565c0">'
                       f'<title>{escape(point_label % {"date": p.label, "points": _fmt(p.total)})}</title></circle>')
            out.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle">{_fmt(p.total)}</text>')
            out.append(f'<text x="{x:.1f}" y="{top + h + 18}" text-anchor="middle" fill="{MUTED}">{escape(p.label)}</text>')
    out.append("</svg>")
    return "".join(out)


def csv_cell(value):
    """Text that a spreadsheet would run as a formula (=, +, -, @ …) is quoted with a leading '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def answer_text(score) -> str:
    """The answer as people read it: 符合 / 部分符合 / 85 % / 2 (0–3) …"""
    a = score.answer
    if a is None or not a.answered:
        return STATUS_LABELS["unanswered"]
    c = score.criterion
    if c.scoring in ("binary", "graded"):
        return STATUS_LABELS.get(a.status, a.status)
    unit = c.unit or ""
    return f"{_fmt(a.value)}{unit}" if unit in ("%",) else f"{_fmt(a.value)}{(' ' + unit) if unit else ''}"


def scores_csv(result: Result) -> str:
    """One row per criterion: its answer, self-assessed and reviewer points, and the effective
    points (UTF-8 text; the web download adds a BOM for Excel)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["编号", "条目编号", "名称", "一级指标", "基本条件", "计分方式", "满分", "回答", "状态", "自评得分",
                "审核调整分", "有效得分", "基本条件是否满足", "调整理由", "说明"])
    for s in result.criteria:
        c = s.criterion
        adj = s.adjustment
        w.writerow([csv_cell(x) for x in (
            c.id, c.number, c.name, c.element, "是" if c.gate else "否", c.scoring, _fmt(c.max_points),
            answer_text(s), STATUS_LABELS.get(s.status, s.status), _fmt(s.points),
            _fmt(adj.points) if adj and adj.points is not None else "", _fmt(s.effective_points),
            ("是" if s.effective_held else "否") if c.gate else "",
            adj.reason if adj else "", s.answer.note if s.answer else "")])
    w.writerow([])
    w.writerow(["合计", "", "", "", "", "", _fmt(result.max_total), "", "", _fmt(result.self_total), "",
                _fmt(result.total), "是" if result.gates_met else "否", "", ""])
    return buf.getvalue()


def view_json(view, gap_plan=None) -> str:
    """The JSON export of one assessment (``/api/v1/assessments/<id>``, ``cem assessment export``)."""
    data = view.as_dict()
    if gap_plan is not None:
        data["gap_plan"] = gap_plan.as_dict()
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


__all__ = [
    "FONT_STACK",
    "TrendPoint",
    "answer_text",
    "bar_chart_svg",
    "radar_chart_svg",
    "scores_csv",
    "trend_chart_svg",
    "trend_points",
    "view_json",
]
