"""Plain renderings of a Result and a Ruleset for the terminal: text tables and Markdown."""

from __future__ import annotations

from ..base.numbers import fmt
from ..model.result import NodeResult, Result
from ..model.ruleset import Indicator, Ruleset


def _score(node: NodeResult) -> str:
    if node.low is not None and node.high is not None:
        return f"{fmt(node.low)}～{fmt(node.high)}"
    return "不适用" if node.score is None else fmt(node.score)


def _total(result: Result) -> tuple[str, str]:
    """The total and the grade as shown: a range and the grade both its ends share (or both
    grades) when some value is not known."""
    span = result.total_range
    if span is None or span.low == span.high:
        total = fmt(result.total)
    else:
        total = f"不低于 {fmt(span.low)}、不高于 {fmt(span.high)}"
    if span is None or span.grade is not None:
        return total, result.grade
    return total, f"{span.low_grade}～{span.high_grade}（未定）"


def result_text(result: Result) -> str:
    lines = [
        f"项目：{result.project_name}（{result.project_unit or '—'}，{result.project_year or '—'}）",
        f"规则集：{result.ruleset_id} {result.ruleset_version} {result.ruleset_title}",
        "",
        f"{'指标':<34}{'分值':>8}{'得分':>10}",
    ]
    for node in result.walk():
        label = "  " * (node.level - 1) + node.name
        lines.append(f"{_pad(label, 34)}{fmt(node.weight):>8}{_score(node):>10}")
        if node.status != "scored" or (node.score is not None and node.score < node.weight):
            lines.extend("  " * node.level + "· " + reason for reason in node.reasons)
    total, grade = _total(result)
    lines += ["", f"总分 {total} / {fmt(result.max)}，等级 {grade}"]
    lines.extend("· " + reason for reason in result.reasons)
    return "\n".join(lines) + "\n"


def _pad(text: str, width: int) -> str:
    """Left-justify counting a CJK character as two columns."""
    used = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text + " " * max(width - used, 1)


def markdown_cell(value: object) -> str:
    """Text made safe for a Markdown table cell: one line, no column-splitting pipe, and no raw
    HTML (< > & become entities), so a name can neither forge table rows nor inject <script>."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\\", "\\\\").replace("|", "\\|")


def result_markdown(result: Result) -> str:
    total, grade = _total(result)
    lines = [
        f"# {result.project_name} 绩效评价得分",
        "",
        f"- 单位：{result.project_unit}",
        f"- 年度：{result.project_year or '—'}",
        f"- 规则集：{result.ruleset_id}（{result.ruleset_title}，版本 {result.ruleset_version}）",
        f"- **总分 {total} 分（满分 {fmt(result.max)} 分），等级 {grade}**",
        *_rescaled_lines(result),
        *(f"- {reason}" for reason in result.reasons[1:] if result.total_range is not None),
        "",
        "| 指标 | 层级 | 分值 | 得分 | 说明 |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for node in result.walk():
        reasons = markdown_cell("；".join(node.reasons))
        name = markdown_cell("/".join(node.path))
        lines.append(f"| {name} | {node.level} | {fmt(node.weight)} | {_score(node)} | {reasons} |")
    return "\n".join(lines) + "\n"


def _rescaled_lines(result: Result) -> list[str]:
    rescaled = result.rescaled
    if rescaled is None:
        return []
    return [
        f"- 折算：{'、'.join(rescaled.not_applicable)} 不适用；适用分值 {fmt(rescaled.weight)} 分，"
        f"得分合计 {fmt(rescaled.score)} 分，按 {fmt(result.max)} 分折算为 {fmt(rescaled.total)} 分"
    ]


def ruleset_text(ruleset: Ruleset) -> str:
    info = ruleset.info
    lines = [
        f"{info.id} {info.version}：{info.title}",
        f"依据：{info.citation}；发布：{info.issuer}；生效：{info.effective or '—'}",
        f"满分 {fmt(ruleset.max)}；舍入 {ruleset.rounding.places} 位 {ruleset.rounding.mode}"
        f"（{ruleset.rounding.stage}）；"
        f"不适用政策 {ruleset.not_applicable.policy}",
        "等级："
        + "，".join(
            f"{b.name} [{fmt(b.low)}, {fmt(b.high)}{']' if b.high == ruleset.max else ')'}"
            for b in ruleset.grades
        ),
        "绩效指标计分：" + "，".join(f"{t.operator} → {t.method.strategy}" for t in ruleset.target_methods),
        *(
            ["插件开关：" + "，".join(f"{k} = {v}" for k, v in ruleset.options.items())]
            if ruleset.options
            else []
        ),
        "",
    ]
    for indicator in ruleset.indicators:
        _tree(indicator, 0, lines)
    return "\n".join(lines) + "\n"


def _tree(indicator: Indicator, depth: int, lines: list[str]) -> None:
    if indicator.children:
        kind = ""
    elif indicator.slot is not None:
        when_empty = "不适用" if indicator.slot.empty == "not_applicable" else "报错"
        kind = f"由项目绩效指标填充（无指标时：{when_empty}）"
    else:
        kind = indicator.method.strategy if indicator.method else ""
    status = f" [{indicator.provenance.status}]" if indicator.provenance else ""
    lines.append(f"{'  ' * depth}{indicator.name}  {fmt(indicator.weight)} 分  {kind}{status}".rstrip())
    for child in indicator.children:
        _tree(child, depth + 1, lines)
