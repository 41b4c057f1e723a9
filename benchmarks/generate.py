"""Generate realistic synthetic self-evaluation projects (caiyu_2020_10_self) as TOML files.

Deterministic for a seed: varied indicator counts, operators ≥ ≤ = 定性, N/A rows, reasons.

    python benchmarks/generate.py 10000 /tmp/projects --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

RULESET = "caiyu_2020_10_self"
UNITS = ("财政局", "教育局", "卫生健康委员会", "农业农村局", "住房和城乡建设局", "交通运输局", "民政局")
PROJECTS = (
    "设备购置",
    "校舍维修",
    "乡村道路养护",
    "基层医疗补助",
    "农田水利建设",
    "困难群众救助",
    "工作经费",
)
OUTPUT_GROUPS = ("数量指标", "质量指标", "时效指标", "成本指标")
BENEFIT_GROUPS = ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")
RATINGS = ("达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差")
REASONS = ("部分设备延期到货，已督促供应商", "受天气影响工期推迟", "资金下达较晚", "招标流程延长")


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a TOML basic string is a JSON string


def _split(total: int, count: int, rng: random.Random) -> list[int]:
    """count positive integer weights adding up to total."""
    cuts = sorted(rng.sample(range(1, total), count - 1)) if count > 1 else []
    bounds = [0, *cuts, total]
    return [bounds[i + 1] - bounds[i] for i in range(count)]


def _target(slot: str, index: int, weight: int | None, rng: random.Random) -> list[str]:
    group = slot.split("/")[-1].removesuffix("指标")
    lines = ["", "[[targets]]", f"slot = {_q(slot)}", f"name = {_q(f'{group}{index}')}"]
    kind = rng.choices(("≥", "≤", "=", "定性", "na"), weights=(50, 15, 15, 15, 5))[0]
    if kind == "na":
        lines += ['operator = "≥"', "na = true", f"reason = {_q('本年度不适用该指标')}"]
    elif kind == "定性":
        rating = rng.choices(RATINGS, weights=(80, 15, 5))[0]
        lines += ['operator = "定性"', f"value = {_q('明显提升')}", f"actual = {_q('有所提升')}"]
        lines.append(f"rating = {_q(rating)}")
    else:
        value = rng.choice((1, 5, 12, 20, 44, 95, 100, 250))
        factor = rng.choice((1, 1, 1, 0.9, 0.8, 1.1)) if kind != "=" else rng.choice((1, 1, 1, 0.95))
        actual = round(value * factor, 2)
        unit = rng.choice(("%", "人", "台", "万元", "个", "月"))
        lines += [f"operator = {_q(kind)}", f"value = {value}", f"unit = {_q(unit)}", f"actual = {actual}"]
        if actual != value:
            lines.append(f"reason = {_q(rng.choice(REASONS))}")
    if weight is not None:
        lines.append(f"weight = {weight}")
    return lines


def _slot_targets(prefix: str, groups: tuple[str, ...], total: int, rng: random.Random) -> list[str]:
    chosen = [group for group in groups if rng.random() < 0.7] or [groups[0]]
    slots = [f"{prefix}/{group}" for group in chosen for _ in range(rng.randint(1, 4))]
    weights: list[int | None] = (
        list(_split(total, len(slots), rng))
        if rng.random() < 0.6 and len(slots) < total
        else [None] * len(slots)
    )
    lines: list[str] = []
    for index, (slot, weight) in enumerate(zip(slots, weights, strict=True), 1):
        lines += _target(slot, index, weight, rng)
    return lines


def project_toml(number: int, rng: random.Random) -> str:
    budget = round(rng.uniform(5, 2000), 2)
    executed = round(budget * rng.choice((1, 1, 0.98, 0.9, 0.75)), 2)
    lines = [
        f"# 合成项目 {number}（benchmarks/generate.py）",
        "[project]",
        f"name = {_q(f'{rng.choice(PROJECTS)}{number}')}",
        f"unit = {_q(rng.choice(UNITS))}",
        f"year = {rng.choice((2021, 2022, 2023))}",
        f'ruleset = "{RULESET}"',
        "",
        "[budget]",
        'unit = "万元"',
        f'"年初预算数" = {budget}',
        f'"全年预算数" = {budget}',
        f'"到位资金" = {budget}',
        f'"执行数" = {executed}',
    ]
    if executed < budget:
        lines.append(f"reason = {_q(rng.choice(REASONS))}")
    lines += _slot_targets("产出指标", OUTPUT_GROUPS, 50, rng)
    lines += _slot_targets("效益指标", BENEFIT_GROUPS, 30, rng)
    if rng.random() < 0.8:
        lines += _target("满意度指标/服务对象满意度指标", 1, None, rng)
    return "\n".join(lines) + "\n"


def generate(count: int, folder: Path, seed: int = 0) -> list[Path]:
    """Write count projects into folder as p00001.toml …; the same seed gives the same files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    width = max(5, len(str(count)))
    paths = []
    for number in range(1, count + 1):
        path = folder / f"p{number:0{width}d}.toml"
        path.write_text(project_toml(number, rng), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description="生成合成的单位自评项目（caiyu_2020_10_self）")
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    paths = generate(arguments.count, arguments.folder, arguments.seed)
    print(f"已生成 {len(paths)} 个项目：{arguments.folder}")


if __name__ == "__main__":
    main()
