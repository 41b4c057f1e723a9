"""Reading and writing: rulesets, projects (TOML, JSON, Excel, CSV/JSONL), exports, atomic outputs."""
