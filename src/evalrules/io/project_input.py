"""One project from any file a project command takes: TOML/JSON, an .xlsx 自评表 (one sheet), or
one project of a CSV/JSONL flat file, chosen by the file's suffix.

The Excel and flat readers are imported only for those suffixes, so scoring a TOML file never
imports openpyxl (the ``excel`` extra).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..base.errors import EvalrulesError, LoadError, Problem, suggest
from ..model.project import Project
from .project_loading import read_project_file

WORKBOOK_SUFFIXES = (".xlsx",)
FLAT_SUFFIXES = (".csv", ".jsonl")


def read_many(path: Path, notes: list[str] | None = None) -> list[tuple[str, Project | EvalrulesError]]:
    """Every project of an .xlsx workbook (one per visible sheet) or a CSV/JSONL file, keyed.
    Hidden sheets are skipped and said in ``notes``."""
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        from .excel import read_workbook

        return list(read_workbook(path, notes))
    if suffix in FLAT_SUFFIXES:
        from .flat import read_flat

        return list(read_flat(path))
    raise LoadError(
        [
            Problem(
                "E-CONVERT-FORMAT",
                f"不支持的输入格式 “{suffix or path.name}”",
                file=str(path),
                expected=".xlsx、.csv 或 .jsonl",
            )
        ]
    )


def load_project(path: str | Path) -> Project:
    """A Project from a TOML or JSON file, or the one project of an .xlsx 自评表 or a CSV/JSONL
    file (see :func:`load_input`); raises LoadError listing every problem."""
    if Path(path).suffix.lower() in WORKBOOK_SUFFIXES + FLAT_SUFFIXES:
        return load_input(path)  # a workbook is never read as TOML
    return read_project_file(path)


def load_input(path: str | Path, sheet: str | None = None, notes: list[str] | None = None) -> Project:
    """The one project of ``path``: a TOML/JSON project file, or the sheet (the project key of a
    CSV/JSONL file) named by ``sheet``, which may be left out when the file holds one project.
    Raises LoadError naming the file (and the sheets to choose from)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES + FLAT_SUFFIXES:
        if sheet is not None:
            raise LoadError(
                [
                    Problem(
                        "E-SHEET",
                        "--sheet 只用于 Excel 自评表（.xlsx）或 CSV/JSONL 平面文件",
                        file=str(path),
                        where="--sheet",
                        found=sheet,
                    )
                ]
            )
        return read_project_file(path)
    workbook = suffix in WORKBOOK_SUFFIXES
    items = read_many(path, notes)
    prefix = f"{path}#"
    names = [key[len(prefix) :] if workbook and key.startswith(prefix) else key for key, _ in items]
    if workbook and names == [str(path)]:  # not a workbook, or no form in it: the reader said why
        return _project(items[0][1])
    what, option = ("工作表", "--sheet") if workbook else ("项目（project 列的值）", "--key")
    if sheet is None:
        if len(items) == 1:
            return _project(items[0][1])
        raise LoadError([_choose(path, names, what, option)])
    if sheet in names:
        return _project(items[names.index(sheet)][1])
    raise LoadError([_choose(path, names, what, option, sheet)])


def _project(entry: Project | EvalrulesError) -> Project:
    if isinstance(entry, EvalrulesError):
        raise entry
    return entry


def _choose(path: Path, names: Sequence[str], what: str, option: str, given: str | None = None) -> Problem:
    listed = "、".join(f"“{name}”" for name in names)
    if given is None:
        return Problem(
            "E-SHEET",
            f"文件中有 {len(names)} 个含项目的{what}（每个一个项目），请用 {option} 指定其中一个",
            file=str(path),
            expected=listed,
            suggestion=f"如 {option} {names[0]}" if names else None,
        )
    return Problem(
        "E-SHEET",
        f"文件中没有名为 “{given}” 的{what}",
        file=str(path),
        where=option,
        expected=listed,
        found=given,
        suggestion=suggest(given, names),
    )
