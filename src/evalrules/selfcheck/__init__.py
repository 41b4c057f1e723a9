"""`evalrules check`: property tests and worked examples that check a ruleset itself."""

DEFAULT_EXAMPLES = 100
"""Generated projects per property unless told otherwise (``--examples N``); here, not with the
properties, so the command line can show it without loading hypothesis or the checks."""
