"""`evalrules check`: property tests and worked examples that check a ruleset itself."""
