"""Scoring: bind a project to a ruleset, score it (fast plan or explaining scorer), unknowns."""
