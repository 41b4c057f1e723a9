"""What a report says, built once from a scored result and its review: every renderer (Markdown,
HTML, Word, Excel) reads this and never computes a score itself.

The wording follows the seed report (阿克陶县 工作经费 2022) and the outline of
财预〔2020〕10号 附件3: chapter 三 the conclusion, chapter 四 one statement per indicator
("保障职工人数（人）44人，与预期目标一致，根据评分标准，该指标不扣分，得2分。"), the 附表 评分表,
and the review's findings. Text the data cannot produce comes from the project's [texts] or is
a clearly marked placeholder, never invented.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs
from attrs import frozen

from ..auditing.run import AuditReport, audit
from ..base.numbers import HUNDRED, fmt, round_to
from ..engine.scoring import score
from ..hooks.findings import Finding
from ..hooks.outlines import FUJIAN3, ReportOutline, choose_outline
from ..hooks.registry import Registry, default_registry
from ..model.project import Assessment, Project, Target
from ..model.result import NodeResult, Result
from ..model.ruleset import Ruleset
from . import narrative

CHAPTERS: Mapping[str, str] = dict(FUJIAN3.chapters)
"""附件3's chapter headings by key (the outline a report uses is ReportContext.outline)."""

TEXT_FIELDS: Mapping[str, str] = {
    "background": "项目背景",
    "content": "主要内容及实施情况",
    "overall_goal": "项目绩效总目标",
    "scope": "绩效评价目的、对象和范围",
    "methods": (
        "评价方法（成本效益分析法、比较法、因素分析法、最低成本法、公众评判法、标杆管理法等）"
        "和评价标准（计划标准、行业标准、历史标准等）"
    ),
    "process": "绩效评价工作过程",
    "experience": "主要经验及做法",
    "problems": "存在的问题及原因分析",
    "suggestions": "有关建议",
    "other": "其他需要说明的问题",
}
"""The [texts] keys a report uses, with the heading each fills."""

FORM_TEXT_FIELDS: Mapping[str, str] = {
    "overall_result": "年度总体目标的实际完成情况",
    "implementer": "实施单位",
}
"""The further [texts] keys the 附件1 自评表 uses."""

_SYMBOLS = {">=": "≥", "<=": "≤", "=": "=", "定性": ""}


@frozen
class Row:
    """One node of the tree: a row of the 附表 评分表 and, for leaves, a statement of chapter 四."""

    path: tuple[str, ...]
    kind: str
    weight: Decimal
    score: Decimal | None
    status: str
    target_value: str = ""
    actual: str = ""
    unit: str = ""
    note: str = ""
    """扣分原因 or 偏差原因 (empty when the indicator got full marks)."""
    statement: str = ""

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def level(self) -> int:
        return len(self.path)


@frozen
class Part:
    """A first-level indicator: its subtotal, 得分率 and the statements under it."""

    name: str
    weight: Decimal
    score: Decimal | None
    rate: Decimal | None
    summary: str
    rows: tuple[Row, ...]


@frozen
class ReportContext:
    title: str
    project: Project
    result: Result
    review: AuditReport
    ruleset_title: str
    ruleset_document: str
    conclusion: str
    parts: tuple[Part, ...]
    rows: tuple[Row, ...]
    texts: Mapping[str, str | None]
    """Each of TEXT_FIELDS: the project's own text, or None (render a marked placeholder)."""
    citation: str = ""
    """The document the ruleset implements, cited as every format cites it (RulesetInfo.citation):
    《项目支出绩效评价管理办法》（财预〔2020〕10号）, or only the 文号 when its title is not known."""
    outline: ReportOutline = FUJIAN3
    system: str = ""
    """二（二）: the indicator system (first-level indicators, weights, applicable indicators)."""
    caveat: str = ""
    """The ruleset's provenance caveat when some of its parameters are unverified."""
    problems: tuple[str, ...] = ()
    """五（二）: the problems the data shows (deductions, unmet targets, findings), without codes."""
    panels: tuple[tuple[str, str, Decimal, str], ...] = ()
    """The 附表's 专家评议明细: each expert's score (and comment) by indicator path, in input order."""

    @property
    def basis(self) -> str:
        """Chapter 二's sentence on what the evaluation follows, the same in every format."""
        cited = f"依据{self.citation}，" if self.citation else ""
        framework = f"按“{self.ruleset_title}”的评价指标体系和评分标准评分"
        return f"本次评价{cited}{framework}（指标体系及各项得分详见附表）。"

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.review.findings

    def chart(self, level: int = 1) -> list[tuple[str, Decimal]]:
        """得分率 (percent) of every scored node at a level, for the chart."""
        rates = [(row.name, _rate(row.score, row.weight)) for row in self.rows if row.level == level]
        return [(name, rate) for name, rate in rates if rate is not None]


def placeholder(key: str) -> str:
    """The marked text a renderer shows where the project gives none."""
    heading = TEXT_FIELDS.get(key) or FORM_TEXT_FIELDS[key]
    return f"【待补充：{heading}（项目文件 [texts] 中的 {key}）】"


def build_report(
    project: Project,
    ruleset: Ruleset,
    registry: Registry | None = None,
    *,
    ranges: bool = False,
    outline: str | None = None,
) -> ReportContext:
    """Score and review the project, then put every statement of the report together.
    ``ranges``: a project with values not known is scored as a range (for a renderer that shows
    ranges: the 自评表) instead of refused. ``outline``: the name given with ``--outline`` (else
    the outline a plugin declares for the ruleset, else 附件3)."""
    registry = registry or default_registry()
    chosen = choose_outline(dict(registry.outlines), ruleset.info.id, outline)
    review = audit(project, ruleset, registry)
    if review.result is None and ranges:
        review = attrs.evolve(review, result=score(project, ruleset, registry, ranges=True))
    if review.result is None:
        from ..base.errors import Problem, ScoringError

        raise ScoringError(
            [Problem("E-REPORT", "项目无法评分，不能生成报告", file=project.file)]
            + [Problem(f.code, f.message, file=project.file) for f in review.findings]
        )
    result = review.result
    targets = {(*t.slot, t.name): t for t in project.targets}
    assessments = {a.path: a for a in project.assessments}
    rows = tuple(_row(node, targets.get(node.path), assessments.get(node.path)) for node in result.walk())
    parts = tuple(_part(node, rows) for node in result.nodes)
    texts = {key: project.texts.get(key) or None for key in TEXT_FIELDS}
    return ReportContext(
        title=report_title(project.name, ruleset),
        project=project,
        result=result,
        review=review,
        ruleset_title=result.ruleset_title,
        ruleset_document=ruleset.info.document,
        conclusion=_conclusion(result),
        parts=parts,
        rows=rows,
        texts=texts,
        citation=ruleset.info.citation,
        outline=chosen,
        system=narrative.indicator_system(result, [len(_applicable(part.rows)) for part in parts]),
        caveat=narrative.caveat(ruleset),
        problems=narrative.problems(rows, review.findings),
        panels=_panels(project),
    )


def _panels(project: Project) -> tuple[tuple[str, str, Decimal, str], ...]:
    """Every panel score of the project's targets and assessments, with the indicator it scores."""
    scored = [("/".join((*t.slot, t.name)), t.panel) for t in project.targets]
    scored += [("/".join(a.path), a.panel) for a in project.assessments]
    return tuple((path, s.expert, s.score, s.comment) for path, panel in scored for s in panel)


def report_title(name: str, ruleset: Ruleset) -> str:
    """××项目绩效自评报告 under a 单位自评 ruleset, ××项目绩效评价报告 under a 部门/财政评价 one."""
    kind = "绩效自评报告" if ruleset.info.self_evaluation else "绩效评价报告"
    project = name if name.endswith("项目") else f"{name}项目"
    return f"{project}{kind}"


def _rate(score: Decimal | None, weight: Decimal) -> Decimal | None:
    if score is None or weight == 0:
        return None
    return round_to(score * HUNDRED / weight, 2)


def _conclusion(result: Result) -> str:
    firsts = "，".join(
        f"{node.name}类指标得分{fmt(node.score)}分" for node in result.nodes if node.score is not None
    )
    weights = "、".join(f"{node.name}{fmt(node.weight)}分" for node in result.nodes)
    rescaled = result.rescaled
    scaled = (
        f"{'、'.join(rescaled.not_applicable)}类指标不适用，适用分值{fmt(rescaled.weight)}分，"
        f"得分合计{fmt(rescaled.score)}分，按{fmt(result.max)}分折算，"
        if rescaled is not None
        else ""
    )
    return (
        f"总分设置为{fmt(result.max)}分，其中{weights}。{scaled}本项目总得分为{fmt(result.total)}分，"
        f"绩效评级属于“{result.grade}”。其中，{firsts}。"
    )


def _applicable(rows: tuple[Row, ...]) -> list[Row]:
    """The leaves that apply (附件2 counts the indicators a project is scored on)."""
    parents = {row.path[:-1] for row in rows}
    return [row for row in rows if row.path not in parents and row.status != "not_applicable"]


def _part(node: NodeResult, rows: tuple[Row, ...]) -> Part:
    mine = tuple(row for row in rows if row.path[0] == node.name and row.level > 1)
    leaves = _applicable(mine)
    rate = _rate(node.score, node.weight)
    score = "不适用" if node.score is None else f"{fmt(node.score)}分"
    summary = f"{node.name}类指标由{len(leaves)}个指标构成，权重分为{fmt(node.weight)}分，实际得分{score}" + (
        f"，得分率为{fmt(rate)}%。" if rate is not None else "。"
    )
    return Part(node.name, node.weight, node.score, rate, summary, mine)


def _row(node: NodeResult, target: Target | None, assessment: Assessment | None) -> Row:
    note = "" if node.score is None or node.score >= node.weight else "；".join(node.reasons)
    if node.status == "unknown" and not node.children:
        note = "；".join(node.reasons)  # which value is not known, and the scores it allows
    if target is not None:
        return Row(
            node.path,
            node.kind,
            node.weight,
            node.score,
            node.status,
            f"{_SYMBOLS.get(target.operator, '')}{target.value_text}",
            target.actual_text,
            target.unit,
            target.reason or note,
            _target_statement(node, target),
        )
    leaf = node.kind == "indicator" and not node.children
    statement = _indicator_statement(node, assessment) if leaf else ""
    if not leaf and node.status == "not_applicable":
        statement = "本项目无该指标。"
    return Row(node.path, node.kind, node.weight, node.score, node.status, note=note, statement=statement)


def _target_statement(node: NodeResult, target: Target) -> str:
    unit = f"（{target.unit}）" if target.unit else ""
    if node.status == "unknown":
        return f"{'；'.join(node.reasons)}。"
    if node.status == "not_applicable" or node.score is None:
        return f"{target.name}{unit}：本项目无该指标。"
    if target.operator == "定性":
        achieved = f"：{target.actual_text}" if target.actual_text else ""
    else:
        achieved = f"{target.actual_text}{target.unit}"
    if node.score >= node.weight:
        score = fmt(node.score)
        return f"{target.name}{unit}{achieved}，与预期目标一致，根据评分标准，该指标不扣分，得{score}分。"
    expected = f"{_SYMBOLS.get(target.operator, '')}{target.value_text}{target.unit}"
    why = f"偏差原因：{target.reason}。" if target.reason else "未说明偏差原因。"
    state = "部分达成预期目标" if node.score > 0 else "未达到预期目标"
    return (
        f"{target.name}{unit}预期指标值{expected}，实际完成{achieved}，{state}，根据评分标准，"
        f"扣{fmt(node.weight - node.score)}分，得{fmt(node.score)}分。{why}"
    )


def _indicator_statement(node: NodeResult, assessment: Assessment | None) -> str:
    if node.status == "not_applicable" or node.score is None:
        return "本项目无该指标。"
    basis = assessment.note if assessment is not None and assessment.note else ""
    if node.score >= node.weight:
        if not basis and node.reasons:  # a computed indicator explains itself (执行数 ÷ 到位资金 = 100%…)
            return narrative.tidy(node.reasons[0]) + "。"
        lead = f"{basis}，" if basis else ""
        return f"{lead}根据评分标准，该指标不扣分，得{fmt(node.score)}分。"
    lost = fmt(node.weight - node.score)
    # a strategy's reason may already say 扣/得 (“扣 1 分，得 2 分（分值 3 分）”): say it once
    reasons = [narrative.tidy(narrative.once(reason)).strip("，；。 ") for reason in node.reasons]
    said = "；".join(reason for reason in reasons if reason)
    lead = f"{said}。" if said else ""
    return f"{lead}根据评分标准，该指标扣{lost}分，得{fmt(node.score)}分。"
