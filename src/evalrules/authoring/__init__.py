"""Writing projects: skeletons to fill in, and converting a project between rulesets."""
