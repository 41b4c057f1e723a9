"""``extends``: find the chain of rulesets a file builds on and apply each child's changes.

A child may change top-level tables key by key, replace [[grades]], and edit the inherited
indicator tree with [[override]] (path must exist), [[add]] (parent must exist, name must not)
and [[remove]] (paths must exist). Every misspelled path gets a suggestion.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ..base.errors import LoadError, Problem, suggest
from ..base.sources import Document, read_text
from ..hooks.registry import Registry
from .schema import INDICATOR_KEYS

MAX_EXTENDS_DEPTH = 10
"""Longest chain of ``extends`` followed before it is refused as a likely cycle."""


def _document_for(reference: str, registry: Registry, *, referrer: str | None) -> Document:
    """A registered ruleset by id, or a TOML file; a relative path is taken from the referring file."""
    source = registry.rulesets.get(reference)
    if source is not None:
        return source.read()
    if reference.endswith(".toml") or "/" in reference or Path(reference).is_file():
        path = Path(reference)
        if referrer is not None and not path.is_absolute():
            path = Path(referrer).parent / path
        return read_text(path)
    raise LoadError(
        [
            Problem(
                "E-RULESET-UNKNOWN",
                f"未知的规则集 “{reference}”",
                file=referrer,
                suggestion=suggest(reference, registry.rulesets)
                or f"可用规则集：{'、'.join(registry.rulesets)}",
            )
        ]
    )


def _ruleset_id(document: Document) -> str:
    header = document.data.get("ruleset")
    return str(header.get("id", "")) if isinstance(header, dict) else ""


def resolve_documents(reference: str, registry: Registry) -> list[Document]:
    """The file itself first, then each ruleset it extends, up the chain."""
    documents = [_document_for(reference, registry, referrer=None)]
    while True:
        header = documents[-1].data.get("ruleset")
        parent = header.get("extends") if isinstance(header, dict) else None
        if parent is None:
            return documents
        document = _document_for(str(parent), registry, referrer=documents[-1].name)
        _check_shape(document)
        seen = [_ruleset_id(d) for d in documents]
        if len(documents) >= MAX_EXTENDS_DEPTH:
            raise LoadError(
                [
                    Problem(
                        "E-EXTENDS-DEPTH",
                        f"extends 链过长：超过 {MAX_EXTENDS_DEPTH} 层（{' → '.join(seen)} → …）",
                        file=documents[0].name,
                    )
                ]
            )
        if _ruleset_id(document) in seen:
            raise LoadError(
                [
                    Problem(
                        "E-EXTENDS-CYCLE",
                        f"extends 形成循环：{' → '.join(seen)} → {_ruleset_id(document)}",
                        file=documents[-1].name,
                        line=documents[-1].line_of("extends"),
                        where="[ruleset] extends",
                    )
                ]
            )
        documents.append(document)


_TABLES = (
    "ruleset",
    "scoring",
    "rounding",
    "not_applicable",
    "target_methods",
    "project_methods",
    "provenance",
    "options",
    "audit",
)
_LISTS = ("indicators", "grades", "examples")


def _check_shape(parent: Document) -> None:
    """A parent is merged as it is written, before any reader checks it: its tables must be
    tables and its lists lists of tables, or it is refused here, with its own file and line."""
    problems = [
        Problem("E-TYPE", f"[{key}] 应为表", file=parent.name, line=parent.line_of(key), where=f"[{key}]")
        for key in _TABLES
        if key in parent.data and not isinstance(parent.data[key], dict)
    ]
    for key in _LISTS:
        if key in parent.data and not _table_list(parent.data[key], nested=key == "indicators"):
            problems.append(
                Problem(
                    "E-TYPE",
                    f"[[{key}]] 应为表的列表（下级指标 children 也是）",
                    file=parent.name,
                    line=parent.line_of(key),
                    where=f"[[{key}]]",
                )
            )
    if problems:
        raise LoadError(problems)


def _table_list(value: Any, *, nested: bool) -> bool:
    """A list of tables; with nested, each table's children (if any) are such a list too."""
    return isinstance(value, list) and all(
        isinstance(entry, dict) and (not nested or _table_list(entry.get("children", []), nested=True))
        for entry in value
    )


def merge(documents: list[Document]) -> dict[str, Any]:
    """Apply each child's overrides onto its parent, from the root of the chain down."""
    merged = copy.deepcopy(documents[-1].data)
    lineage: list[str] = []
    for document in reversed(documents[:-1]):
        lineage.append(str(merged.get("ruleset", {}).get("id", "")))
        merged = _apply(merged, document)
    if lineage:
        previous = merged["ruleset"].get("derived_from", [])
        if isinstance(previous, list):  # otherwise kept as written: the reader refuses it, located
            merged["ruleset"]["derived_from"] = [*previous, *lineage]
        merged["ruleset"].pop("extends", None)
    return merged


def _apply(base: dict[str, Any], child: Document) -> dict[str, Any]:
    data = copy.deepcopy(child.data)
    result = copy.deepcopy(base)
    problems: list[Problem] = []
    for key in _TABLES[1:]:  # every table but [ruleset], whose keys are merged on their own
        if isinstance(data.get(key), dict):
            result.setdefault(key, {}).update(data[key])
    header = data.get("ruleset", {})  # a child is its own document: its header replaces the parent's
    result["ruleset"] = {key: value for key, value in header.items() if key != "extends"}
    if "grades" in data:
        result["grades"] = data["grades"]
    # worked examples are never inherited: the child changes the rules, so the parent's expected
    # scores need not hold; the child's own [[examples]] (if any) are the ruleset's examples
    result.pop("examples", None)
    if "examples" in data:
        result["examples"] = data["examples"]
    if "indicators" in data:
        problems.append(
            Problem(
                "E-EXTENDS-INDICATORS",
                "继承规则集时不能重写整个 [[indicators]]",
                file=child.name,
                suggestion="用 [[override]]、[[add]] 和 [[remove]] 修改上级规则集的指标",
            )
        )
    tree = result.setdefault("indicators", [])
    for index, entry in enumerate(_tables(data, "override", child, problems)):
        where = f"[[override]] 第 {index + 1} 项"
        line = child.nth_table_line("override", index)
        for key in entry:
            if key != "path" and key not in INDICATOR_KEYS:
                problems.append(
                    Problem(
                        "E-KEY-UNKNOWN",
                        f"未知的键 “{key}”",
                        file=child.name,
                        line=child.line_after(line, key),
                        where=where,
                        suggestion=suggest(key, INDICATOR_KEYS),
                    )
                )
        node = _find_raw(tree, str(entry.get("path", "")), child, where, problems)
        if node is not None:
            node.update({k: v for k, v in entry.items() if k != "path"})
    for index, entry in enumerate(_tables(data, "add", child, problems)):
        where = f"[[add]] 第 {index + 1} 项"
        parent_path = str(entry.get("parent", ""))
        siblings = tree
        if parent_path:
            parent = _find_raw(tree, parent_path, child, where, problems)
            siblings = parent.setdefault("children", []) if parent is not None else []
        if any(s.get("name") == entry.get("name") for s in siblings):
            problems.append(
                Problem(
                    "E-EXTENDS-ADD",
                    f"指标 “{entry.get('name')}” 已存在，应使用 [[override]]",
                    file=child.name,
                    where=where,
                )
            )
            continue
        siblings.append({k: v for k, v in entry.items() if k != "parent"})
    for index, entry in enumerate(_tables(data, "remove", child, problems)):
        where = f"[[remove]] 第 {index + 1} 项"
        path = str(entry.get("path", ""))
        parts = path.split("/")
        parent = None if len(parts) == 1 else _find_raw(tree, "/".join(parts[:-1]), child, where, problems)
        siblings = tree if len(parts) == 1 else (parent or {}).get("children", [])
        kept = [node for node in siblings if node.get("name") != parts[-1]]
        if len(kept) == len(siblings) and (len(parts) == 1 or parent is not None):
            problems.append(
                Problem(
                    "E-EXTENDS-PATH",
                    f"要删除的指标 “{path}” 不存在",
                    file=child.name,
                    where=where,
                    suggestion=suggest(parts[-1], [n.get("name", "") for n in siblings]),
                )
            )
        siblings[:] = kept
    if problems:
        raise LoadError(problems)
    return result


def _tables(
    data: dict[str, Any], key: str, document: Document, problems: list[Problem]
) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if isinstance(value, list) and all(isinstance(entry, dict) for entry in value):
        return value
    problems.append(
        Problem(
            "E-TYPE",
            f"{key} 应写成表的数组 [[{key}]]，每项一个 path",
            file=document.name,
            line=document.line_of(key),
            where=key,
            suggestion=f'例如：\n[[{key}]]\npath = "决策/项目立项"',
        )
    )
    return []


def _find_raw(
    tree: list[dict[str, Any]], path: str, document: Document, where: str, problems: list[Problem]
) -> dict[str, Any] | None:
    level, node = tree, None
    for name in path.split("/"):
        node = next((entry for entry in level if entry.get("name") == name), None)
        if node is None:
            problems.append(
                Problem(
                    "E-EXTENDS-PATH",
                    f"上级规则集中没有指标 “{path}”",
                    file=document.name,
                    where=where,
                    suggestion=suggest(name, [e.get("name", "") for e in level]),
                )
            )
            return None
        level = node.setdefault("children", []) if "children" in node else []
    return node
