"""The layout of the 附件1 自评表 as evalrules writes it: the sheet's title, its columns and their
widths, and the words it prints (shared by the filled form and the blank one)."""

from __future__ import annotations

from decimal import Decimal

SHEET_TITLE = "项目支出绩效自评表"
HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "年度指标值",
    "度量单位",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)
WIDTHS = (12, 16, 26, 9, 14, 10, 18, 9, 9, 40)
WIDTH = len(HEADERS)
NOT_APPLICABLE = "不适用"
EXECUTION_METHOD = "execution_rate"
DEFAULT_EXECUTION_WEIGHT = Decimal(10)
NATURE = {">=": "≥", "<=": "≤", "=": "=", "定性": "定性"}
ROW_LABELS = {"财政拨款": "其中：当年财政拨款", "上年结转": "上年结转资金", "其他资金": "其他资金"}
"""The rows under 年度资金总额 as the form prints them."""
