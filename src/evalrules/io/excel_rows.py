"""Reading the 自评表's rows: the budget block (its total and its 其中 rows) and each 绩效指标 row
(operator, value, unit, percent, rating). :mod:`evalrules.io.excel` puts them together."""

from __future__ import annotations

import re
from decimal import Decimal

from ..base.numbers import HUNDRED, NumberProblem, fmt, parse_number
from ..base.sources import Place
from ..model.operators import SUFFIX_OPERATORS, Operator, canonical_operator, suggest_operator
from ..model.project import BUDGET_FIELDS, BUDGET_ROWS, Budget, Target, budget_row_name, is_unknown
from .excel_form import (
    BUDGET_COLUMNS,
    FULLWIDTH,
    NOT_APPLICABLE_WORDS,
    NUMBER,
    RATING_NAMES,
    RATINGS,
    SYMBOL,
    Entry,
    SheetBase,
    bare_label,
    cell_decimal,
    shown_text,
    squeezed,
)


class FormRows(SheetBase):
    # --- budget block ---------------------------------------------------------------------------

    def budget(self, scores: dict[str, Decimal], places: dict[str, Place]) -> Budget:
        at = self.find(lambda text: text in {"年初预算数", "全年预算数", "调整后预算数"})
        if at is None:
            return Budget()
        header = at[0]
        columns: dict[str, int] = {}
        for column in range(1, self.columns + 1):
            if self.merged.get((header, column), (header, column))[1] != column:
                continue  # the rest of a merged label
            label = bare_label(self.value(header, column))
            for key, labels in BUDGET_COLUMNS.items():
                if label in labels and key not in columns:
                    columns[key] = column
        data, total_row = header + 1, False
        for row in range(header + 1, min(header + 6, self.rows) + 1):
            if any(squeezed(self.value(row, c)) == "年度资金总额" for c in range(1, self.columns + 1)):
                data, total_row = row, True
                break
        figures: dict[str, Decimal] = {}
        budget_places = {"": Place(self.file, self.where(header, at[1]))}
        for key, column in columns.items():
            number = self.number(data, column, key)
            if number is None:
                continue
            if key == "得分":
                scores["预算执行率"] = number
                places["预算执行率"] = self.place(data, column)
            elif key != "分值":
                if number < 0:
                    self.problem("E-BUDGET", f"{key} 不能为负数", self.where(data, column), found=fmt(number))
                figures[key] = number
                budget_places[key] = self.place(data, column)
        rows = self.budget_rows(data, columns, budget_places) if total_row else {}
        summed = []
        for key in BUDGET_FIELDS:  # a form that fills in only the rows: the total is their sum
            if key not in figures and any(key in row for row in rows.values()):
                figures[key] = sum((row[key] for row in rows.values() if key in row), Decimal(0))
                summed.append(key)
                budget_places[key] = budget_places[""]
        unit = self.budget_unit(header, data)
        return Budget(unit, figures, "", budget_places, rows, tuple(summed))

    def budget_rows(
        self, total: int, columns: dict[str, int], places: dict[str, Place]
    ) -> dict[str, dict[str, Decimal]]:
        """The rows under 年度资金总额 (其中：当年财政拨款 / 上年结转资金 / 其他资金), each with the
        figures the total row has columns for; their 分值 / 执行率 / 得分 cells (— in the form) are
        not read."""
        rows: dict[str, dict[str, Decimal]] = {}
        first = min(columns.values(), default=self.columns + 1)
        for line in range(total + 1, min(total + 6, self.rows) + 1):
            names = [budget_row_name(squeezed(self.value(line, c))) for c in range(1, first)]
            name = next((n for n in names if n is not None), None)
            if name is None:
                break
            figures: dict[str, Decimal] = {}
            for key, column in columns.items():
                if key in ("分值", "得分"):
                    continue
                number = self.number(line, column, key)
                if number is not None and number < 0:
                    self.problem(
                        "E-BUDGET", f"{name}的{key} 不能为负数", self.where(line, column), found=fmt(number)
                    )
                elif number is not None:
                    figures[key] = number
                    places[f"{name}/{key}"] = self.place(line, column)
            if name not in rows and figures:  # a row printed blank gives nothing
                rows[name] = figures
                places[name] = self.place(line, 1)
        return {name: rows[name] for name in BUDGET_ROWS if name in rows}

    def budget_unit(self, header: int, data: int) -> str:
        texts = [
            squeezed(self.value(row, column))
            for row in range(max(header - 1, 1), data + 1)
            for column in range(1, self.columns + 1)
        ]
        if any("万元" in text for text in texts):
            return "万元"
        if any(re.search(r"[（(]元[）)]|单位[:：]元", text) for text in texts):
            return "元"
        return "万元"

    def target(
        self, row: int, columns: dict[str, int], scores: dict[str, Decimal], places: dict[str, Place]
    ) -> Target | None:
        def text(key: str) -> str:
            return shown_text(self.value(row, columns[key])) if key in columns else ""

        first, second, name = text("first"), text("second"), text("third")
        if "预算执行率" in (first, name):
            score = self.number(row, columns["score"], "得分") if "score" in columns else None
            if score is not None:
                scores["预算执行率"] = score
                places["预算执行率"] = self.place(row, columns["score"])
            return None
        value_text, actual_text = text("value"), text("actual")
        filled = [value_text, actual_text, text("nature"), text("unit")]
        filled_in = ("third", "nature", "value", "unit", "actual", "weight", "score")
        if [key for key in filled_in if key in columns and self.formula(row, columns[key])]:
            return None
        said = [t for t in (value_text, actual_text) if t]
        if not name and first and said and all(t in NOT_APPLICABLE_WORDS for t in said):
            # a slot's "no such indicator" row whose name cell was left blank: not applicable
            if (first, second) in self.unnamed:
                return None  # one is enough for the slot
            self.unnamed.add((first, second))
            name = "本项目无该指标"
        if not name:
            if any(filled):
                self.problem(
                    "E-TARGET",
                    "填写了指标值却缺少三级指标名称",
                    self.where(row, columns["third"]),
                    expected="指标名称，或在指标值处写“不适用”",
                )
            return None
        if not first:
            self.problem(
                "E-TARGET", "缺少一级指标", self.where(row, columns["first"]), expected="如 产出指标"
            )
            return None
        slot = (first, *second.split("/")) if second else (first,)  # 产出指标/数量指标 under 绩效指标
        path = "/".join((*slot, name))
        weight = self.number(row, columns["weight"], "分值")
        if weight is not None and weight < 0:
            self.problem("E-WEIGHT", "分值不能为负数", self.where(row, columns["weight"]), found=fmt(weight))
        score = self.number(row, columns["score"], "得分") if "score" in columns else None
        if score is not None:
            scores[path] = score
            places[path] = self.place(row, columns["score"])
        reason = text("reason")
        place = self.place(row, columns["third"])
        not_applicable = all(not t or t in NOT_APPLICABLE_WORDS for t in (value_text, actual_text))
        operator = self.operator(row, columns, allow_missing=not_applicable)
        if not_applicable:
            return Target(
                slot, name, operator or ">=", None, "", text("unit"), None, "", place, weight, reason,
                not_applicable=True,
            )  # fmt: skip
        if operator is None:
            return None
        value = self.entry(row, columns["value"])
        actual = self.entry(row, columns["actual"])
        cells = (("value", value_text), ("actual", actual_text))
        unknown = tuple(key for key, cell in cells if is_unknown(cell))
        if operator == "定性":
            if "actual" in unknown and score is None:  # a cut-off or illegible 实际完成值: a range
                return Target(
                    slot, name, "定性", None, value_text, text("unit"), None, actual_text, place, weight,
                    reason, unknown=("actual",),
                )  # fmt: skip
            rating = self.rating(row, columns, actual_text, weight, score)
            return Target(
                slot, name, "定性", None, value_text, text("unit"), None, actual_text, place, weight,
                reason, rating=rating, score=score,
            )  # fmt: skip
        if value.number is None and "value" not in unknown:
            self.problem(
                "E-NUMBER",
                "年度指标值应为数字（定量指标）",
                self.where(row, columns["value"]),
                expected=f"数字，或把指标性质写为“定性”（当前为 {operator}）",
                found=value_text,
            )
            return None
        unit = self.unit(row, columns, (value, actual))
        if unit is None:
            return None
        numbers = self.percent_row(row, columns, unit, (value, actual))
        return Target(
            slot=slot,
            name=name,
            operator=operator,
            value=numbers[0],
            value_text=fmt(numbers[0]) if numbers[0] is not None else value_text,
            unit=unit,
            actual=numbers[1],
            actual_text=fmt(numbers[1]) if numbers[1] is not None else actual_text,
            place=place,
            weight=weight,
            reason=reason,
            unknown=unknown,
        )

    def entry(self, row: int, column: int) -> Entry:
        raw = self.value(row, column)
        if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
            try:
                number = cell_decimal(raw)
            except NumberProblem as problem:
                self.problem(
                    "E-NUMBER", f"数值无法使用：{problem}", self.where(row, column), found=shown_text(raw)
                )
                return Entry(shown_text(raw), "", None, False, "")
            if "%" in self.cell_format(row, column):
                return Entry(shown_text(raw), "", number * HUNDRED, True, "")
            return Entry(shown_text(raw), "", number, False, "")
        text = shown_text(raw)
        normalised = text.translate(FULLWIDTH)
        symbol = ""
        match = SYMBOL.match(normalised)
        if match:
            symbol = match.group(1)
            normalised = normalised[match.end() :]
        found = NUMBER.match(normalised.strip())
        if not found:
            return Entry(text, symbol, None, False, "")
        try:
            number = parse_number(found.group(1))
        except NumberProblem as problem:
            self.problem("E-NUMBER", f"数值无法使用：{problem}", self.where(row, column), found=text)
            return Entry(text, symbol, None, False, "")
        unit = found.group(3).strip()
        for word, operator in SUFFIX_OPERATORS:
            if unit.endswith(word) and not symbol:
                unit, symbol = unit[: -len(word)].strip(), operator
        return Entry(text, symbol, number, found.group(2) == "%", unit)

    def operator(self, row: int, columns: dict[str, int], *, allow_missing: bool) -> Operator | None:
        value = self.entry(row, columns["value"])
        symbol_operator = None
        if value.symbol:
            symbol_operator = canonical_operator(value.symbol)
            if symbol_operator is None and not allow_missing:
                self.problem(
                    "E-OPERATOR",
                    f"年度指标值中的符号 “{value.symbol}” 无法识别",
                    self.where(row, columns["value"]),
                    expected="≥、≤、= 或 定性",
                    found=value.text,
                    suggestion=suggest_operator(value.symbol),
                )
                return None
        nature = squeezed(self.value(row, columns["nature"])) if "nature" in columns else ""
        if nature:
            operator = canonical_operator(nature)
            if operator is None:
                if not allow_missing:
                    self.problem(
                        "E-OPERATOR",
                        f"未知的指标性质 “{nature}”",
                        self.where(row, columns["nature"]),
                        expected="≥、≤、= 或 定性",
                        suggestion=suggest_operator(nature),
                    )
                return None
            if symbol_operator is not None and symbol_operator != operator and not allow_missing:
                self.problem(
                    "E-OPERATOR",
                    f"指标性质 “{nature}” 与年度指标值中的符号 “{value.symbol}” 不一致",
                    self.where(row, columns["value"]),
                    found=value.text,
                )
                return None
            return operator
        if symbol_operator is not None:
            return symbol_operator
        if value.number is None and value.text:
            return "定性"
        if not allow_missing:
            self.problem(
                "E-OPERATOR",
                "无法确定指标性质：没有指标性质列，年度指标值前也没有 ≥、≤、= 符号",
                self.where(row, columns["value"]),
                expected="如 “≥95%”、“≤50”，或填写指标性质列",
                found=value.text,
            )
        return None

    def unit(self, row: int, columns: dict[str, int], entries: tuple[Entry, Entry]) -> str | None:
        column_unit = shown_text(self.value(row, columns["unit"])) if "unit" in columns else ""
        inside = {entry.unit for entry in entries if entry.unit}
        if column_unit:
            wrong = inside - {column_unit}
            if wrong:
                self.problem(
                    "E-UNIT",
                    f"指标值中的单位 “{'、'.join(sorted(wrong))}” 与度量单位 “{column_unit}” 不一致",
                    self.where(row, columns["unit"]),
                )
                return None
            return column_unit
        if len(inside) > 1:
            self.problem(
                "E-UNIT",
                f"年度指标值与实际完成值的单位不一致：{'、'.join(sorted(inside))}",
                self.where(row, columns["value"]),
            )
            return None
        if inside:
            return inside.pop()
        return "%" if any(entry.explicit_percent for entry in entries) else ""

    def percent_row(
        self, row: int, columns: dict[str, int], unit: str, entries: tuple[Entry, Entry]
    ) -> tuple[Decimal | None, Decimal | None]:
        numbers = [entry.number for entry in entries]
        if unit != "%" and not any(entry.explicit_percent for entry in entries):
            return numbers[0], numbers[1]
        bare = [
            e.number for e in entries if e.number is not None and not e.explicit_percent and e.number != 0
        ]
        fractions = bool(bare) and all(abs(number) <= 1 for number in bare)
        scaled = [
            number * HUNDRED if number is not None and fractions and not entry.explicit_percent else number
            for entry, number in zip(entries, numbers, strict=True)
        ]
        return scaled[0], scaled[1]

    def rating(
        self,
        row: int,
        columns: dict[str, int],
        actual_text: str,
        weight: Decimal | None,
        score: Decimal | None,
    ) -> str | None:
        if actual_text in RATING_NAMES:
            return actual_text
        found = actual_text
        if score is not None and weight:
            share = score / weight
            rating = next((name for name, low in RATINGS if share >= low), None)
            if rating is not None:
                return rating
            found = f"{actual_text}（得分 {fmt(score)}，分值 {fmt(weight)}）"  # a negative share
        self.problem(
            "E-RATING",
            "定性指标无法确定评价等级",
            self.where(row, columns["actual"]),
            expected="实际完成值写评价等级（达成年度指标 等），或填写不为负的分值与得分",
            found=found,
        )
        return None
