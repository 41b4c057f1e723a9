"""The keys of the ruleset TOML format, table by table (what docs/ruleset-format.md documents)."""

from __future__ import annotations

TOP_KEYS = {
    "ruleset": "元数据",
    "scoring": "满分与容差",
    "rounding": "舍入",
    "not_applicable": "不适用政策",
    "grades": "等级",
    "target_methods": "绩效指标的计分方法",
    "project_methods": "项目可以自选的计分方法",
    "provenance": "参数来源",
    "indicators": "指标树",
    "override": "覆盖上级指标",
    "add": "新增指标",
    "remove": "删除指标",
    "options": "插件开关",
    "audit": "复核阈值",
    "examples": "算例（金标准）",
}
INFO_KEYS = (
    "id",
    "version",
    "title",
    "document",
    "document_title",
    "issuer",
    "effective",
    "mode",
    "description",
    "extends",
    "derived_from",
)
INDICATOR_KEYS = ("name", "weight", "children", "method", "params", "slot", "description", "provenance")
SCORING_KEYS = ("max", "tolerance")
ROUNDING_KEYS = ("places", "mode", "stage", "total_before_grade")
NOT_APPLICABLE_KEYS = ("policy", "missing_actual")
GRADE_KEYS = ("name", "min", "max")
SLOT_KEYS = ("empty", "groups")
TARGET_METHOD_KEYS = ("method", "params")
PROJECT_METHODS_KEYS = ("allowed",)
PROVENANCE_KEYS = ("tag", "status", "source", "note")
AUDIT_KEYS = ("over_completion", "low_execution", "output_outcome_share")
EXAMPLE_KEYS = (
    "name",
    "description",
    "expected",
    "project",
    "budget",
    "weights",
    "targets",
    "assessments",
    "flags",
)
"""Keys of an [[examples]] table: the worked example's name, its project data (the tables of a
project file) and the scores expected (``expected = { total = …, grade = "…", "路径" = … }``)."""
EXPECTED_RESERVED = ("total", "grade")
EDIT_KEYS = {"override": ("path", *INDICATOR_KEYS), "add": ("parent", *INDICATOR_KEYS), "remove": ("path",)}
"""Keys of the [[override]], [[add]] and [[remove]] tables of a ruleset that ``extends`` another."""

MAX_TREE_DEPTH = 10
"""The deepest indicator tree a ruleset may have (real ones have three or four levels): deeper
trees are refused (E-TREE-DEPTH) before anything recurses through them."""

MAX_GRADES = 20
"""The most grade bands a ruleset may have (real ones have four): each one is checked against
every generated total by `evalrules check`."""
