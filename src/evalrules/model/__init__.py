"""The value objects: the ruleset tree, the project, its claims, and the scored result."""
