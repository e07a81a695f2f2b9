"""Synthetic, valid content for tests and benchmarks: a source, hazard families and hazards
linked in chains."""

from __future__ import annotations

from pathlib import Path


def write_synthetic_content(folder: Path, hazards: int = 50, per_file: int = 500) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a_sources.yaml").write_text(
        "label: Source\nitems:\n  - id: src.synthetic\n    name: 合成测试来源\n    issuer: 测试\n"
        "    kind: dataset\n    identifier: SYNTHETIC-1\n", encoding="utf-8")
    families = max(1, hazards // 100)
    lines = ["label: Hazard", "items:"]
    for f in range(families):
        lines += [f"  - id: hazard.family.f{f}", f"    name: 合成灾害类{f}", f"    name_en: Family {f}",
                  "    category: natural", "    level: family", "    sources: [src.synthetic]"]
    (folder / "b_families.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for start in range(0, hazards, per_file):
        lines = ["label: Hazard", "items:"]
        for i in range(start, min(hazards, start + per_file)):
            lines += [f"  - id: hazard.h{i}", f"    name: 合成灾害{i}", f"    name_en: Hazard {i}",
                      "    category: natural", f"    description: 第{i}号合成灾害的说明文字。",
                      f"    warning_signs: [征兆{i}甲, 征兆{i}乙]",
                      f"    sources: [{{id: src.synthetic, locator: 第{i}条}}]", "    links:",
                      f"      - {{type: SUBTYPE_OF, to: hazard.family.f{i % families}}}"]
            if i > 0:
                lines.append(f"      - {{type: TRIGGERS, to: hazard.h{i - 1}}}")
        (folder / f"c_hazards_{start:06d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
