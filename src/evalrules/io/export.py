"""A Ruleset back to TOML data: the fully resolved form (after ``extends``), and its hash.

Loading what :func:`ruleset_to_toml` writes gives an equal Ruleset.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

import attrs
import tomli_w

from ..model.ruleset import Indicator, Provenance, Ruleset


def ruleset_to_data(ruleset: Ruleset) -> dict[str, Any]:
    info = ruleset.info
    header: dict[str, Any] = {
        "id": info.id,
        "version": info.version,
        "title": info.title,
        "document": info.document,
        "issuer": info.issuer,
    }
    if info.document_title:
        header["document_title"] = info.document_title
    if info.effective is not None:
        header["effective"] = info.effective
    for key in ("mode", "description"):
        if getattr(info, key):
            header[key] = getattr(info, key)
    if info.derived_from:
        header["derived_from"] = list(info.derived_from)
    rounding = ruleset.rounding
    data: dict[str, Any] = {
        "ruleset": header,
        "scoring": {"max": _number(ruleset.max), "tolerance": _number(ruleset.tolerance)},
        "rounding": {
            "places": rounding.places,
            "mode": rounding.mode,
            "stage": rounding.stage,
            "total_before_grade": rounding.total_before_grade,
        },
        "not_applicable": {
            "policy": ruleset.not_applicable.policy,
            "missing_actual": ruleset.not_applicable.missing_actual,
        },
        "grades": [{"name": band.name, "min": _number(band.low)} for band in ruleset.grades],
        "target_methods": {
            tm.operator: {"method": tm.method.strategy, "params": _plain(tm.method.params)}
            for tm in ruleset.target_methods
        },
        "provenance": {key: _provenance(value) for key, value in ruleset.provenance.items()},
        "indicators": [_indicator(indicator) for indicator in ruleset.indicators],
    }
    thresholds = {
        key: _number(value) for key, value in attrs.asdict(ruleset.audit).items() if value is not None
    }
    if thresholds:
        data["audit"] = thresholds
    if ruleset.options:
        data["options"] = _plain(dict(ruleset.options))
    if ruleset.project_methods is not None:
        data["project_methods"] = {"allowed": list(ruleset.project_methods)}
    if ruleset.examples:
        data["examples"] = [_plain(dict(example.data)) for example in ruleset.examples]
    return data


def _indicator(indicator: Indicator) -> dict[str, Any]:
    data: dict[str, Any] = {"name": indicator.name, "weight": _number(indicator.weight)}
    if indicator.description:
        data["description"] = indicator.description
    if indicator.provenance is not None:
        data["provenance"] = _provenance(indicator.provenance)
    if indicator.children:
        data["children"] = [_indicator(child) for child in indicator.children]
    elif indicator.method is not None:
        data["method"] = indicator.method.strategy
        if indicator.method.params:
            data["params"] = _plain(indicator.method.params)
    elif indicator.slot is not None:
        data["slot"] = {"empty": indicator.slot.empty}
        if indicator.slot.groups:
            data["slot"]["groups"] = list(indicator.slot.groups)
    return data


def _provenance(provenance: Provenance) -> dict[str, str]:
    data = {"tag": provenance.tag, "status": provenance.status}
    if provenance.source:
        data["source"] = provenance.source
    if provenance.note:
        data["note"] = provenance.note
    return data


def _plain(value: Any) -> Any:
    """TOML-writable copy of parameter data (tuples become lists)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return _number(value)
    return value


def _number(value: Decimal) -> int | Decimal:
    """Whole numbers as TOML integers (100, not 100.0); others keep their exact digits."""
    return int(value) if value == value.to_integral_value() else value


def ruleset_to_toml(ruleset: Ruleset) -> str:
    return tomli_w.dumps(ruleset_to_data(ruleset))


def ruleset_sha256(ruleset: Ruleset) -> str:
    """The hash of the rules: the worked examples ([[examples]]) are left out, since adding or
    changing one changes no score."""
    rules = attrs.evolve(ruleset, examples=())
    return hashlib.sha256(ruleset_to_toml(rules).encode("utf-8")).hexdigest()
