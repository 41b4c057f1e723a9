"""Project → TOML/JSON data: the inverse of :mod:`evalrules.io.project_loading`.

``project_from_text(project_to_toml(p))`` gives back a project equal to ``p`` in everything but
the places (file, table and line) its values came from. The figures of targets keep their exact
text: a value read from "192.05" is written as the number 192.05, one read from "95%" or
"1,250.00" as that text, so converting back and forth loses nothing. Keys whose value is the
default (empty reason, no weight, ...) are left out.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import tomli_w

from ..base.numbers import fmt
from ..model.claims import Claims
from ..model.project import BUDGET_FIELDS, Assessment, Budget, Project, Target
from .evidence_export import evidence_data

__all__ = ["data_to_toml", "exact", "project_to_data", "project_to_toml"]


def project_to_toml(project: Project) -> str:
    """The project as a TOML project file (tomli-w), ready to be corrected by hand and loaded."""
    return data_to_toml(project_to_data(project))


def data_to_toml(data: dict[str, Any]) -> str:
    """The data of a project file (as project_to_data gives it, changed or not) as TOML."""
    return tomli_w.dumps(_plain(data))


def _plain(value: Any) -> Any:
    """Whole numbers as TOML integers (44, not the 44.0 tomli-w writes for Decimal("44"))."""
    if isinstance(value, Decimal) and value == value.to_integral_value() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def project_to_data(project: Project) -> dict[str, Any]:
    """The project as the nested data of a project file (numbers as Decimal, texts as str)."""
    header: dict[str, Any] = {"name": project.name}
    if project.unit:
        header["unit"] = project.unit
    if project.year is not None:
        header["year"] = project.year
    if project.region:
        header["region"] = project.region
    if project.ruleset is not None:
        header["ruleset"] = project.ruleset
    data: dict[str, Any] = {"project": header, "budget": _budget(project.budget)}
    if project.weights:
        data["weights"] = {"/".join(path): weight for path, weight in project.weights.items()}
    if project.targets:
        data["targets"] = [_target(target) for target in project.targets]
    if project.assessments:
        data["assessments"] = [_assessment(assessment) for assessment in project.assessments]
    claims = _claims(project.claims)
    if claims:
        data["claims"] = claims
    if project.texts:
        data["texts"] = dict(project.texts)
    if project.flags:
        data["flags"] = dict(project.flags)
    return data


def exact(text: str) -> Decimal | str:
    """A figure's text as a number when reading the number back gives the same text, else the text.

    "192.05" → Decimal("192.05"); "95%", "1,250.00", "1.0", "完成" stay texts (they read back
    to the same value and the same text).
    """
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    if not number.is_finite():
        return text
    written = fmt(number) if number == number.to_integral_value() else str(number)
    return number if written == text else text


def _budget(budget: Budget) -> dict[str, Any]:
    table: dict[str, Any] = {"unit": budget.unit}
    for key in BUDGET_FIELDS:
        if key in budget.figures and key not in budget.summed:  # a sum of the rows stays one
            table[key] = budget.figures[key]
    for key, value in budget.figures.items():  # figures built by hand outside BUDGET_FIELDS
        if key not in budget.summed:
            table.setdefault(key, value)
    if budget.reason:
        table["reason"] = budget.reason
    if budget.rows:
        table["rows"] = {row: dict(figures) for row, figures in budget.rows.items()}
    return table


def _target(target: Target) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "slot": "/".join(target.slot),
        "name": target.name,
        "operator": target.operator,
    }
    qualitative = target.operator == "定性"
    if target.value_text:
        entry["value"] = target.value_text if qualitative else exact(target.value_text)
    if target.unit:
        entry["unit"] = target.unit
    if target.actual_text:
        entry["actual"] = target.actual_text if qualitative else exact(target.actual_text)
    if target.weight is not None:
        entry["weight"] = target.weight
    if target.reason:
        entry["reason"] = target.reason
    if target.rating is not None:
        entry["rating"] = target.rating
    if target.score is not None:
        entry["score"] = target.score
    if target.not_applicable:
        entry["na"] = True
    if target.method is not None:
        entry["method"] = target.method.strategy
        if target.method.params:
            entry["params"] = dict(target.method.params)
    if target.note:
        entry["note"] = target.note
    entry.update({key: getattr(target, key) for key in ("source", "basis") if getattr(target, key)})
    if target.history:
        entry["history"] = dict(target.history)
    entry.update(evidence_data(target.inputs, target.panel))
    return entry


def _assessment(assessment: Assessment) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": "/".join(assessment.path)}
    if assessment.score is not None:
        entry["score"] = assessment.score
    if assessment.deductions is not None:
        entry["deductions"] = [{"reason": d.reason, "points": d.points} for d in assessment.deductions]
    if assessment.checklist is not None:
        entry["checklist"] = dict(assessment.checklist)
    if assessment.rating is not None:
        entry["rating"] = assessment.rating
    if assessment.values:
        entry["values"] = dict(assessment.values)
    if assessment.not_applicable:
        entry["na"] = True
    if assessment.reason:
        entry["reason"] = assessment.reason
    if assessment.note:
        entry["note"] = assessment.note
    entry.update(evidence_data({}, assessment.panel))
    return entry


def _claims(claims: Claims) -> dict[str, Any]:
    table: dict[str, Any] = {}
    if claims.total is not None:
        table["total"] = claims.total
    if claims.grade is not None:
        table["grade"] = claims.grade
    if claims.scores:
        table["scores"] = dict(claims.scores)
    if claims.counts:
        table["counts"] = [
            _extras(
                {"path": "/".join(c.path), "level": c.level, "count": c.count}, text=c.text, source=c.source
            )
            for c in claims.counts
        ]
    if claims.figures:
        table["figures"] = [
            _extras({"name": f.name, "value": f.value}, unit=f.unit, source=f.source) for f in claims.figures
        ]
    if claims.sums:
        table["sums"] = [
            _extras({"name": s.name, "total": s.total, "parts": dict(s.parts)}, unit=s.unit, source=s.source)
            for s in claims.sums
        ]
    return table


def _extras(entry: dict[str, Any], **texts: str) -> dict[str, Any]:
    entry.update({key: text for key, text in texts.items() if text})
    return entry
