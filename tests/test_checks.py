"""The built-in review checks comparing claimed scores, subtotals, total and grade with the result
(evalrules.default_plugins.checks), the property that consistent claims raise no error, and the
``evalrules audit`` command on such data. Every test builds its own project text."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules import AuditReport, Finding, Ruleset
from evalrules.base.numbers import round_to
from evalrules.cli.main import main
from evalrules.default_plugins.checks import BUILTIN_CHECKS
from evalrules.default_plugins.consistency import ROW_CHECKS
from evalrules.default_plugins.statements import STATEMENT_CHECKS, framework_paths
from evalrules.default_plugins.subtotals import SUBTOTAL_CHECKS
from evalrules.hooks.findings import SEVERITIES, AuditContext
from evalrules.hooks.registry import default_registry
from evalrules.io.project_loading import project_from_text

D = Decimal
Spec = dict[str, Any]

NATIONAL = evalrules.load_ruleset("caiyu_2020_10")
SELF = evalrules.load_ruleset("caiyu_2020_10_self")

ASSESSED = [
    "决策/项目立项/立项依据充分性",
    "决策/项目立项/立项程序规范性",
    "决策/绩效目标/绩效目标合理性",
    "决策/绩效目标/绩效指标明确性",
    "决策/资金投入/预算编制科学性",
    "决策/资金投入/资金分配合理性",
    "过程/资金管理/资金使用合规性",
    "过程/组织实施/管理制度健全性",
    "过程/组织实施/制度执行有效性",
]


def _target(slot: str, name: str, operator: str, value: Any, unit: str, actual: Any, weight: int) -> Spec:
    return {
        "slot": slot,
        "name": name,
        "operator": operator,
        "value": value,
        "unit": unit,
        "actual": actual,
        "weight": weight,
    }


BASE: Spec = {
    "project": {"name": "测试项目", "unit": "测试单位", "year": 2023, "ruleset": "caiyu_2020_10"},
    "budget": {
        "unit": "万元",
        "年初预算数": D(100),
        "全年预算数": D(100),
        "到位资金": D(100),
        "执行数": D(100),
    },
    "assessments": [{"path": path, "deductions": []} for path in ASSESSED],
    "targets": [
        _target("产出/产出数量", "培训人数", ">=", D(50), "人", D(50), 4),
        _target("产出/产出数量", "发放补助户数", "=", D(200), "户", D(200), 3),
        _target("产出/产出数量", "故障报修次数", "<=", D(12), "次", D(12), 3),
        _target("产出/产出质量", "验收合格率", ">=", D(95), "%", D(95), 10),
        _target("产出/产出时效", "按时完成率", ">=", D(100), "%", D(100), 10),
        _target("产出/产出成本", "设备购置费", "<=", D(60), "万元", D(60), 5),
        _target("产出/产出成本", "培训费", "<=", D(400000), "元", D(380000), 5),
        {
            **_target("效益/项目效益/社会效益", "群众办事便利程度", "定性", "明显提升", "", "明显提升", 5),
            "rating": "达成年度指标",
        },
        {
            **_target("效益/项目效益/可持续影响", "长效机制建立情况", "定性", "建立", "", "已建立", 5),
            "rating": "达成",
        },
        _target("效益/项目效益/服务对象满意度", "受益群众满意度", ">=", D(90), "%", D(92), 10),
    ],
}
"""A consistent submission under caiyu_2020_10 (total 100, 优); the cost targets add up to the
budget (60 万元 + 400000 元 = 100 万元)."""

SELF_BASE: Spec = {
    "project": {"name": "自评项目", "unit": "测试单位", "year": 2023, "ruleset": "caiyu_2020_10_self"},
    "budget": {
        "unit": "万元",
        "年初预算数": D(50),
        "全年预算数": D(50),
        "到位资金": D(50),
        "执行数": D("43.1"),
        "reason": "部分设备尚未验收，尾款未付",
    },
    "targets": [
        _target("产出指标/数量指标", "购置设备台数", ">=", D(20), "台", D(20), 20),
        _target("产出指标/质量指标", "设备验收合格率", ">=", D(100), "%", D(100), 15),
        _target("产出指标/成本指标", "设备购置成本", "<=", D(50), "万元", D("43.1"), 15),
        _target("效益指标/社会效益指标", "服务群众人次", ">=", D(1000), "人次", D(1200), 30),
    ],
}
"""A self-evaluation: execution 86.2% scores 8.62 of 10; no satisfaction target, so the total is
rescaled from 90 applicable points to 100."""


# --- building projects -------------------------------------------------------------------------


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def toml(spec: Spec) -> str:
    """The spec as TOML text: tables, arrays of tables ([[targets]]), nested [claims.scores]."""
    lines: list[str] = []

    def table(name: str, data: dict[str, Any]) -> None:
        lines.append(f"[{name}]")
        for key, value in data.items():
            if not isinstance(value, dict) and not _is_tables(value):
                lines.append(f"{_key(key)} = {_value(value)}")
        for key, value in data.items():
            if isinstance(value, dict):
                lines.append("")
                table(f"{name}.{key}", value)
            elif _is_tables(value):
                for entry in value:
                    lines.extend(["", f"[[{name}.{key}]]"])
                    lines.extend(f"{_key(k)} = {_value(v)}" for k, v in entry.items())

    for name, value in spec.items():
        if isinstance(value, dict):
            table(name, value)
        else:
            for entry in value:
                lines.append(f"[[{name}]]")
                lines.extend(f"{_key(k)} = {_value(v)}" for k, v in entry.items())
                lines.append("")
        lines.append("")
    return "\n".join(lines)


def base(spec: Spec = BASE) -> Spec:
    return copy.deepcopy(spec)


def target(spec: Spec, name: str) -> Spec:
    return next(entry for entry in spec["targets"] if entry["name"] == name)


def result_of(spec: Spec, ruleset: Ruleset = NATIONAL) -> evalrules.Result:
    return evalrules.score(project_from_text(toml(spec), "test.toml"), ruleset)


def claim_all(spec: Spec, ruleset: Ruleset = NATIONAL, keys: list[str] | None = None) -> Spec:
    """The spec with claims written from its computed result: total, grade and the scores of
    every scored node (or of the given keys)."""
    result = result_of(spec, ruleset)
    scores = {
        "/".join(node.path): node.score
        for node in result.walk()
        if node.score is not None and (keys is None or "/".join(node.path) in keys)
    }
    spec = copy.deepcopy(spec)
    spec["claims"] = {"total": result.total, "grade": result.grade, "scores": scores}
    return spec


def claims(spec: Spec, scores: dict[str, Any] | None = None, **entries: Any) -> Spec:
    spec = copy.deepcopy(spec)
    spec["claims"] = {**entries, "scores": {k: D(str(v)) for k, v in (scores or {}).items()}}
    return spec


def run(spec: Spec, ruleset: Ruleset = NATIONAL) -> tuple[AuditReport, str]:
    text = toml(spec)
    return evalrules.audit(project_from_text(text, "test.toml"), ruleset), text


def found(report: AuditReport, code: str) -> list[Finding]:
    return [finding for finding in report.findings if finding.code == code]


def one(report: AuditReport, code: str) -> Finding:
    hits = found(report, code)
    assert len(hits) == 1, (code, [f.message for f in report.findings])
    return hits[0]


def line(text: str, needle: str, nth: int = 0) -> int:
    """The 1-based line of the nth line that contains needle."""
    hits = [number for number, content in enumerate(text.splitlines(), start=1) if needle in content]
    return hits[nth]


def target_line(text: str, name: str) -> int:
    """The [[targets]] header line of the target with this name."""
    at = line(text, f'name = "{name}"')
    return max(n for n in range(1, at) if text.splitlines()[n - 1].startswith("[[targets]]"))


def codes(report: AuditReport) -> set[str]:
    return {finding.code for finding in report.findings}


# --- the data itself is consistent ------------------------------------------------------------


def test_every_builtin_check_is_registered_once_with_chinese_title_and_doc() -> None:
    registry = default_registry()
    builtin = {check.code for check in (*BUILTIN_CHECKS, *SUBTOTAL_CHECKS, *ROW_CHECKS, *STATEMENT_CHECKS)}
    assert (
        len(builtin)
        == len(BUILTIN_CHECKS) + len(SUBTOTAL_CHECKS) + len(ROW_CHECKS) + len(STATEMENT_CHECKS)
        == 22
    )
    assert builtin <= set(registry.checks)
    for check in (*BUILTIN_CHECKS, *SUBTOTAL_CHECKS, *ROW_CHECKS, *STATEMENT_CHECKS):
        assert isinstance(check, evalrules.AuditCheck)
        assert check.severity in ("error", "warning")
        assert re.search(r"[\u4e00-\u9fff]", check.title) and re.search(r"[\u4e00-\u9fff]", check.doc)


@pytest.mark.parametrize(("spec", "ruleset"), [(BASE, NATIONAL), (SELF_BASE, SELF)], ids=["national", "self"])
def test_consistent_claims_give_no_finding(spec: Spec, ruleset: Ruleset) -> None:
    report, _ = run(claim_all(spec, ruleset), ruleset)
    assert report.findings == ()
    assert report.result is not None


def test_base_data_scores_as_designed() -> None:
    assert result_of(BASE).total == 100
    result = result_of(SELF_BASE, SELF)
    assert result.node("预算执行率").score == D("8.62")
    assert result.node("满意度指标").status == "not_applicable"
    assert result.total == D("98.47")  # (8.62 + 50 + 30) × 100 / 90


# --- A-SCORE-DIFF ------------------------------------------------------------------------------


def test_score_diff_names_both_values_the_reason_and_the_place() -> None:
    spec = claim_all(base())
    spec["claims"]["scores"]["产出/产出数量/培训人数"] = D("2.5")
    report, text = run(spec)
    finding = one(report, "A-SCORE-DIFF")
    assert finding.severity == "error"
    assert finding.path == ("产出", "产出数量", "培训人数")
    assert (finding.claimed, finding.computed) == (D("2.5"), D(4))
    assert "申报 2.5 分，复算为 4 分" in finding.message
    assert "培训人数 指标值 ≥50人，实际完成 50人" in finding.message  # why: the node's reasons
    assert finding.place is not None and finding.place.file == "test.toml"
    assert finding.place.line == line(text, '"产出/产出数量/培训人数" = 2.5')


def test_score_diff_of_a_parent_lists_the_children_that_lost_points() -> None:
    spec = base()
    target(spec, "培训人数").update(actual=D(40), reason="年中调出")
    spec = claims(spec, {"产出/产出数量": 10})
    finding = one(run(spec)[0], "A-SCORE-DIFF")
    assert finding.path == ("产出", "产出数量") and finding.computed == D("9.2")
    assert "培训人数 得 3.2 分（分值 4 分）" in finding.message


@pytest.mark.parametrize("claimed", ["3.2", "3.3", "3.1"])
def test_score_diff_within_tolerance_is_no_finding(claimed: str) -> None:
    spec = base()
    target(spec, "培训人数").update(actual=D(40), reason="年中调出")
    report, _ = run(claims(spec, {"产出/产出数量/培训人数": claimed}))
    assert not found(report, "A-SCORE-DIFF")


# --- A-INTEGER-ROUNDING ------------------------------------------------------------------------


def test_execution_rounded_to_a_whole_number_is_a_warning_not_a_difference() -> None:
    report, text = run(claims(SELF_BASE, {"预算执行率": 9}), SELF)
    finding = one(report, "A-INTEGER-ROUNDING")
    assert finding.severity == "warning" and finding.path == ("预算执行率",)
    assert (finding.claimed, finding.computed) == (D(9), D("8.62"))
    assert "保留 2 位小数" in finding.message
    assert finding.place is not None and finding.place.line == line(text, '"预算执行率" = 9')
    assert not found(report, "A-SCORE-DIFF")


@pytest.mark.parametrize(
    ("claimed", "codes"),
    [("8.62", set()), ("8", {"A-SCORE-DIFF"}), ("10", {"A-SCORE-DIFF", "A-FULL-UNEARNED"})],
)
def test_integer_rounding_only_when_the_whole_number_is_the_rounding(claimed: str, codes: set[str]) -> None:
    report, _ = run(claims(SELF_BASE, {"预算执行率": claimed}), SELF)
    assert not found(report, "A-INTEGER-ROUNDING")
    assert {f.code for f in report.findings if f.path == ("预算执行率",)} == codes


# --- A-CLAIM-PATH ------------------------------------------------------------------------------


def test_claim_for_an_unknown_path_suggests_the_closest() -> None:
    report, text = run(claims(BASE, {"产出/产出数量/培训人次": 4}))
    finding = one(report, "A-CLAIM-PATH")
    assert finding.severity == "error" and finding.path == ("产出", "产出数量", "培训人次")
    assert finding.claimed == 4 and finding.computed is None
    assert "是否想写 “产出/产出数量/培训人数”" in finding.message
    assert finding.place is not None and finding.place.line == line(text, "培训人次")


def test_claims_for_known_paths_and_not_applicable_groups_are_no_claim_path() -> None:
    report, _ = run(claims(BASE, {"产出/产出数量/培训人数": 4, "效益/项目效益/经济效益": 0}))
    assert not found(report, "A-CLAIM-PATH")
    assert one(report, "A-NA-SCORED").path == ("效益", "项目效益", "经济效益")


# --- A-TOTAL-DIFF and A-GRADE-DIFF -------------------------------------------------------------


def test_total_diff() -> None:
    report, text = run(claims(BASE, total=D("98.5")))
    finding = one(report, "A-TOTAL-DIFF")
    assert finding.severity == "error" and finding.path == ()
    assert (finding.claimed, finding.computed) == (D("98.5"), D(100))
    assert "决策 20、过程 20、产出 40、效益 20" in finding.message
    assert finding.place is not None and finding.place.line == line(text, "total = 98.5")
    assert not found(run(claims(BASE, total=D("99.95")))[0], "A-TOTAL-DIFF")


def test_grade_diff() -> None:
    report, text = run(claims(BASE, grade="良"))
    finding = one(report, "A-GRADE-DIFF")
    assert finding.severity == "error" and (finding.claimed, finding.computed) == ("良", "优")
    assert finding.place is not None and finding.place.line == line(text, 'grade = "良"')
    assert not found(run(claims(BASE, grade="优"))[0], "A-GRADE-DIFF")


# --- A-GRADE-BAND ------------------------------------------------------------------------------


def test_grade_band_compares_the_claimed_grade_with_the_claimed_total() -> None:
    report, text = run(claims(BASE, total=D("89.5"), grade="优"))
    finding = one(report, "A-GRADE-BAND")
    assert finding.severity == "error" and (finding.claimed, finding.computed) == ("优", "良")
    assert "89.5" in finding.message
    assert finding.place is not None and finding.place.line == line(text, 'grade = "优"')


@pytest.mark.parametrize(("total", "grade"), [("90", "优"), ("89.99", "良"), ("60", "中"), ("0", "差")])
def test_grade_band_boundaries_are_half_open(total: str, grade: str) -> None:
    assert not found(run(claims(BASE, total=D(total), grade=grade))[0], "A-GRADE-BAND")


def test_grade_band_names_a_grade_the_ruleset_does_not_have() -> None:
    finding = one(run(claims(BASE, total=D(100), grade="优秀"))[0], "A-GRADE-BAND")
    assert "“优秀” 不是规则集的等级（优、良、中、差）" in finding.message


# --- A-SUBTOTAL-SUM ----------------------------------------------------------------------------


def test_subtotals_that_do_not_add_up() -> None:
    scores = {"产出": 40, "产出/产出数量": 10, "产出/产出质量": 10, "产出/产出时效": 10, "产出/产出成本": 9}
    report, text = run(claims(BASE, scores))
    finding = one(report, "A-SUBTOTAL-SUM")
    assert finding.severity == "error" and finding.path == ("产出",)
    assert (finding.claimed, finding.computed) == (D(40), D(39))
    assert "产出数量 10 + 产出质量 10 + 产出时效 10 + 产出成本 9 = 39 分" in finding.message
    assert finding.place is not None and finding.place.line == line(text, '"产出" = 40')


def test_first_level_claims_against_the_claimed_total() -> None:
    report, text = run(claims(BASE, {"决策": 20, "过程": 20, "产出": 40, "效益": 19}, total=D(100)))
    finding = one(report, "A-SUBTOTAL-SUM")
    assert finding.path == () and (finding.claimed, finding.computed) == (D(100), D(99))
    assert finding.place is not None and finding.place.line == line(text, "total = 100")


def test_subtotals_rescaled_when_a_part_does_not_apply() -> None:
    scores = {"预算执行率": "8.62", "产出指标": 50, "效益指标": 30}
    assert not found(run(claims(SELF_BASE, scores, total=D("98.47")), SELF)[0], "A-SUBTOTAL-SUM")
    finding = one(run(claims(SELF_BASE, scores, total=D("88.62")), SELF)[0], "A-SUBTOTAL-SUM")
    # the rescaled sum at the ruleset's places, as the scores are (98.47, not 98.4667)
    assert finding.computed == D("98.47") and "按适用分值折算为 98.47 分" in finding.message


def test_subtotal_sum_runs_on_the_framework_when_the_project_cannot_be_scored() -> None:
    spec = base()
    target(spec, "群众办事便利程度")["rating"] = "基本达成"  # unknown label: scoring fails
    spec = claims(spec, {"决策": 20, "过程": 20, "产出": 40, "效益": 20}, total=D(90))
    report, _ = run(spec)
    assert report.result is None and "A-SCORING" in codes(report)
    assert one(report, "A-SUBTOTAL-SUM").computed == 100
    assert not {"A-SCORE-DIFF", "A-TOTAL-DIFF", "A-GRADE-DIFF", "A-CLAIM-PATH"} & codes(report)


# --- A-TOTAL-UNREACHABLE -----------------------------------------------------------------------


def test_a_parent_higher_than_its_children_can_reach() -> None:
    report, text = run(claims(BASE, {"产出": 40, "产出/产出数量": 10, "产出/产出质量": 5}))
    finding = one(report, "A-TOTAL-UNREACHABLE")
    assert finding.severity == "error" and finding.path == ("产出",)
    assert (finding.claimed, finding.computed) == (D(40), D(35))
    assert finding.place is not None and finding.place.line == line(text, '"产出" = 40')


def test_a_parent_lower_than_its_claimed_children() -> None:
    scores = {"产出": 25, "产出/产出数量": 10, "产出/产出质量": 10, "产出/产出时效": 10}
    finding = one(run(claims(BASE, scores))[0], "A-TOTAL-UNREACHABLE")
    assert (finding.claimed, finding.computed) == (D(25), D(30))


def test_reach_looks_through_unclaimed_levels() -> None:
    scores = {"决策": 20, "决策/资金投入/预算编制科学性": 5, "决策/资金投入/资金分配合理性": 5}
    assert not found(run(claims(BASE, scores))[0], "A-TOTAL-UNREACHABLE")
    scores["决策/资金投入/资金分配合理性"] = 3  # 5 + 3 + at most 10 elsewhere: 18 < 20
    finding = one(run(claims(BASE, scores))[0], "A-TOTAL-UNREACHABLE")
    assert finding.path == ("决策",) and finding.computed == 18


# --- A-FULL-WITHHELD and A-FULL-UNEARNED --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "actual"), [("验收合格率", 95), ("发放补助户数", 210), ("故障报修次数", 11)]
)
def test_full_marks_withheld_for_a_met_target(name: str, actual: int) -> None:
    spec = base()
    target(spec, name)["actual"] = D(actual)
    slot = target(spec, name)["slot"]
    weight = target(spec, name)["weight"]
    report, text = run(claims(spec, {f"{slot}/{name}": weight - 1}))
    finding = one(report, "A-FULL-WITHHELD")
    assert finding.severity == "error" and finding.path == (*slot.split("/"), name)
    assert (finding.claimed, finding.computed) == (weight - 1, weight)
    assert finding.place is not None and finding.place.line == line(text, f'"{slot}/{name}" = ')


def test_full_marks_withheld_from_the_rows_own_score() -> None:
    spec = base()
    target(spec, "验收合格率")["score"] = D(8)
    report, text = run(spec)
    finding = one(report, "A-FULL-WITHHELD")
    assert finding.place is not None and finding.place.line == target_line(text, "验收合格率")


def test_full_marks_for_a_missed_target() -> None:
    spec = base()
    target(spec, "验收合格率").update(actual=D(80), reason="部分设备返修")
    report, text = run(claims(spec, {"产出/产出质量/验收合格率": 10}))
    finding = one(report, "A-FULL-UNEARNED")
    assert finding.severity == "error" and finding.path == ("产出", "产出质量", "验收合格率")
    assert (finding.claimed, finding.computed) == (D(10), D("8.42"))
    assert finding.place is not None and finding.place.line == line(text, '"产出/产出质量/验收合格率" = 10')
    assert not found(run(claims(spec, {"产出/产出质量/验收合格率": "8.42"}))[0], "A-FULL-UNEARNED")


def test_a_miss_that_rounds_to_full_marks_is_not_full_unearned() -> None:
    spec = base()
    target(spec, "验收合格率").update(actual=D("94.999"), reason="差 0.001")
    assert result_of(spec).node("产出", "产出质量", "验收合格率").score == 10
    report, _ = run(claims(spec, {"产出/产出质量/验收合格率": 10}))
    assert not found(report, "A-FULL-UNEARNED") and not found(report, "A-FULL-WITHHELD")


def test_met_target_with_full_marks_is_no_full_finding() -> None:
    report, _ = run(claims(BASE, {"产出/产出质量/验收合格率": 10, "产出/产出数量/故障报修次数": 3}))
    assert not {"A-FULL-WITHHELD", "A-FULL-UNEARNED"} & codes(report)


# --- property: claims equal to the computed result raise no error -----------------------------


def _cents(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
    return st.integers(int(low * 100), int(high * 100)).map(lambda n: D(n) / 100)


@st.composite
def consistent_variants(draw: st.DrawFn) -> tuple[Spec, Ruleset]:
    """A variant of BASE with random actual values, ratings, execution, rounding and N/A policy;
    reasons wherever a score falls short or a target is over-completed; claims (a random
    selection of scores, total, grade, counts, figures, sums) written from the computed result."""
    spec = base()
    for entry in spec["targets"]:
        if entry["operator"] == "定性":
            entry["rating"] = draw(st.sampled_from(["达成年度指标", "达成", "部分达成", "未达成年度指标"]))
        else:
            entry["actual"] = draw(_cents(D(0), entry["value"] * 2))
    if draw(st.booleans()):
        entry = target(spec, draw(st.sampled_from(["培训人数", "发放补助户数", "故障报修次数"])))
        entry.update(na=True, reason="本年度未实施")
    spec["budget"]["执行数"] = draw(_cents(D(50), D(100)))
    ruleset = attrs.evolve(
        NATIONAL,
        rounding=attrs.evolve(
            NATIONAL.rounding, stage=draw(st.sampled_from(["indicator", "level", "total"]))
        ),
        not_applicable=attrs.evolve(
            NATIONAL.not_applicable, policy=draw(st.sampled_from(["rescale", "share"]))
        ),
        audit=attrs.evolve(NATIONAL.audit, low_execution=draw(st.sampled_from([None, D("0.9")]))),
    )
    result = result_of(spec, ruleset)
    for entry in spec["targets"]:
        node = result.node(*entry["slot"].split("/"), entry["name"])
        value, actual = entry["value"], entry["actual"]
        over = entry["operator"] in (">=", "=") and isinstance(actual, Decimal) and actual >= value * D("1.3")
        if (node.score is not None and node.score < node.weight) or over:
            entry.setdefault("reason", "偏差原因已说明")
    if spec["budget"]["执行数"] < 90:
        spec["budget"]["reason"] = "部分项目未完工"
    keys = ["/".join(node.path) for node in result.walk() if node.score is not None]
    chosen = draw(st.one_of(st.just(keys), st.lists(st.sampled_from(keys), unique=True)))
    claimed = claim_all(spec, ruleset, chosen)["claims"]
    if draw(st.booleans()):
        del claimed["total"]
    if draw(st.booleans()):
        del claimed["grade"]
    context = AuditContext(project_from_text(toml(spec)), ruleset, result, default_registry())
    paths = framework_paths(context)
    counted = draw(st.lists(st.sampled_from([p for p in paths if len(p) < 3]), max_size=3, unique=True))
    claimed["counts"] = [
        {"path": "/".join(p), "level": len(p) + 1, "count": sum(1 for q in paths if q[:-1] == p)}
        for p in counted
    ]
    satisfaction = target(spec, "受益群众满意度")["actual"]
    claimed["figures"] = [{"name": "受益群众满意度", "value": satisfaction, "unit": "%"}] * draw(
        st.integers(0, 2)
    )
    parts = draw(st.lists(st.integers(0, 99), min_size=1, max_size=4))
    claimed["sums"] = [
        {"name": "实有人数", "total": sum(parts), "parts": {f"第{i}类": p for i, p in enumerate(parts)}}
    ]
    for key in ("counts", "figures"):
        if not claimed[key]:
            del claimed[key]
    spec["claims"] = claimed
    return spec, ruleset


@given(consistent_variants())
def test_claims_equal_to_the_computed_scores_raise_no_error(variant: tuple[Spec, Ruleset]) -> None:
    spec, ruleset = variant
    report, _ = run(spec, ruleset)
    assert report.result is not None
    errors = [f"{f.code} {f.message}" for f in report.findings if f.severity == "error"]
    assert errors == []
    # reasons are given wherever they are needed: no warning either, but an "=" target off its
    # value is always shown (A-EQUAL-MISSED), reason or not
    off = {
        (*entry["slot"].split("/"), entry["name"])
        for entry in spec["targets"]
        if entry["operator"] == "="
        and not entry.get("na")
        and isinstance(entry["actual"], Decimal)
        and entry["actual"] != entry["value"]
    }
    assert {f.path for f in report.findings if f.code == "A-EQUAL-MISSED"} == off
    # a total next to a grade boundary may be carried across it by rounding: an info, not a fault
    shown = ("A-EQUAL-MISSED", "A-GRADE-ROUNDING")
    assert [f"{f.code} {f.message}" for f in report.findings if f.code not in shown] == []


# --- property: each check fires on data built to violate it --------------------------------------

Builder = Callable[[st.DataObject], tuple[Spec, Ruleset, tuple[str, ...]]]


def _score_diff(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    delta = data.draw(_cents(D("0.11"), D(4)))
    claimed = D(4) - delta if data.draw(st.booleans()) else D(4) + delta
    return claims(BASE, {"产出/产出数量/培训人数": claimed}), NATIONAL, ("产出", "产出数量", "培训人数")


def _integer_rounding(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    spent = data.draw(_cents(D("0.01"), D("49.99")))
    score = round_to(spent / 50 * 10, 2)
    assume(score != score.to_integral_value())
    spec = base(SELF_BASE)
    spec["budget"]["执行数"] = spent
    return claims(spec, {"预算执行率": round_to(score, 0)}), SELF, ("预算执行率",)


def _claim_path(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    name = data.draw(st.text(alphabet="甲乙丙丁戊", min_size=1, max_size=4))
    return claims(BASE, {f"产出/产出数量/{name}": 1}), NATIONAL, ("产出", "产出数量", name)


def _total_diff(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    return claims(BASE, total=D(100) - data.draw(_cents(D("0.11"), D(100)))), NATIONAL, ()


def _grade_diff(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    return claims(BASE, grade=data.draw(st.sampled_from(["良", "中", "差"]))), NATIONAL, ()


def _grade_band(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    total = data.draw(_cents(D(0), D(100)))
    grade = data.draw(st.sampled_from([g for g in "优良中差" if g != NATIONAL.grade_for(total)]))
    return claims(BASE, total=total, grade=grade), NATIONAL, ()


def _subtotal_sum(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    scores = {f"产出/{slot}": D(10) for slot in ("产出数量", "产出质量", "产出时效", "产出成本")}
    wrong = data.draw(st.sampled_from(sorted(scores)))
    scores[wrong] -= data.draw(_cents(D("0.11"), D(10)))
    return claims(BASE, {"产出": 40, **scores}), NATIONAL, ("产出",)


def _total_unreachable(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    slots = data.draw(
        st.lists(
            st.sampled_from(["产出数量", "产出质量", "产出时效", "产出成本"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    scores: dict[str, Any] = {f"产出/{slot}": D(10) for slot in slots}
    high = data.draw(st.booleans())
    delta = data.draw(_cents(D("0.11"), D(5)))
    scores["产出"] = D(40) + delta if high else D(10 * len(slots)) - delta
    return claims(BASE, scores), NATIONAL, ("产出",)


def _full_withheld(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    entry = data.draw(st.sampled_from([t for t in BASE["targets"] if t["operator"] != "定性"]))
    claimed = entry["weight"] - data.draw(_cents(D("0.01"), D(entry["weight"])))
    path = (*entry["slot"].split("/"), entry["name"])
    return claims(BASE, {"/".join(path): claimed}), NATIONAL, path


def _full_unearned(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    spec = base()
    target(spec, "验收合格率").update(actual=data.draw(_cents(D(0), D(94))), reason="返修")
    return claims(spec, {"产出/产出质量/验收合格率": 10}), NATIONAL, ("产出", "产出质量", "验收合格率")


BUILDERS: dict[str, Builder] = {
    "A-SCORE-DIFF": _score_diff,
    "A-INTEGER-ROUNDING": _integer_rounding,
    "A-CLAIM-PATH": _claim_path,
    "A-TOTAL-DIFF": _total_diff,
    "A-GRADE-DIFF": _grade_diff,
    "A-GRADE-BAND": _grade_band,
    "A-SUBTOTAL-SUM": _subtotal_sum,
    "A-TOTAL-UNREACHABLE": _total_unreachable,
    "A-FULL-WITHHELD": _full_withheld,
    "A-FULL-UNEARNED": _full_unearned,
}


def assert_fires(builders: dict[str, Builder], code: str, data: st.DataObject) -> None:
    spec, ruleset, path = builders[code](data)
    report, _ = run(spec, ruleset)
    hits = [f for f in found(report, code) if f.path == path]
    assert hits, (code, path, [f"{f.code} {f.path} {f.message}" for f in report.findings])
    declared = {
        check.code: check.severity
        for check in (*BUILTIN_CHECKS, *SUBTOTAL_CHECKS, *ROW_CHECKS, *STATEMENT_CHECKS)
    }[code]
    assert all(SEVERITIES.index(f.severity) >= SEVERITIES.index(declared) for f in hits)
    assert all(f.place is not None and f.place.file == "test.toml" for f in hits)


@pytest.mark.parametrize("code", BUILDERS)
@settings(max_examples=25)
@given(data=st.data())
def test_each_comparison_check_fires_on_data_built_to_violate_it(code: str, data: st.DataObject) -> None:
    assert_fires(BUILDERS, code, data)


# --- evalrules audit ------------------------------------------------------------------------------


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    def invoke(*argv: object) -> tuple[int, str]:
        code = main([str(a) for a in argv])
        return code, capsys.readouterr().out

    return invoke


def test_audit_command_json_and_exit_codes(tmp_path: Path, cli: Callable[..., tuple[int, str]]) -> None:
    path = tmp_path / "submission.toml"
    text = toml(claims(BASE, {"产出/产出数量/培训人数": 3}, total=D(99)))
    path.write_text(text, encoding="utf-8")
    code, out = cli("audit", path, "--format", "json")
    assert code == 3
    data = json.loads(out)
    assert data["total"] == 100 and data["grade"] == "优"
    diff = next(f for f in data["findings"] if f["code"] == "A-SCORE-DIFF")
    assert set(diff) >= {"code", "severity", "path", "message", "claimed", "computed"}
    assert diff["severity"] == "error" and diff["path"] == ["产出", "产出数量", "培训人数"]
    assert (diff["claimed"], diff["computed"]) == (3, 4)
    assert diff["location"] == {
        "file": str(path),
        "where": "[claims.scores] “产出/产出数量/培训人数”",
        "line": line(text, '"产出/产出数量/培训人数"'),
    }
    assert {f["code"] for f in data["findings"]} >= {"A-SCORE-DIFF", "A-FULL-WITHHELD", "A-TOTAL-DIFF"}
    assert cli("audit", path, "--fail-on", "never")[0] == 0


def test_audit_command_passes_consistent_data_and_warns_by_level(
    tmp_path: Path, cli: Callable[..., tuple[int, str]]
) -> None:
    path = tmp_path / "submission.toml"
    path.write_text(toml(claim_all(base())), encoding="utf-8")
    code, out = cli("audit", path, "--fail-on", "warning")
    assert code == 0 and "共 0 项" in out
    spec = base()
    target(spec, "培训人数")["actual"] = D(40)  # no reason: a warning only
    path.write_text(toml(claim_all(spec)), encoding="utf-8")
    code, out = cli("audit", path)
    assert code == 0 and "[A-NO-REASON]" in out and "警告（1）" in out
    code, out = cli("audit", path, "--fail-on", "warning", "--format", "json")
    assert code == 3 and [f["code"] for f in json.loads(out)["findings"]] == ["A-NO-REASON"]


# --- realistic forms (tests/forms/audit_*) -------------------------------------------------------

FORMS = Path(__file__).parent / "forms"


def form(name: str, *replacements: tuple[str, str]) -> tuple[AuditReport, str]:
    text = (FORMS / name).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    project = project_from_text(text, name)
    return evalrules.audit(project, evalrules.load_ruleset(project.ruleset)), text


RATED = ("效益指标", "社会效益指标", "困难残疾人基本生活")


def test_a_rated_score_inside_its_band_is_no_score_diff_but_still_needs_a_reason() -> None:
    report, _ = form("audit_self_subsidy.toml")
    assert report.result is not None and report.result.node(*RATED).score == 15  # 达成: the band's default
    assert [f for f in found(report, "A-SCORE-DIFF") if f.path == RATED] == []
    [reason] = [f for f in found(report, "A-NO-REASON") if f.path == RATED]
    assert (reason.claimed, reason.computed) == (D(13), D(15))
    explained, _ = form(
        "audit_self_subsidy.toml",
        ('rating = "达成年度指标"\n', 'rating = "达成年度指标"\nreason = "个别对象未及时复核"\n'),
    )
    assert [f for f in explained.findings if f.path == RATED] == []


@pytest.mark.parametrize("claimed", ["11.9", "15.5", "8"])
def test_a_rated_score_outside_its_band_is_a_score_diff(claimed: str) -> None:
    report, _ = form(
        "audit_self_subsidy.toml",
        ('社会效益指标/困难残疾人基本生活" = 13', f'社会效益指标/困难残疾人基本生活" = {claimed}'),
    )
    assert [f.claimed for f in found(report, "A-SCORE-DIFF") if f.path == RATED] == [D(claimed)]


def test_a_rated_row_with_its_own_score_is_compared_with_that_score() -> None:
    # the evaluators gave 14 on the row itself: a claim of 13 elsewhere contradicts the row
    report, _ = form(
        "audit_self_subsidy.toml",
        ('rating = "达成年度指标"\n', 'rating = "达成年度指标"\nscore = 14\nreason = "个别对象未及时复核"\n'),
    )
    assert [(f.claimed, f.computed) for f in found(report, "A-SCORE-DIFF") if f.path == RATED] == [
        (D(13), D(14))
    ]


def test_a_full_execution_rate_scored_below_full_is_full_withheld() -> None:
    report, _ = form(
        "audit_self_overspent.toml",
        ('"预算执行率" = 10', '"预算执行率" = 9'),
        ('"执行数" = 150', '"执行数" = 100'),
    )
    finding = one(report, "A-FULL-WITHHELD")
    assert finding.path == ("预算执行率",) and (finding.claimed, finding.computed) == (D(9), D(10))
    assert (
        "执行数 100万元 ÷ 全年预算数 100万元 = 100%，已达到 100%，应得满分 10 分，申报却只给 9 分"
        in finding.message
    )
    assert one(report, "A-SCORE-DIFF").path == ("预算执行率",)


def test_a_full_arrival_rate_scored_below_full_is_full_withheld() -> None:
    report, text = form("audit_dept_weights.toml")
    finding = one(report, "A-FULL-WITHHELD")
    assert finding.path == ("过程", "资金管理", "资金到位率")
    assert "到位资金 120万元 ÷ 全年预算数 120万元 = 100%" in finding.message
    assert finding.place is not None and finding.place.line == line(text, '"过程/资金管理/资金到位率" = 4')


def test_full_marks_claimed_on_a_rate_below_one_hundred_percent_is_unearned_unless_it_shows_as_full() -> None:
    report, _ = form("audit_dept_weights.toml")
    finding = one(report, "A-FULL-UNEARNED")
    assert finding.path == ("过程", "资金管理", "预算执行率") and finding.computed == D("4.94")
    boundary, _ = form("audit_self_boundary.toml")  # 99.95% of 10 points shows as 10.00
    assert not found(boundary, "A-FULL-UNEARNED")
