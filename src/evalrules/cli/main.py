"""The command line: parse arguments, call the library, render.

Exit 0 ok, 1 bad input, 2 usage, 3 the command ran and found something: audit findings at or above
--fail-on, projects a batch could not score, properties or worked examples ``check`` found false.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..base import json_text
from ..base.cells import visible
from ..base.errors import EvalrulesError, LoadError, Problem
from ..base.extras import MissingExtraError
from ..base.numbers import fmt
from ..base.sources import read_text
from ..engine.scoring import score
from ..hooks.registry import STRICT_ENV, default_registry
from ..io.loading import load_ruleset
from ..io.outputs import output_problem
from ..io.project_input import FLAT_SUFFIXES, WORKBOOK_SUFFIXES, load_input
from ..io.render import result_markdown, result_text
from ..io.ruleset_names import ruleset_reference
from ..model.project import Project
from ..model.ruleset import Ruleset
from ..selfcheck import DEFAULT_EXAMPLES
from . import batch as batch_cli
from . import convert as convert_command
from . import monitor as monitor_cli
from . import new as new_cli
from . import rulesets as ruleset_commands
from . import targets as review_cli
from .outcome import Findings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evalrules",
        description="按官方规则集为预算绩效评价打分（Budget performance evaluation scoring）",
    )
    parser.add_argument(
        "--strict-plugins",
        action="store_true",
        help=f"任何插件加载失败都视为错误（也可设置环境变量 {STRICT_ENV}=1），用于 CI",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")

    scoring = commands.add_parser("score", help="为一个项目打分")
    scoring.add_argument(
        "project", help="项目数据文件（TOML 或 JSON），或 Excel 自评表（.xlsx）、CSV/JSONL 平面文件"
    )
    _add_sheet(scoring)
    scoring.add_argument("--ruleset", help="规则集 id 或 TOML 文件路径（缺省用项目文件中的 ruleset）")
    scoring.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    scoring.add_argument(
        "--partial",
        action="store_true",
        help="未填写的实际完成值按数值不详计：给出已知部分的得分范围并列出缺了什么，而不是报错",
    )

    review = commands.add_parser("audit", help="复核：复算得分，与申报的得分比较，检查前后矛盾之处")
    review.add_argument(
        "project",
        help="项目数据文件（TOML、JSON），或 Excel 自评表、CSV/JSONL，含申报的得分（[claims]）",
    )
    _add_sheet(review)
    review.add_argument("--ruleset", help="规则集 id 或 TOML 文件路径（缺省用项目文件中的 ruleset）")
    review.add_argument("--format", choices=("text", "json"), default="text")
    review.add_argument(
        "--fail-on",
        choices=("error", "warning", "never"),
        default="error",
        help="有这一级（或更严重）的发现时以退出码 3 结束；缺省 error",
    )

    report = commands.add_parser(
        "report", help="生成绩效评价报告（.md/.html/.docx）或自评表（--form self，.xlsx）"
    )
    report.add_argument(
        "project", help="项目数据文件（TOML 或 JSON），或 Excel 自评表（.xlsx）、CSV/JSONL 平面文件"
    )
    _add_sheet(report)
    report.add_argument("-o", "--output", required=True, help="输出文件：.md、.html、.docx；自评表为 .xlsx")
    report.add_argument("--ruleset", help="规则集 id 或 TOML 文件路径（缺省用项目文件中的 ruleset）")
    report.add_argument(
        "--form",
        choices=("report", "self"),
        default="report",
        help="report：绩效评价报告；self：附件1 自评表",
    )
    report.add_argument(
        "--style",
        default="公文",
        help="Word/HTML 报告的版式：公文（缺省，方正小标宋/仿宋_GB2312 三号/黑体/楷体，GB/T 9704 页边距）；"
        "简洁（Windows 自带的宋体/仿宋/黑体/楷体，四号）",
    )
    report.add_argument(
        "--body-size", help="正文字号：三号、四号或小四（缺省：公文 三号，简洁 四号）；Word/HTML 报告"
    )
    report.add_argument(
        "--outline",
        help="报告提纲：fujian3（财预〔2020〕10号 附件3）或插件提供的提纲（如 xinjiang）；缺省按规则集",
    )

    convert = commands.add_parser(
        "convert", help="把 Excel 自评表（或 CSV/JSONL）转为可手工修改的 TOML 项目文件"
    )
    convert.add_argument("input", help="输入：.xlsx 自评表，或 .csv / .jsonl 平面文件")
    convert.add_argument(
        "-o", "--output", required=True, help="输出 .toml 文件；输入含多个项目时为一个文件夹"
    )
    convert.add_argument(
        "--to",
        metavar="规则集",
        help="把 TOML/JSON 项目文件转为另一个国家规则集的写法（caiyu_2020_10_self ↔ caiyu_2020_10）",
    )

    batch_cli.add_parser(commands)
    new_cli.add_parser(commands)
    review_cli.add_parser(commands)
    monitor_cli.add_parser(commands)

    commands.add_parser("rulesets", help="列出可用的规则集及提供它们的插件")
    commands.add_parser("plugins", help="列出全部插件（含内置）：版本、登记的内容、加载错误")

    show = commands.add_parser("show", help="显示规则集的指标树、分值与计分方法")
    show.add_argument("ruleset", help="规则集 id 或 TOML 文件路径")
    show.add_argument(
        "--format",
        choices=("text", "toml"),
        default="text",
        help="toml：输出完全展开（extends 已合并）的规则集",
    )

    validate = commands.add_parser("validate", help="检查规则集或项目文件，列出所有问题")
    validate.add_argument("file", help="规则集或项目文件（TOML/JSON），或 Excel 自评表、CSV/JSONL 平面文件")
    _add_sheet(validate)
    validate.add_argument("--ruleset", help="检查项目文件时使用的规则集")

    check = commands.add_parser(
        "check", help="自检规则集：在生成的项目上检验得分性质，并核对规则集的算例（[[examples]]）"
    )
    check.add_argument("ruleset", help="规则集 id 或 TOML 文件路径")
    check.add_argument(
        "--examples",
        type=_positive,
        default=DEFAULT_EXAMPLES,
        metavar="N",
        help=f"每项性质生成的项目数，缺省 {DEFAULT_EXAMPLES}",
    )
    check.add_argument("--seed", type=int, help="随机种子（缺省用固定的种子：每次结果相同）")
    check.add_argument("--format", choices=("text", "json"), default="text")

    formula = commands.add_parser("formula", help="计算一个公式的精确结果")
    formula.add_argument("expression", nargs="?", help="公式；以 - 开头的（如 -1 + 2）照样可写")
    formula.add_argument("--expression", dest="dashed", help=argparse.SUPPRESS)
    formula.add_argument(
        "--set",
        dest="values",
        action="append",
        default=[],
        metavar="名称=数值",
        help="给公式中的名称赋值，可重复",
    )
    formula.add_argument(
        "--reference",
        action="store_true",
        help="再用参照语义（simpleeval 逐节点求值）计算一次并比较；不一致时退出码 3",
    )
    return parser


def _add_sheet(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--sheet",
        "--key",
        dest="sheet",
        help="工作簿含多张自评表时，要读的工作表名；CSV/JSONL 含多个项目时，项目的 project 列",
    )


def _load(arguments: argparse.Namespace, path: str) -> Project:
    """The project of a TOML/JSON file, an .xlsx 自评表 sheet or a flat file's project; hidden
    sheets that were not read are noted on stderr."""
    notes: list[str] = []
    project = load_input(path, arguments.sheet, notes)
    for note in notes:
        print(f"evalrules：注意：{visible(note)}", file=sys.stderr)
    return project


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，实际为 {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    parser = _parser()
    arguments = parser.parse_args(_dashed_formula(list(sys.argv[1:] if argv is None else argv)))
    if arguments.command == "formula":
        arguments.expression = arguments.expression if arguments.dashed is None else arguments.dashed
        if arguments.expression is None:
            parser.error("formula 需要一个公式")
    if arguments.strict_plugins:
        os.environ[STRICT_ENV] = "1"
        default_registry.cache_clear()
    try:
        failed = [plugin.name for plugin in default_registry().failures]
        if failed and arguments.command != "plugins":
            print(
                f"evalrules：注意：插件 {'、'.join(failed)} 加载失败，它们提供的规则集、计分方法等不可用"
                "（详见 evalrules plugins）",
                file=sys.stderr,
            )
        output = _COMMANDS[arguments.command](arguments)
    except Findings as findings:
        sys.stdout.write(visible(findings.output))
        return 3
    except MissingExtraError as error:
        print(f"evalrules：{error.message}", file=sys.stderr)  # one line: what to pip install
        return 1
    except EvalrulesError as error:
        return _refused(error)
    except OSError as error:  # a path the system refuses, met outside the readers and writers
        return _refused(LoadError([_os_problem(arguments, error)]))
    sys.stdout.write(visible(output))  # a name cannot drive the terminal or reorder the text
    return 0


def _refused(error: EvalrulesError) -> int:
    print(f"evalrules：发现 {len(error.problems)} 个问题：", file=sys.stderr)
    print(visible(error.render()), file=sys.stderr)
    return 1


def _os_problem(arguments: argparse.Namespace, error: OSError) -> Problem:
    """E-OUTPUT when the path is the output's (or a file written beside it, as a report's chart),
    else E-FILE: never a traceback for a name too long or a parent that is a file."""
    name = str(error.filename or "")
    output = getattr(arguments, "output", None)
    if output and name.startswith(str(Path(output).with_suffix(""))):
        return output_problem(Path(name), error)
    return Problem("E-FILE", f"无法读取：{error.strerror or error}", file=name or None)


def _dashed_formula(argv: list[str]) -> list[str]:
    """argv with a formula that starts with a minus (-1+2, -实际值) passed as --expression, which
    argparse would otherwise take for an unknown option."""
    commands = [index for index, word in enumerate(argv) if not word.startswith("-")]
    if not commands or argv[commands[0]] != "formula":
        return argv
    rewritten, after_set = argv[: commands[0] + 1], False
    for word in argv[commands[0] + 1 :]:
        if word == "--":
            return rewritten + argv[len(rewritten) :]
        options = ("-h", "--help", "--set", "--reference")
        dashed = word.startswith("-") and not after_set and word not in options
        if dashed and not word.startswith(("--set=", "--expression=")):
            word = "--expression=" + word
        rewritten.append(word)
        after_set = word == "--set"
    return rewritten


def _ruleset_for(project: Project, chosen: str | None) -> Ruleset:
    return load_ruleset(ruleset_reference(project.file, project.ruleset, chosen))


def _score(arguments: argparse.Namespace) -> str:
    project = _load(arguments, arguments.project)
    result = score(project, _ruleset_for(project, arguments.ruleset), ranges=True, partial=arguments.partial)
    if arguments.format == "json":
        return json_text.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if arguments.format == "markdown":
        return result_markdown(result)
    return result_text(result)


def _audit(arguments: argparse.Namespace) -> str:
    from ..auditing.run import audit, render_text  # each command loads its own machinery (start-up time)

    project = _load(arguments, arguments.project)
    report = audit(project, _ruleset_for(project, arguments.ruleset))
    if arguments.format == "json":
        output = json_text.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        output = render_text(report)
    if report.fails(arguments.fail_on):
        raise Findings(output)
    return output


_RENDERERS = {
    "report": {
        ".md": "markdown.render_markdown",
        ".html": "html.render_html",
        ".htm": "html.render_html",
        ".docx": "docx.render_docx",
    },
    "self": {".xlsx": "selfform.render_self_form"},
}
"""Output suffix → renderer in evalrules.report, imported only when used (Word, Excel, charts)."""


def _report(arguments: argparse.Namespace) -> str:
    from ..authoring.skeleton import refuse_self_form
    from ..report import build_report

    path = Path(arguments.output)
    renderers = _RENDERERS[arguments.form]
    target = renderers.get(path.suffix.lower())
    if target is None:
        raise LoadError(
            [
                Problem(
                    "E-REPORT-FORMAT",
                    f"不支持的输出格式 “{path.suffix or path.name}”",
                    where="-o",
                    expected="、".join(renderers),
                )
            ]
        )
    from ..report.typography import typography  # here: the report machinery loads only for reports

    chosen = typography(arguments.style, arguments.body_size)  # an unknown style is refused for every format
    project = _load(arguments, arguments.project)
    ruleset = _ruleset_for(project, arguments.ruleset)
    if arguments.form == "self":
        refuse_self_form(ruleset, project.file)
    # only the 自评表 shows a total that is a range; a report refuses values not known
    context = build_report(project, ruleset, ranges=arguments.form == "self", outline=arguments.outline)
    module, function = target.split(".")
    options = {}
    if module in ("docx", "html"):  # the typography only changes how Word and HTML look
        options["typography"] = chosen
    getattr(importlib.import_module(f"evalrules.report.{module}"), function)(context, path, **options)
    span = context.result.total_range
    if span is not None and span.low != span.high:
        grade = span.grade or f"{span.low_grade}至{span.high_grade}，未定"
        return f"已生成 {path}（不低于 {fmt(span.low)} 分、不高于 {fmt(span.high)} 分，{grade}）\n"
    return f"已生成 {path}（{fmt(context.result.total)} 分，{context.result.grade}）\n"


def _validate(arguments: argparse.Namespace) -> str:
    path = Path(arguments.file)
    many = path.suffix.lower() in WORKBOOK_SUFFIXES + FLAT_SUFFIXES
    if many or "project" in read_text(path).data or path.suffix.lower() == ".json":
        project = _load(arguments, str(path))
        ruleset = _ruleset_for(project, arguments.ruleset)
        result = score(project, ruleset)
        return f"项目文件有效：{project.name}，按 {ruleset.info.id} 得 {result.total} 分（{result.grade}）\n"
    if arguments.sheet is not None:
        load_input(path, arguments.sheet)  # E-SHEET: --sheet is for a workbook or a flat file
    ruleset = load_ruleset(path)
    count = sum(1 for _ in ruleset.walk())
    examples = f"，{len(ruleset.examples)} 个算例（evalrules check 核对）" if ruleset.examples else ""
    return f"规则集有效：{ruleset.info.id} {ruleset.info.version}，{count} 个指标{examples}\n"


_COMMANDS = {
    "batch": batch_cli.run,
    "new": new_cli.run,
    "targets": review_cli.run,
    "monitor": monitor_cli.run,
    "convert": convert_command.run,
    "report": _report,
    "audit": _audit,
    "plugins": ruleset_commands.plugins,
    "score": _score,
    "rulesets": ruleset_commands.rulesets,
    "show": ruleset_commands.show,
    "validate": _validate,
    "check": ruleset_commands.check,
    "formula": ruleset_commands.formula,
}
