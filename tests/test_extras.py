from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from evalrules.base.errors import EvalrulesError
from evalrules.base.extras import MissingExtraError, need

from .conftest import ROOT, SEED


def _without(package: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run the command line with package made unimportable, as on a core-only install."""
    code = (
        f"import sys; sys.modules[{package!r}] = None\n"
        "from evalrules.cli.main import main; raise SystemExit(main(sys.argv[1:]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, check=False, cwd=ROOT
    )


@pytest.mark.parametrize(
    ("package", "argv", "line"),
    [
        (
            "openpyxl",
            ["report", "{form}", "--form", "self", "-o", "{tmp}/f.xlsx"],  # a 单位自评: the seed has none
            'evalrules：生成自评表（.xlsx）需要安装 openpyxl：pip install "evalrules[excel]"',
        ),
        (
            "openpyxl",
            ["new", "--form", "self", "-o", "{tmp}/f.xlsx"],
            'evalrules：生成自评表（.xlsx）需要安装 openpyxl：pip install "evalrules[excel]"',
        ),
        (
            "openpyxl",
            ["batch", "{seed}", "-o", "{tmp}/b.xlsx"],
            'evalrules：写 Excel 结果表 需要安装 openpyxl：pip install "evalrules[excel]"',
        ),
        (
            "openpyxl",
            ["convert", "{tmp}/in.xlsx", "-o", "{tmp}/out"],
            'evalrules：读取 Excel 需要安装 openpyxl：pip install "evalrules[excel]"',
        ),
        (
            "openpyxl",
            ["score", "{tmp}/in.xlsx"],
            'evalrules：读取 Excel 需要安装 openpyxl：pip install "evalrules[excel]"',
        ),
        (
            "openpyxl",
            ["audit", "{tmp}/in.xlsx", "--sheet", "自评表"],
            'evalrules：读取 Excel 需要安装 openpyxl：pip install "evalrules[excel]"',
        ),
        (
            "jinja2",
            ["report", "{seed}", "-o", "{tmp}/r.md"],
            'evalrules：生成报告需要安装 jinja2：pip install "evalrules[report]"',
        ),
        (
            "docx",
            ["report", "{seed}", "-o", "{tmp}/r.docx"],
            'evalrules：生成 Word 报告需要安装 python-docx：pip install "evalrules[report]"',
        ),
        (
            "matplotlib",
            ["report", "{seed}", "-o", "{tmp}/r.docx"],
            'evalrules：绘制得分率图表需要安装 matplotlib：pip install "evalrules[report]"',
        ),
    ],
)
def test_missing_extra_is_one_line_with_the_pip_command(
    package: str, argv: list[str], line: str, tmp_path: Path
) -> None:
    (tmp_path / "in.xlsx").write_bytes(b"PK\x03\x04 not read: openpyxl is missing first")
    form = SEED.parent.parent / "tests" / "forms" / "fh_self_roundtrip_2023.toml"
    completed = _without(package, *(a.format(seed=SEED, tmp=tmp_path, form=form) for a in argv))
    assert completed.returncode == 1
    assert completed.stderr.splitlines() == [line]
    assert not list(tmp_path.glob("[fbr]*.*")) and not (tmp_path / "out").exists()


def test_markdown_and_html_reports_need_no_matplotlib(tmp_path: Path) -> None:
    # their charts are SVG written by evalrules (report/svgchart.py): only .docx draws with matplotlib
    for name in ("r.md", "r.html"):
        completed = _without("matplotlib", "report", str(SEED), "-o", str(tmp_path / name))
        assert completed.returncode == 0, completed.stderr
        assert "<svg" in (tmp_path / name).read_text(encoding="utf-8") or list(tmp_path.glob("*.svg"))


def test_scoring_needs_no_extra() -> None:
    completed = _without("openpyxl", "score", str(SEED))
    assert completed.returncode == 0, completed.stderr
    assert "总分 100 / 100，等级 优" in completed.stdout


def test_library_callers_get_an_evalrules_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingExtraError) as caught:
        need("openpyxl", "读取 Excel ")
    assert isinstance(caught.value, EvalrulesError)
    assert caught.value.extra == "excel"
    assert 'pip install "evalrules[excel]"' in str(caught.value)
