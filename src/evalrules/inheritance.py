"""``extends``: find the chain of rulesets a file builds on and apply each child's changes.

A child may change top-level tables key by key, replace [[grades]], and edit the inherited
indicator tree with [[override]] (path must exist), [[add]] (parent must exist, name must not)
and [[remove]] (paths must exist). Every misspelled path gets a suggestion.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from .errors import LoadError, Problem, suggest
from .plugins import Registry
from .sources import Document, read_text

MAX_EXTENDS_DEPTH = 10
"""Longest chain of ``extends`` followed before it is refused as a likely cycle."""


def _document_for(reference: str, registry: Registry, *, referrer: str | None) -> Document:
    source = registry.rulesets.get(reference)
    if source is not None:
        return source.read()
    if reference.endswith(".toml") or "/" in reference or Path(reference).is_file():
        return read_text(Path(reference))
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


def resolve_documents(reference: str, registry: Registry) -> list[Document]:
    """The file itself first, then each ruleset it extends, up the chain."""
    documents = [_document_for(reference, registry, referrer=None)]
    while True:
        header = documents[-1].data.get("ruleset")
        parent = header.get("extends") if isinstance(header, dict) else None
        if parent is None:
            return documents
        seen = [d.data["ruleset"].get("id") for d in documents]
        if parent in seen or len(documents) > MAX_EXTENDS_DEPTH:
            raise LoadError(
                [
                    Problem(
                        "E-EXTENDS-CYCLE",
                        f"extends 形成循环：{' → '.join(map(str, seen))} → {parent}",
                        file=documents[-1].name,
                        where="[ruleset] extends",
                    )
                ]
            )
        documents.append(_document_for(str(parent), registry, referrer=documents[-1].name))


def merge(documents: list[Document]) -> dict[str, Any]:
    """Apply each child's overrides onto its parent, from the root of the chain down."""
    merged = copy.deepcopy(documents[-1].data)
    lineage: list[str] = []
    for document in reversed(documents[:-1]):
        lineage.append(str(merged.get("ruleset", {}).get("id", "")))
        merged = _apply(merged, document)
    if lineage:
        merged["ruleset"]["derived_from"] = [*merged["ruleset"].get("derived_from", []), *lineage]
        merged["ruleset"].pop("extends", None)
    return merged


def _apply(base: dict[str, Any], child: Document) -> dict[str, Any]:
    data = copy.deepcopy(child.data)
    result = copy.deepcopy(base)
    problems: list[Problem] = []
    for key in ("ruleset", "scoring", "rounding", "not_applicable", "target_methods", "provenance"):
        if isinstance(data.get(key), dict):
            result.setdefault(key, {}).update(data[key])
    result["ruleset"].pop("extends", None)
    if "grades" in data:
        result["grades"] = data["grades"]
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
    for index, entry in enumerate(_tables(data.get("override", []))):
        where = f"[[override]] 第 {index + 1} 项"
        node = _find_raw(tree, str(entry.get("path", "")), child, where, problems)
        if node is not None:
            node.update({k: v for k, v in entry.items() if k != "path"})
    for index, entry in enumerate(_tables(data.get("add", []))):
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
    for index, entry in enumerate(_tables(data.get("remove", []))):
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


def _tables(value: Any) -> list[dict[str, Any]]:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


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
