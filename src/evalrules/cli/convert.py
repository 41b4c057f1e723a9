"""evalrules convert: an Excel 自评表 (or 申报表) or a CSV/JSONL file into TOML project files, or a
project from one national ruleset's form to the other's (--to)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..base.errors import EvalrulesError, LoadError, Problem
from ..io.outputs import unique_file_names
from ..io.project_input import read_many
from ..model.project import Project
from .targets import target_form


def run(arguments: argparse.Namespace) -> str:
    from ..io.project_export import project_to_toml

    source, output = Path(arguments.input), Path(arguments.output)
    if arguments.to is not None:
        from ..authoring.retarget import convert_to

        return convert_to(source, output, arguments.to)
    notes: list[str] = []
    items = read_many(source, notes) if not target_form(source) else target_forms(source)
    problems = [problem for _, item in items if isinstance(item, EvalrulesError) for problem in item.problems]
    if problems:
        raise LoadError(problems)
    projects = [(key, item) for key, item in items if isinstance(item, Project)]
    if not projects:
        raise LoadError([Problem("E-CONVERT-EMPTY", "输入中没有找到项目", file=str(source))])
    if len(projects) == 1 and output.suffix.lower() == ".toml":
        targets = [(output, "", projects[0][1])]
    elif output.suffix:
        raise LoadError(
            [
                Problem(
                    "E-CONVERT-MANY",
                    f"输入含 {len(projects)} 个项目，-o 应为文件夹",
                    where="-o",
                    found=str(output),
                )
            ]
        )
    else:
        names = unique_file_names([key for key, _ in projects])
        # a key the file name does not spell out (P/1 → P_1, P_1 → P_1-2) is said beside it
        targets = [
            (output / f"{names[key]}.toml", key if names[key] != key else "", project)
            for key, project in projects
        ]
    from ..io.outputs import write_atomic

    written = []
    for path, key, project in targets:
        write_atomic(path, project_to_toml(project).encode("utf-8"))
        written.append(f"已写出 {path}（{project.name}" + (f"；输入中的键 {key}" if key else "") + "）\n")
    return "".join(written) + "".join(f"注意：{note}\n" for note in notes)


def target_forms(source: Path) -> list[tuple[str, Project | EvalrulesError]]:
    """The projects of an .xlsx 绩效目标申报表 rather than a 自评表 (evalrules.review.excel_form)."""
    from ..review.excel_form import read_target_forms

    return list(read_target_forms(source))
