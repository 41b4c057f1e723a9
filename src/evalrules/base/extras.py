"""Optional parts of evalrules (pip extras) and the one-line error when one is not installed.

The core scores, audits and checks; reading or writing Excel needs ``evalrules[excel]`` and reports and
charts need ``evalrules[report]``. Modules of those parts import their package through :func:`need`,
so a missing package says which ``pip install`` brings it instead of raising a bare ImportError.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import EvalrulesError, Problem

EXTRAS = {
    "openpyxl": "excel",
    "defusedxml": "excel",
    "jinja2": "report",
    "matplotlib": "report",
    "docx": "report",
}
"""Top-level package → the extra that installs it (pyproject.toml [project.optional-dependencies])."""

_DISTRIBUTIONS = {"docx": "python-docx"}


class MissingExtraError(EvalrulesError):
    """An optional package is not installed; the message names the pip command that installs it."""

    def __init__(self, package: str, purpose: str) -> None:
        self.package = package
        self.extra = EXTRAS[package.split(".")[0]]
        distribution = _DISTRIBUTIONS.get(package.split(".")[0], package.split(".")[0])
        message = f'{purpose}需要安装 {distribution}：pip install "evalrules[{self.extra}]"'
        super().__init__([Problem("E-MISSING-EXTRA", message)])
        self.message = message


def need(package: str, purpose: str) -> ModuleType:
    """Import package (e.g. ``"openpyxl"``) or raise :class:`MissingExtraError` saying how to install it."""
    try:
        return importlib.import_module(package)
    except ImportError as error:
        raise MissingExtraError(package, purpose) from error
