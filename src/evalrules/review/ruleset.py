"""Review rulesets (审核规则集): a TOML kind of its own, loaded with located errors.

    [review]          id, title, basis, provenance, status
    [[rules]]         id, title, severity, aspect, applies_to, when | check, params, message,
                      provenance, status
    [[conclusions]]   grade, label, next_step, when (the last one has no when)

docs/review.md documents every key. Shipped rulesets live in rulesets/review/.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import field, frozen

from ..base.errors import FormulaError, LoadError, Problem, suggest
from ..base.sources import Document, read_text
from ..default_plugins.rulesets import rulesets_folder
from ..formula.evaluator import Formula, compile_formula
from ..hooks.findings import Severity
from ..hooks.registry import Registry, default_registry
from ..hooks.review_checks import TARGET_FIELDS, ReviewCheck
from . import DEFAULT_REVIEW_RULESET
from .facts import CATEGORIES, FACT_NAMES

REVIEW_KEYS = ("id", "title", "basis", "provenance", "status")
RULE_KEYS = (
    "id",
    "title",
    "severity",
    "aspect",
    "applies_to",
    "when",
    "check",
    "params",
    "message",
    "provenance",
    "status",
)
CONCLUSION_KEYS = ("grade", "label", "next_step", "when")
TOP_REVIEW_KEYS = ("review", "rules", "conclusions")
ASPECTS = ("完整性", "相关性", "适当性", "可行性")
"""88号's four 审核 contents [M]: each rule belongs to one; a conclusion may count by aspect."""
SEVERITY_WORDS: Mapping[str, Severity] = {
    "error": "error",
    "warning": "warning",
    "info": "info",
    "错误": "error",
    "警告": "warning",
    "提示": "info",
}


def count_names() -> tuple[str, ...]:
    """The names a conclusion's when may use: 错误, 警告, 提示 and each aspect's (完整性错误 …)."""
    words = ("错误", "警告", "提示")
    return (*words, *(f"{aspect}{word}" for aspect in ASPECTS for word in words))


@frozen
class ReviewRule:
    id: str
    severity: Severity
    aspect: str
    message: str
    applies_to: tuple[str, ...] = ()
    when: Formula | None = None
    check: str = ""
    params: Mapping[str, Any] = field(factory=dict)
    title: str = ""
    provenance: str = ""
    status: str = ""
    line: int | None = None


@frozen
class Conclusion:
    grade: str
    label: str
    next_step: str = ""
    when: Formula | None = None


@frozen
class ReviewRuleset:
    id: str
    title: str
    rules: tuple[ReviewRule, ...]
    conclusions: tuple[Conclusion, ...]
    basis: str = ""
    provenance: str = ""
    status: str = ""
    file: str = ""


def shipped_folder() -> Any:
    return rulesets_folder() / "review"


def shipped_ids() -> list[str]:
    folder = shipped_folder()
    return sorted(entry.name[:-5] for entry in folder.iterdir() if entry.name.endswith(".toml"))


def load_review_ruleset(
    reference: str | Path = DEFAULT_REVIEW_RULESET, registry: Registry | None = None
) -> ReviewRuleset:
    """A review ruleset by id (shipped in rulesets/review/) or TOML path; raises LoadError
    listing every problem, located."""
    text = str(reference)
    if text.endswith(".toml") or Path(text).is_file():
        path: Any = Path(text)
        if not path.is_file():
            raise LoadError([Problem("E-REVIEW", "找不到审核规则集文件", file=text)])
    else:
        known = shipped_ids()
        if text not in known:
            raise LoadError(
                [
                    Problem(
                        "E-REVIEW",
                        f"未知的审核规则集 “{text}”",
                        expected="审核规则集 id 或 .toml 文件",
                        suggestion=suggest(text, known) or f"可用的审核规则集：{'、'.join(known)}",
                    )
                ]
            )
        path = shipped_folder() / f"{text}.toml"
    return review_ruleset_from_document(read_text(path), registry or default_registry())


def review_ruleset_from_document(document: Document, registry: Registry) -> ReviewRuleset:
    return _Reader(document, registry).read()


class _Reader:
    def __init__(self, document: Document, registry: Registry) -> None:
        self.document = document
        self.registry = registry
        self.problems: list[Problem] = []

    def problem(
        self, message: str, where: str, line: int | None, code: str = "E-REVIEW", **more: str | None
    ) -> None:
        self.problems.append(Problem(code, message, file=self.document.name, where=where, line=line, **more))

    def unknown(
        self, table: Mapping[str, Any], allowed: tuple[str, ...], where: str, line: int | None
    ) -> None:
        for key in table:
            if key not in allowed:
                self.problem(
                    f"未知的键 “{key}”",
                    where,
                    self.document.line_after(line, key) or line,
                    code="E-KEY-UNKNOWN",
                    suggestion=suggest(key, allowed) or f"可用的键：{'、'.join(allowed)}",
                )

    def text(
        self, table: Mapping[str, Any], key: str, where: str, line: int | None, *, required: bool
    ) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.problem(f"缺少 {key}", where, line)
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(
                f"{key} 应为非空的文字（加引号）", where, self.document.line_after(line, key) or line
            )
            return ""
        return value.strip()

    def formula(self, source: str, names: tuple[str, ...], where: str, line: int | None) -> Formula | None:
        try:
            return compile_formula(source, functions=self.registry.functions, names=names)
        except FormulaError as error:
            problem = error.problems[0]
            self.problem(
                problem.message,
                f"{where} when “{source}”",
                line,
                code=problem.code,
                suggestion=problem.suggestion,
            )
            return None

    def read(self) -> ReviewRuleset:
        data = self.document.data
        self.unknown(data, TOP_REVIEW_KEYS, "顶层", None)
        head = data.get("review")
        head_line = self.document.line_of("review")
        if not isinstance(head, dict):
            self.problem("缺少 [review] 表（审核规则集的 id 与标题）", "[review]", None)
            head = {}
        self.unknown(head, REVIEW_KEYS, "[review]", head_line)
        ruleset_id = self.text(head, "id", "[review]", head_line, required=True)
        title = self.text(head, "title", "[review]", head_line, required=True)
        rules = self.rules()
        conclusions = self.conclusions()
        if self.problems:
            raise LoadError(self.problems)
        return ReviewRuleset(
            ruleset_id,
            title,
            rules,
            conclusions,
            basis=self.text(head, "basis", "[review]", head_line, required=False),
            provenance=self.text(head, "provenance", "[review]", head_line, required=False),
            status=self.text(head, "status", "[review]", head_line, required=False),
            file=self.document.name,
        )

    def entries(self, key: str) -> list[tuple[dict[str, Any], int | None]]:
        value = self.document.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
            self.problem(f"[[{key}]] 应为表的数组", f"[[{key}]]", self.document.line_of(key))
            return []
        return [(entry, self.document.nth_table_line(key, index)) for index, entry in enumerate(value)]

    def rules(self) -> tuple[ReviewRule, ...]:
        built: list[ReviewRule] = []
        seen: set[str] = set()
        for index, (entry, line) in enumerate(self.entries("rules")):
            where = f"[[rules]] 第 {index + 1} 项" + (
                f"（{entry['id']}）" if isinstance(entry.get("id"), str) else ""
            )
            self.unknown(entry, RULE_KEYS, where, line)
            rule = self.rule(entry, where, line)
            if rule is None:
                continue
            if rule.id in seen:
                self.problem(f"规则 id “{rule.id}” 重复", where, line)
            seen.add(rule.id)
            built.append(rule)
        if not built and not self.problems:
            self.problem("审核规则集没有任何规则 [[rules]]", "[[rules]]", None)
        return tuple(built)

    def rule(self, entry: dict[str, Any], where: str, line: int | None) -> ReviewRule | None:
        at = self.document.line_after
        rule_id = self.text(entry, "id", where, line, required=True)
        message = self.text(entry, "message", where, line, required=True)
        raw_severity = entry.get("severity")
        severity = SEVERITY_WORDS.get(str(raw_severity)) if raw_severity is not None else None
        if severity is None:
            self.problem(
                f"未知的 severity “{raw_severity}”" if raw_severity is not None else "缺少 severity",
                where,
                at(line, "severity") or line,
                expected="error（错误）、warning（警告）或 info（提示）",
                suggestion=suggest(str(raw_severity), SEVERITY_WORDS) if raw_severity is not None else None,
            )
        aspect = self.text(entry, "aspect", where, line, required=True)
        if aspect and aspect not in ASPECTS:
            self.problem(
                f"未知的 aspect “{aspect}”",
                where,
                at(line, "aspect") or line,
                expected="、".join(ASPECTS),
                suggestion=suggest(aspect, ASPECTS),
            )
        applies = entry.get("applies_to", [])
        if isinstance(applies, str):
            applies = [applies]
        if not isinstance(applies, list) or not all(isinstance(item, str) for item in applies):
            self.problem("applies_to 应为类别名称的数组", where, at(line, "applies_to") or line)
            applies = []
        for item in applies:
            if item not in CATEGORIES:
                self.problem(
                    f"applies_to 中未知的类别 “{item}”",
                    where,
                    at(line, "applies_to") or line,
                    expected="、".join(CATEGORIES),
                    suggestion=suggest(item, CATEGORIES),
                )
        when_text = entry.get("when")
        check_name = entry.get("check")
        fields: tuple[str, ...] = ()
        when = None
        params: dict[str, Any] = {}
        if (when_text is None) == (check_name is None):
            self.problem("规则应有 when（公式）或 check（检查函数）二者之一", where, line)
        elif when_text is not None:
            if not isinstance(when_text, str):
                self.problem("when 应为公式文字", where, at(line, "when") or line)
            else:
                when = self.formula(when_text, FACT_NAMES, where, at(line, "when") or line)
                fields = FACT_NAMES
            if "params" in entry:
                self.problem("params 只对 check 有效", where, at(line, "params") or line)
        else:
            check = self.registry.review_checks.get(str(check_name))
            if check is None:
                known = sorted(self.registry.review_checks)
                self.problem(
                    f"未知的检查函数 “{check_name}”",
                    where,
                    at(line, "check") or line,
                    suggestion=suggest(str(check_name), known) or f"已登记的检查函数：{'、'.join(known)}",
                )
            else:
                params = self.params(entry, check, where, line)
                fields = check.fields
        self.placeholders(message, (*TARGET_FIELDS, *fields), where, at(line, "message") or line)
        if not (rule_id and message and severity and aspect in ASPECTS):
            return None
        return ReviewRule(
            rule_id,
            severity,
            aspect,
            message,
            tuple(applies),
            when,
            str(check_name or ""),
            params,
            title=self.text(entry, "title", where, line, required=False),
            provenance=self.text(entry, "provenance", where, line, required=False),
            status=self.text(entry, "status", where, line, required=False),
            line=line,
        )

    def params(
        self, entry: dict[str, Any], check: ReviewCheck, where: str, line: int | None
    ) -> dict[str, Any]:
        raw = entry.get("params", {})
        if not isinstance(raw, dict):
            self.problem("params 应为表", where, self.document.line_after(line, "params") or line)
            return dict(check.params)
        for key in raw:
            if key not in check.params:
                self.problem(
                    f"检查函数 {check.name} 没有参数 “{key}”",
                    where,
                    self.document.line_after(line, key) or line,
                    suggestion=suggest(key, check.params)
                    or f"可用的参数：{'、'.join(check.params) or '（无）'}",
                )
            elif type(raw[key]) is not type(check.params[key]):
                self.problem(
                    f"参数 {key} 的类型不对",
                    where,
                    self.document.line_after(line, key) or line,
                    expected=type(check.params[key]).__name__,
                    found=type(raw[key]).__name__,
                )
        return {**check.params, **{k: v for k, v in raw.items() if k in check.params}}

    def placeholders(self, message: str, fields: tuple[str, ...], where: str, line: int | None) -> None:
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(message) if name is not None]
        except ValueError as error:
            self.problem(
                f"message 的占位符写错了：{error}", where, line, suggestion="花括号本身写作 {{ 和 }}"
            )
            return
        for name in names:
            if name not in fields:
                self.problem(
                    f"message 中未知的占位符 “{{{name}}}”",
                    where,
                    line,
                    suggestion=suggest(name, fields) or f"可用的占位符：{'、'.join(fields)}",
                )

    def conclusions(self) -> tuple[Conclusion, ...]:
        built: list[Conclusion] = []
        entries = self.entries("conclusions")
        for index, (entry, line) in enumerate(entries):
            where = f"[[conclusions]] 第 {index + 1} 项"
            self.unknown(entry, CONCLUSION_KEYS, where, line)
            grade = self.text(entry, "grade", where, line, required=True)
            label = self.text(entry, "label", where, line, required=True)
            when_text = entry.get("when")
            last = index == len(entries) - 1
            when = None
            if when_text is not None and not isinstance(when_text, str):
                self.problem("when 应为公式文字", where, line)
            elif when_text is not None:
                if last:
                    self.problem("最后一项审核结论不应有 when：它是其余情况的结论", where, line)
                when = self.formula(
                    when_text, count_names(), where, self.document.line_after(line, "when") or line
                )
            elif not last:
                self.problem("除最后一项外，每项审核结论都应有 when", where, line)
            next_step = self.text(entry, "next_step", where, line, required=False)
            built.append(Conclusion(grade, label, next_step, when))
        if not entries:
            self.problem(
                "缺少审核结论 [[conclusions]]（至少一项，最后一项不写 when）", "[[conclusions]]", None
            )
        return tuple(built)
