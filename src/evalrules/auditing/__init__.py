"""The audit: recompute a project and compare it with what the form claims."""
