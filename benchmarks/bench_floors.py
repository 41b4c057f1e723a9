"""The floors under issue 17's goals: what the least code that could do each step costs here.

    python benchmarks/bench_floors.py            # about a minute; the last line is JSON
    python benchmarks/bench_floors.py --count 300

Each floor does only the part of a step that no implementation can leave out, in the fastest way
Python offers, and nothing evalrules adds (no check, no place, no message, no plugin):

- toml_parse_us_per_indicator: parsing the project files' TOML text with the standard tomllib
  (numbers as Decimal, as evalrules reads them); toml_parse_compiled_us_per_indicator: the same
  with the compiled tomli of the ``fast`` extra, when installed; toml_parse_rust_us_per_indicator:
  with the Rust parser toml-rs (TOML 1.0 mode), when installed (it is no dependency: it crashes
  the process on deeply nested input). Only the parsing, no project.
- csv_min_us_per_indicator: the flat CSV of the same projects read by ``csv.reader``, each row
  made into a Target (the model's attrs class) with its two numbers as Decimal: no grouping, no
  check, no budget, no project.
- explain_min_vs_handwritten: the hand-written scorer of benchmarks/reference.py, plus for each
  node of the project's explained tree (taken from evalrules beforehand, outside the timing) the
  least an explanation holds: one reason written with an f-string and two numbers, one
  NodeResult and the dict ``to_dict`` gives it; over the hand-written scorer alone.

docs/performance.md compares them with issue 17's goals (5 µs per indicator; 2× the scorer).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from evalrules import load_ruleset, score
from evalrules.base.numbers import fmt
from evalrules.base.sources import Place
from evalrules.io.flat import write_flat
from evalrules.io.project_input import load_project
from evalrules.model.project import Project, Target
from evalrules.model.result import NodeResult

sys.path.insert(0, str(Path(__file__).parent))
from generate import RULESET, generate
from reference import score_by_hand


def best_of(rounds: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def indicators(projects: list[Project]) -> int:
    return sum(len(p.targets) + len(p.assessments) for p in projects)


def toml_floor(texts: list[str], loads: Callable[..., object], count: int) -> float:
    seconds = best_of(3, lambda: [loads(text, parse_float=Decimal) for text in texts])
    return seconds / count * 1e6


def csv_floor(path: Path, count: int) -> float:
    place = Place(str(path), "", 1)

    def read() -> list[Target]:
        with path.open(encoding="utf-8-sig", newline="") as file:
            rows = csv.reader(file)
            header = next(rows)
            at = {name: index for index, name in enumerate(header)}
            kind, slot, name, operator = at["kind"], at["slot"], at["indicator"], at["operator"]
            value, actual = at["value"], at["actual"]
            targets = []
            for row in rows:
                if row[kind] not in ("", "target"):
                    continue
                numeric = row[operator] != "定性"
                targets.append(
                    Target(
                        slot=tuple(row[slot].split("/")),
                        name=row[name],
                        operator=row[operator],  # type: ignore[arg-type]
                        value=Decimal(row[value]) if numeric and row[value] else None,
                        value_text=row[value],
                        unit="",
                        actual=Decimal(row[actual]) if numeric and row[actual] else None,
                        actual_text=row[actual],
                        place=place,
                    )
                )
            return targets

    return best_of(3, read) / count * 1e6


Shape = list[tuple[tuple[str, ...], Decimal, Decimal | None]]


def explain_floor(projects: list[Project]) -> float:
    ruleset = load_ruleset(RULESET)
    shapes: list[Shape] = []
    for project in projects:
        result = score(project, ruleset)
        shapes.append([(node.path, node.weight, node.score) for node in result.walk()])

    def hand() -> None:
        for project in projects:
            score_by_hand(project)

    def explained() -> None:
        for project, shape in zip(projects, shapes, strict=True):
            score_by_hand(project)
            nodes = []
            for path, weight, scored in shape:
                reason = f"{path[-1]} 得 {fmt(scored or weight)} 分（分值 {fmt(weight)} 分）"
                node = NodeResult(path, weight, scored, scored, "scored", (reason,))
                nodes.append(
                    {
                        "path": list(node.path),
                        "level": node.level,
                        "kind": node.kind,
                        "weight": node.weight,
                        "score": node.score,
                        "status": node.status,
                        "method": node.method,
                        "inputs": dict(node.inputs),
                        "reasons": list(node.reasons),
                    }
                )

    return best_of(3, explained) / best_of(3, hand)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        generate(arguments.count, folder / "projects", arguments.seed)
        paths = sorted((folder / "projects").glob("*.toml"))
        projects = [load_project(path) for path in paths]
        count = indicators(projects)
        texts = [path.read_text(encoding="utf-8") for path in paths]
        report: dict[str, float] = {
            "toml_parse_us_per_indicator": round(toml_floor(texts, tomllib.loads, count), 1)
        }
        try:
            import tomli  # the fast extra's compiled parser
        except ImportError:
            pass
        else:
            report["toml_parse_compiled_us_per_indicator"] = round(toml_floor(texts, tomli.loads, count), 1)
        try:
            import toml_rs  # type: ignore[import-not-found,unused-ignore]  # no dependency (docs/performance.md)
        except ImportError:
            pass
        else:

            def rust(text: str, parse_float: Callable[[str], object]) -> object:
                return toml_rs.loads(text, parse_float=parse_float, toml_version="1.0.0")

            report["toml_parse_rust_us_per_indicator"] = round(toml_floor(texts, rust, count), 1)
        keyed = [(path.stem, project) for path, project in zip(paths, projects, strict=True)]
        write_flat(keyed, folder / "all.csv")
        targets = sum(len(p.targets) for p in projects)
        report["csv_min_us_per_indicator"] = round(csv_floor(folder / "all.csv", targets), 1)
        report["explain_min_vs_handwritten"] = round(explain_floor(projects), 2)
    for key, value in report.items():
        print(f"{key}: {value}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
