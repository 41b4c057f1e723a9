"""JSON Schemas (draft 2020-12) of the stable JSON forms, shipped inside the package.

- ``result``: a scored project, as ``evalrules score --format json`` prints it and
  :meth:`evalrules.model.result.Result.to_dict` returns it;
- ``audit``: a review report, as ``evalrules audit --format json`` prints it and
  :meth:`evalrules.auditing.run.AuditReport.to_dict` returns it.

The files are ``evalrules/schemas/result.schema.json`` and ``evalrules/schemas/audit.schema.json``;
:func:`load_schema` reads one (with :mod:`importlib.resources`, so it works from a wheel or a zip):

    import jsonschema
    from evalrules.schemas import load_schema

    jsonschema.validate(result.to_dict(), load_schema("result"))
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

SCHEMAS = ("result", "audit")
"""The names of the shipped schemas."""


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``name`` (one of :data:`SCHEMAS`) as a dict."""
    if name not in SCHEMAS:
        raise ValueError(f"unknown schema {name!r}; the schemas are {', '.join(SCHEMAS)}")
    text = files(__name__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
