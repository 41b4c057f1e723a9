"""Scores from evidence: survey counts (问卷) and expert panels (专家评议) a project records, read
from its file (:mod:`.reading`), from Excel (:mod:`.excel`), and written back (:mod:`.export`).

The strategies that score them are :mod:`evalrules.default_plugins.evidence`; the review checks
:mod:`evalrules.default_plugins.evidence_checks`.
"""
