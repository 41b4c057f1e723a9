"""Flat formats: CSV and JSONL files of many projects, one row per indicator."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import evalrules
from evalrules import LoadError
from evalrules.base.errors import Problem
from evalrules.io import flat
from evalrules.io.flat import decode_text, flat_groups, project_of, read_flat, write_flat
from evalrules.io.flat_project import BROKEN_ROW, COLUMNS, filled_cells, is_filled, project_from_rows
from evalrules.io.project_loading import project_from_text

from .conftest import ROOT, fuzz_settings

PAGE = (ROOT / "docs" / "flat-formats.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w+)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
PLACES = {"place", "places", "weights_place", "file", "lines"}  # lines: where keys stand


def example(kind: str) -> str:
    [text] = [str(body) for info, body in FENCE.findall(PAGE) if info == kind]
    return text


def normalised(project: evalrules.Project | LoadError) -> dict[str, Any]:
    assert isinstance(project, evalrules.Project), project
    return attrs.asdict(project, filter=lambda field, _value: field.name not in PLACES)


def projects(path: Path) -> dict[str, evalrules.Project]:
    found = {}
    for key, project in read_flat(path):
        assert isinstance(project, evalrules.Project), project
        found[key] = project
    return found


def totals(path: Path, ruleset: evalrules.Ruleset) -> dict[str, Decimal]:
    return {key: evalrules.score(project, ruleset).total for key, project in projects(path).items()}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("csv", {"P001": Decimal("97.68"), "P002": Decimal("99.72")}),
        ("jsonl", {"2023-001": Decimal("93.86"), "2023-002": Decimal("99.78")}),
    ],
)
def test_documented_examples_load_and_score(
    kind: str, expected: dict[str, Decimal], tmp_path: Path, self_eval: evalrules.Ruleset
) -> None:
    path = tmp_path / f"projects.{kind}"
    path.write_text(example(kind), encoding="utf-8")
    result = totals(path, self_eval)
    assert result == expected and list(result) == list(expected)
    for key, total in expected.items():  # the page states each total
        assert f"`{key}` 得 {total} 分" in PAGE


def test_csv_with_and_without_bom(tmp_path: Path, self_eval: evalrules.Ruleset) -> None:
    plain, bom = tmp_path / "plain.csv", tmp_path / "bom.csv"
    plain.write_text(example("csv"), encoding="utf-8")
    bom.write_text(example("csv"), encoding="utf-8-sig")
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert totals(bom, self_eval) == totals(plain, self_eval)


def test_a_gbk_csv_as_excel_saves_it_scores_as_its_utf8_twin(
    tmp_path: Path, self_eval: evalrules.Ruleset
) -> None:
    # Excel 中文版 "CSV (逗号分隔)" is GBK (issue 16); GB18030 contains it.
    plain, gbk = tmp_path / "plain.csv", tmp_path / "gbk.csv"
    plain.write_text(example("csv"), encoding="utf-8")
    gbk.write_bytes(example("csv").replace("\n", "\r\n").encode("gbk"))
    with pytest.raises(UnicodeDecodeError):
        gbk.read_text(encoding="utf-8")
    assert totals(gbk, self_eval) == totals(plain, self_eval)
    assert decode_text(gbk.read_bytes(), str(gbk)) == (gbk.read_bytes().decode("gbk"), "gb18030")
    assert decode_text(plain.read_bytes(), str(plain))[1] == "utf-8"


def test_a_jsonl_file_must_be_utf8(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes('{"project": "设备"}\n'.encode("gbk"))
    with pytest.raises(LoadError, match="UTF-8"):
        read_flat(path)


def test_interleaved_projects_keep_the_order_of_their_first_row(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "project,name,slot,indicator,operator,value,actual\n"
        "B,乙,产出指标/数量指标,b1,>=,1,1\n"
        "A,甲,产出指标/数量指标,a1,>=,1,1\n"
        "B,,产出指标/数量指标,b2,>=,2,2\n"
        "A,,产出指标/数量指标,a2,>=,2,2\n",
        encoding="utf-8",
    )
    found = projects(path)
    assert list(found) == ["B", "A"]
    assert [t.name for t in found["B"].targets] == ["b1", "b2"] and found["A"].name == "甲"
    assert found["B"].targets[1].place.line == 4 and found["B"].file == str(path)


EQUIVALENT_TOML = """
[project]
name = "乡村道路养护"
unit = "某镇人民政府"
year = 2023
ruleset = "caiyu_2020_10_self"

[budget]
unit = "万元"
"全年预算数" = 300
"执行数" = 300

[[targets]]
slot = "产出指标/数量指标"
name = "养护里程"
operator = ">="
value = 120
unit = "公里"
actual = 126

[[targets]]
slot = "产出指标/质量指标"
name = "路面完好率"
operator = ">="
value = 90
unit = "%"
actual = 88
reason = "雨季塌方两处"

[[targets]]
slot = "产出指标/时效指标"
name = "养护及时率"
operator = ">="
value = 95
unit = "%"
actual = 100

[[targets]]
slot = "产出指标/成本指标"
name = "每公里养护成本"
operator = "<="
value = 2.5
unit = "万元"
actual = 2.38

[[targets]]
slot = "效益指标/社会效益指标"
name = "群众出行条件改善"
operator = "定性"
value = "明显改善"
actual = "明显改善"
rating = "达成年度指标"

[[targets]]
slot = "效益指标/生态效益指标"
name = "道路绿化率"
operator = ">="
value = 30
unit = "%"
na = true
note = "绿化工程由另一项目实施"

[[targets]]
slot = "满意度指标/服务对象满意度指标"
name = "沿线群众满意度"
operator = ">="
value = 90
unit = "%"
actual = 95
"""


def test_same_project_as_the_equivalent_toml(tmp_path: Path, self_eval: evalrules.Ruleset) -> None:
    path = tmp_path / "projects.csv"
    path.write_text(example("csv"), encoding="utf-8")
    flat = projects(path)["P002"]
    toml = project_from_text(EQUIVALENT_TOML, "p002.toml")
    assert normalised(flat) == normalised(toml)
    ours, theirs = evalrules.score(flat, self_eval), evalrules.score(toml, self_eval)
    assert (ours.total, ours.grade) == (theirs.total, theirs.grade) == (Decimal("99.72"), "优")
    assert [(n.path, n.score, n.reasons) for n in ours.walk()] == [
        (n.path, n.score, n.reasons) for n in theirs.walk()
    ]


def test_broken_project_beside_good_ones(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_text(
        "\ufeffproject,name,kind,slot,indicator,operator,value,actual,na\n"
        "good,好,,产出指标/数量指标,a,>=,1,1,\n"
        "bad,坏,,产出指标/数量指标,b,>=,1,1,\n"
        "bad,,,产出指标/数量指标,c,>=,十二,1,\n"
        "bad,,budget,,执行数,,-5,,\n"
        "bad,,,产出指标/数量指标,d,大约,1,1,\n"
        "bad,,,产出指标/数量指标,e,>=,1,1,是的\n"
        "also,也好,,产出指标/数量指标,a,>=,1,1,\n",
        encoding="utf-8",
    )
    found = dict(read_flat(path))
    assert list(found) == ["good", "bad", "also"]
    assert isinstance(found["good"], evalrules.Project) and isinstance(found["also"], evalrules.Project)
    error = found["bad"]
    assert isinstance(error, LoadError)
    by_code = {problem.code: problem for problem in error.problems}
    assert set(by_code) == {"E-NUMBER", "E-BUDGET", "E-OPERATOR", "E-TYPE"}
    assert {code: p.line for code, p in by_code.items()} == {
        "E-NUMBER": 4,
        "E-BUDGET": 5,
        "E-OPERATOR": 6,
        "E-TYPE": 7,
    }
    assert all(p.file == str(path) for p in error.problems)
    assert f"{path}:4" in error.render()
    # the same messages as the same mistake in a TOML project
    toml = '[project]\nname = "坏"\n[[targets]]\nslot = "产出指标/数量指标"\nname = "c"\noperator = ">="\n'
    toml += 'value = "十二"\n'
    with pytest.raises(LoadError) as caught:
        project_from_text(toml)
    [toml_problem] = caught.value.problems
    assert (toml_problem.code, toml_problem.message) == ("E-NUMBER", by_code["E-NUMBER"].message)
    assert by_code["E-NUMBER"].where == "[[targets]] 第 2 项（c） 的 value（年度指标值）"


def test_unknown_kind_column_and_conflicting_names(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(
        '{"project": "a", "name": "甲", "kind": "targte", "slot": "x/y", "indicator": "n"}\n'
        '{"project": "b", "name": "乙", "slot": "x/y", "indicator": "n", "operator": ">=", "valeu": 1}\n'
        '{"project": "c", "name": "丙"}\n'
        '{"project": "c", "name": "丁"}\n'
        "not json\n"
        '{"project": "d", "name": "戊", "year": "2023", "slot": "x/y", "indicator": "n", "operator": "=", '
        '"value": 1, "actual": 1}\n',
        encoding="utf-8",
    )
    found = dict(read_flat(path))
    assert list(found) == ["a", "b", "c", "<第 5 行>", "d"]
    a, b, c, broken = (found[key] for key in ("a", "b", "c", "<第 5 行>"))
    assert isinstance(a, LoadError) and "target" in a.render() and a.problems[0].line == 1
    assert isinstance(b, LoadError) and "value" in b.render()
    assert isinstance(c, LoadError) and c.problems[0].line == 4 and "第 3 行" in c.render()
    assert isinstance(broken, LoadError) and broken.problems[0].code == "E-JSON"
    d = found["d"]
    assert isinstance(d, evalrules.Project) and d.year == 2023


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_round_trip(kind: str, tmp_path: Path) -> None:
    source = tmp_path / f"in.{kind}"
    source.write_text(example(kind), encoding="utf-8")
    first = list(projects(source).items())
    for suffix in ("csv", "jsonl"):
        out = tmp_path / f"out.{suffix}"
        write_flat(first, out)
        again = list(projects(out).items())
        assert [key for key, _ in again] == [key for key, _ in first]
        assert [normalised(p) for _, p in again] == [normalised(p) for _, p in first]
        text = out.read_bytes()
        write_flat(again, out)
        assert out.read_bytes() == text
    assert not list(tmp_path.glob(".*.tmp"))


def test_round_trip_of_everything_a_flat_file_holds(tmp_path: Path) -> None:
    project = project_from_text(
        """
        [project]
        name = "全部"
        region = "某县"
        [budget]
        unit = "元"
        "执行数" = 12.50
        reason = "招标延期"
        [weights]
        "决策" = 15
        [[targets]]
        slot = "产出/产出成本"
        name = "x"
        operator = "≤"
        value = "1,250.00"
        unit = "万元"
        actual = "完成"
        weight = 2
        method = "reverse"
        params = { variant = "deviation" }
        [[assessments]]
        path = "决策/a"
        deductions = []
        [[assessments]]
        path = "决策/b"
        score = 3
        note = "依据"
        deductions = [{ reason = "r1", points = 0.5 }, { reason = "r2", points = 1 }]
        [[assessments]]
        path = "过程"
        na = true
        reason = "不适用"
        [claims]
        total = 95
        grade = "优"
        [claims.scores]
        "决策" = 14.5
        [texts]
        overall_goal = "目标"
        [flags]
        "违规违纪" = "挪用 20 万元"
        "重大安全事故" = false
        """
    )
    for suffix in ("csv", "jsonl"):
        path = tmp_path / f"all.{suffix}"
        write_flat([project], path)
        [(key, again)] = read_flat(path)
        assert key == "全部" and normalised(again) == normalised(project)


def test_what_a_flat_file_cannot_hold_is_refused(seed: evalrules.Project, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="claims"):
        write_flat([seed], tmp_path / "seed.csv")
    assert not list(tmp_path.iterdir())


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="E-FILE"):
        read_flat(tmp_path / "missing.csv")
    header = tmp_path / "header.csv"
    header.write_text("projet,name\nx,y\n", encoding="utf-8")
    with pytest.raises(LoadError, match="project"):
        read_flat(header)


def test_a_jsonl_number_no_decimal_can_hold_is_refused_at_its_row(tmp_path: Path) -> None:
    # regression (fuzzing): decimal.InvalidOperation escaped from the row's JSON
    path = tmp_path / "flat.jsonl"
    path.write_text(
        '{"project": "甲", "kind": "budget", "indicator": "全年预算数", "value": 100}\n'
        '{"project": "甲", "kind": "budget", "indicator": "执行数", "value": 1e-99999999999999999999}\n',
        encoding="utf-8",
    )
    errors = [item for _, item in read_flat(path) if isinstance(item, LoadError)]
    assert [(p.code, p.line, p.file) for error in errors for p in error.problems] == [
        ("E-JSON", 2, str(path))
    ]


@pytest.mark.parametrize("year", ["1" + "0" * 5000, "²", "2023年"])
def test_a_year_that_is_not_a_plain_number_is_refused_at_its_row(tmp_path: Path, year: str) -> None:
    # regression (fuzzing): int() raised on 5000 digits and on digits isdigit() accepts ("²")
    path = tmp_path / "flat.csv"
    path.write_text(f"project,year,kind,indicator,value\n甲,{year},budget,执行数,1\n", encoding="utf-8")
    [(_, error)] = read_flat(path)
    assert isinstance(error, LoadError)
    assert [(p.code, p.line, p.file) for p in error.problems] == [("E-TYPE", 2, str(path))]


def test_a_year_in_full_width_digits_is_read(tmp_path: Path) -> None:
    path = tmp_path / "flat.csv"
    path.write_text("project,year,kind,indicator,value\n甲,２０２３,budget,执行数,1\n", encoding="utf-8")
    [(_, project)] = read_flat(path)
    assert isinstance(project, evalrules.Project) and project.year == 2023


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_csv_is_refused_without_blocking(tmp_path: Path) -> None:
    # issue 23, 2: every file read is a regular file under a size cap
    fifo = tmp_path / "projects.csv"
    os.mkfifo(fifo)
    with pytest.raises(LoadError) as caught:
        read_flat(fifo)
    assert "不是普通文件" in caught.value.render()


def test_a_jsonl_row_with_a_key_twice_is_that_projects_error_only(tmp_path: Path) -> None:
    path = tmp_path / "projects.jsonl"
    row = '{"project": "%s", "name": "戊", "slot": "x/y", "indicator": "n", "operator": "=", "value": 1, %s}'
    good, bad = row % ("d", '"actual": 1'), row % ("e", '"value": 2')
    path.write_text(good + "\n" + bad + "\n", encoding="utf-8")
    found = dict(read_flat(path))
    assert isinstance(found["d"], evalrules.Project)
    [broken] = [item for key, item in found.items() if key != "d"]
    assert isinstance(broken, LoadError) and "“value” 出现了两次" in broken.render()


def _csv_example(tmp_path: Path, edit: Callable[[list[str]], list[str]]) -> Path:
    lines = example("csv").splitlines()
    path = tmp_path / "projects.csv"
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")
    return path


def test_an_unbalanced_quote_that_swallows_rows_is_refused_at_its_line(tmp_path: Path) -> None:
    # issue 23, 9: a quote left open took the next project's rows into one cell, silently
    def open_quote(lines: list[str]) -> list[str]:
        lines[3] = lines[3].replace(",", ',"', 1)  # the first cell after the key opens a quote
        return lines

    path = _csv_example(tmp_path, open_quote)
    owner = path.read_text(encoding="utf-8").splitlines()[3].split(",", 1)[0]
    entries = dict(read_flat(path))
    broken = entries.pop(owner)
    assert isinstance(broken, LoadError)
    [problem] = [p for p in broken.problems if "引号不成对" in p.message]
    assert problem.line == 4
    # issue 23 §4: the stray quote fails its own project only; every other project is read
    assert entries and all(not isinstance(entry, LoadError) for entry in entries.values())


def test_a_stray_quote_whose_row_has_no_project_loses_the_file_rather_than_guess(tmp_path: Path) -> None:
    def open_key(lines: list[str]) -> list[str]:
        lines[3] = '"' + lines[3]
        return lines

    with pytest.raises(LoadError) as caught:
        read_flat(_csv_example(tmp_path, open_key))
    assert "引号不成对" in caught.value.problems[0].message


def test_an_unbalanced_quote_in_the_header_is_refused_not_a_traceback(tmp_path: Path) -> None:
    # found by fuzzing: the header row was read outside the csv.Error handling
    def open_header(lines: list[str]) -> list[str]:
        lines[0] = '"' + lines[0]
        return lines

    with pytest.raises(LoadError) as caught:
        read_flat(_csv_example(tmp_path, open_header))
    [problem] = caught.value.problems
    assert problem.code == "E-FILE" and problem.line == 1 and "引号不成对" in problem.message


def test_a_cell_spanning_lines_is_still_a_cell(tmp_path: Path) -> None:
    # Excel writes a cell with Alt+Enter as a quoted field over two lines: not an open quote
    def two_line_name(lines: list[str]) -> list[str]:
        header = lines[0].split(",")
        cells = lines[1].split(",")
        cells[header.index("name")] = '"第一行\n第二行"'
        lines[1] = ",".join(cells)
        return lines

    found = dict(read_flat(_csv_example(tmp_path, two_line_name)))
    assert any(isinstance(p, evalrules.Project) and p.name == "第一行\n第二行" for p in found.values())


def _long_name(lines: list[str]) -> list[str]:
    """The first row's name made longer than the csv module's default cell limit (131,072)."""
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("name")] = "长" * 140_000
    lines[1] = ",".join(cells)
    return lines


def test_a_cell_over_the_csv_modules_default_limit_loses_nothing(tmp_path: Path) -> None:
    # issue 23, 4: a field over 131,072 characters turned the whole file into one error
    found = read_flat(_csv_example(tmp_path, _long_name))
    assert len(found) == len(read_flat(_csv_example(tmp_path, lambda lines: lines)))


def test_a_long_cell_is_read_where_the_project_is_built_too(tmp_path: Path) -> None:
    # issue 17: the split keeps each row's text, and a batch's worker (started clean, with the csv
    # module's default limit) reads its cells: the limit is lifted there as well
    name, header, groups = flat_groups(_csv_example(tmp_path, _long_name))
    default = csv.field_size_limit(131_072)  # as in a process started clean
    try:
        built = [project_of(key, rows, name, header) for key, rows in groups]
    finally:
        csv.field_size_limit(default)
    assert any(isinstance(p, evalrules.Project) and p.name == "长" * 140_000 for p in built)


def test_budget_rows_are_refused_not_dropped(tmp_path: Path) -> None:
    project = evalrules.load_project(Path(__file__).parent / "forms" / "bud_rows_water_2023.toml")
    with pytest.raises(ValueError, match=r"budget\.rows"):
        write_flat([project], tmp_path / "rows.csv")
    assert not list(tmp_path.iterdir())


def test_a_quote_left_open_in_the_header_row_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "坏表头.csv"
    path.write_text('project,kind,"indicator\n甲,budget,执行数\n', encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        read_flat(path)
    (problem,) = caught.value.problems
    assert problem.code == "E-FILE" and problem.line == 1 and "引号不成对" in problem.message


@pytest.mark.parametrize("form", ["evi_survey_2023.toml", "rev_shenbao_training_2024.toml"])
def test_what_the_columns_cannot_hold_is_refused_never_dropped(form: str, tmp_path: Path) -> None:
    # found by review: survey inputs and the 申报表's history vanished when written as flat rows
    project = evalrules.load_project(Path(__file__).parent / "forms" / form)
    with pytest.raises(ValueError, match="不能写入扁平格式"):
        write_flat([project], tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_a_file_of_stray_quotes_is_refused_in_bounded_time(tmp_path: Path) -> None:
    from evalrules.io.flat import MAX_BROKEN_ROWS

    lines = ["project,name,kind,slot,indicator,operator,value,actual"]
    lines += [f'P{n},"项目,target,产出,指标,>=,1,1' for n in range(MAX_BROKEN_ROWS + 2)]
    path = tmp_path / "quotes.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LoadError, match="引号不成对"):
        read_flat(path)


# --------------------------------------------------------------------------- the fast ways agree


def _as_dict_reader_reads(path: Path) -> list[tuple[str, Any]]:
    """read_flat as it was with csv.DictReader, for a file it reads without a broken row."""
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""), strict=True)
    header = [column.strip() for column in reader.fieldnames or ()]
    reader.fieldnames = header
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for row in reader:
        cells = {k: v for k, v in row.items() if k is not None}
        groups.setdefault((cells.get("project") or "").strip(), []).append((reader.line_num, cells))
    return [(key, project_from_rows(key, rows, str(path))) for key, rows in groups.items()]


_COLUMN = st.sampled_from(["project", "name", "kind", "slot", "indicator", "operator", "value", "actual"])
_ROW_CELL = st.sampled_from(
    ["", " ", "P1", "P2", "甲", ">=", "≥95%", "95", "?", "x", "多\n行", "target", "产出指标/数量指标"]
)


@fuzz_settings(100)
@given(
    header=st.lists(_COLUMN, min_size=1, max_size=8).map(lambda columns: ["project", *columns]),
    rows=st.lists(st.lists(_ROW_CELL, max_size=10), max_size=8),
    blank=st.lists(st.integers(min_value=0, max_value=8), max_size=3),
)
def test_csv_rows_are_read_as_the_dict_reader_read_them(
    header: list[str], rows: list[list[str]], blank: list[int], tmp_path_factory: pytest.TempPathFactory
) -> None:
    # issue 17: the rows are split without csv.DictReader; the same cells, lines (a row is at the
    # line it ends on, after blank lines and cells over several lines), short rows filled with
    # None, long rows cut, a repeated column's last cell kept
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([header, *rows])
    lines = buffer.getvalue().split("\r\n")
    for at in sorted(blank, reverse=True):
        lines.insert(min(at + 1, len(lines)), "")
    path = tmp_path_factory.mktemp("rows") / "rows.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    assert repr(read_flat(path)) == repr(_as_dict_reader_reads(path))


_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.decimals(allow_nan=False, places=2),
    st.text(alphabet=" \t\u3000a0?", max_size=3),
)


@fuzz_settings(100)
@given(row=st.dictionaries(st.sampled_from(COLUMNS), _CELL))
def test_the_filled_cells_of_a_row_are_those_is_filled_says(row: dict[str, Any]) -> None:
    assert filled_cells(row) == {column: value for column, value in row.items() if is_filled(value)}
    assert list(filled_cells(row)) == [column for column in row if is_filled(row[column])]


def test_rows_repeating_the_project_columns_give_what_the_first_row_alone_gives(tmp_path: Path) -> None:
    # a row repeating what an earlier row set is skipped without a second look (issue 17):
    # the Project, its places and the line a conflicting row names are the same
    header = "project,name,unit,year,region,ruleset,kind,slot,indicator,operator,value,actual\n"
    first = "P,项目,某局,2023,新疆,caiyu_2020_10_self,,产出指标/数量指标,a,>=,1,1\n"
    rows = ["P,,,,,,,产出指标/数量指标,b,>=,2,2\n", "P,,,,,,budget,,执行数,,10,\n"]
    repeated = ["P,项目,某局,2023,新疆,caiyu_2020_10_self," + row[len("P,,,,,,") :] for row in rows]
    once, again = tmp_path / "once.csv", tmp_path / "again.csv"
    once.write_text(header + first + "".join(rows), encoding="utf-8")
    again.write_text(header + first + "".join(repeated), encoding="utf-8")
    [(_, from_once)], [(_, from_again)] = read_flat(once), read_flat(again)
    assert isinstance(from_once, evalrules.Project)
    assert repr(from_once).replace(str(once), "F") == repr(from_again).replace(str(again), "F")
    conflict = tmp_path / "conflict.csv"
    conflict.write_text(
        header + first + "".join(repeated) + repeated[0].replace("某局", "某厅"), encoding="utf-8"
    )
    [(_, error)] = read_flat(conflict)
    assert isinstance(error, LoadError)
    [problem] = error.problems
    assert (problem.message, problem.line, problem.found) == ("unit 与第 2 行不一致", 5, "某厅")


def _groups_as_csv_reader_reads(text: str, name: str) -> Any:
    """The split as it was before a file without a quote was read without csv.reader (the
    reference for the property below): every row through one csv.reader."""
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines, strict=True)
    header = [column.strip() for column in next(reader, [])]
    flat._check_columns(header, name)
    width = len(header)
    owner = {column: index for index, column in enumerate(header)}.get("project", 0)
    groups: dict[str, list[Any]] = {}
    broken = 0
    offset = ended = reader.line_num
    while True:
        part = csv.reader(lines[offset:], strict=True)
        begun = offset
        try:
            for cells in part:
                line = offset + part.line_num
                if not cells:
                    begun = line
                    continue
                if line - ended > 1:
                    swallowed = flat._swallowed_rows(cells[:width], width)
                    if swallowed:
                        raise flat._Broken(flat._unbalanced(name, ended + 1, swallowed))
                key = cells[owner].strip() if owner < len(cells) else ""
                groups.setdefault(key, []).append((line, "".join(lines[begun:line])))
                begun = ended = line
            return tuple(header), groups
        except (csv.Error, flat._Broken) as error:
            problem = error.problem if isinstance(error, flat._Broken) else None
            said = f"CSV 格式错误：{flat._said(error)}"
            problem = problem or Problem("E-FILE", said, file=name, line=ended + 1)
            owner_text = lines[ended].split(",", 1)[0].strip() if ended < len(lines) else ""
            if not owner_text or '"' in owner_text:
                raise LoadError([problem]) from None
            groups.setdefault(owner_text, []).append(
                (ended + 1, {"project": owner_text, BROKEN_ROW: problem})
            )
            broken += 1
            if broken > flat.MAX_BROKEN_ROWS:
                raise AssertionError("more broken rows than the strategy makes") from None
            offset = ended = ended + 1


_RAW_CELL = st.sampled_from(["", " ", "P1", "P2", "甲", '"', '""', '"a,b"', '"多\n行"', "a\x00", ",", "x"])
_END = st.sampled_from(["\n", "\r\n", "\r", ""])


@fuzz_settings(200)
@given(
    rows=st.lists(st.tuples(st.lists(_RAW_CELL, max_size=5), _END), max_size=10),
    header=st.sampled_from(["project,name,value\n", "name,project\r\n", "project\r"]),
)
def test_a_file_without_a_quote_is_split_as_csv_reader_splits_it(
    rows: list[tuple[list[str], str]], header: str
) -> None:
    # issue 17: a file with no quote is split line by line; any text (stray quotes, cells over
    # several lines, blank lines, NUL, every line ending) gives the same rows, lines and problems
    text = header + "".join(",".join(cells) + end for cells, end in rows)
    expected: Any
    try:
        expected = _groups_as_csv_reader_reads(text, "f.csv")
    except LoadError as error:
        expected = error.problems
    try:
        found: Any = flat._csv_groups(text, "f.csv")
    except LoadError as error:
        found = error.problems
    assert found == expected
