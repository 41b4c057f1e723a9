"""``evalrules new``: a project file to fill in for a ruleset (a commented TOML skeleton), or a
blank 附件1 自评表 workbook (``--form self``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ..base.errors import LoadError, Problem
from ..io.loading import load_ruleset
from ..io.outputs import exists, write_atomic

DEFAULT_SELF_RULESET = "caiyu_2020_10_self"


def add_parser(commands: Any) -> None:
    new = commands.add_parser(
        "new", help="生成待填写的项目文件（TOML 骨架）或空白的附件1 自评表（--form self）"
    )
    new.add_argument("-o", "--output", required=True, help="输出文件：.toml 项目文件；自评表为 .xlsx")
    new.add_argument(
        "--ruleset",
        help=f"规则集 id 或 TOML 文件路径（项目文件必需；自评表缺省 {DEFAULT_SELF_RULESET}）",
    )
    new.add_argument(
        "--form",
        choices=("project", "self"),
        default="project",
        help="project：项目文件骨架（.toml）；self：空白的附件1 自评表（.xlsx）",
    )
    new.add_argument("--force", action="store_true", help="输出文件已存在时覆盖它")


def run(arguments: argparse.Namespace) -> str:
    path = Path(arguments.output)
    suffix = ".xlsx" if arguments.form == "self" else ".toml"
    if path.suffix.lower() != suffix:
        raise LoadError([Problem("E-NEW", f"输出文件应以 {suffix} 结尾", where="-o", found=str(path))])
    if exists(path) and not arguments.force:
        raise LoadError(
            [
                Problem(
                    "E-OUTPUT",
                    "输出文件已存在，没有覆盖",
                    file=str(path),
                    suggestion="换一个文件名，或加 --force 覆盖",
                )
            ]
        )
    if arguments.form == "self":
        from ..report.blankform import render_blank_form

        reference = arguments.ruleset or DEFAULT_SELF_RULESET
        render_blank_form(load_ruleset(reference), path)
        return (
            f"已生成 {path}（按 {reference} 的空白自评表）：填写后用 "
            f"evalrules convert {path} -o 项目.toml 转为项目文件，再打分\n"
        )
    if arguments.ruleset is None:
        raise LoadError(
            [
                Problem(
                    "E-RULESET-MISSING",
                    "没有指定规则集",
                    where="--ruleset",
                    suggestion="如 evalrules new --ruleset caiyu_2020_10_self -o 项目.toml"
                    "（evalrules rulesets 列出可用的规则集）",
                )
            ]
        )
    ruleset = load_ruleset(arguments.ruleset)
    reference = arguments.ruleset
    if reference.lower().endswith(".toml"):  # read from the project file's folder (cli._ruleset_for)
        reference = Path(os.path.relpath(Path(reference).resolve(), path.resolve().parent)).as_posix()
    from ..authoring.skeleton import skeleton_toml  # here: only `new` needs it

    write_atomic(path, skeleton_toml(ruleset, reference).encode("utf-8"))
    return (
        f"已生成 {path}（按 {ruleset.info.id}）：把其中的 “待填写” 换成实际内容，"
        f"然后 evalrules validate {path}\n"
    )
