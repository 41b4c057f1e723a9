"""The word lists the built-in check functions use as their parameters' defaults (a rule's
``params`` may replace each list: docs/review.md)."""

from __future__ import annotations

VAGUE_WORDS = [
    "较好",
    "良好",
    "明显",
    "显著",
    "有效",
    "进一步",
    "逐步",
    "稳步",
    "大幅",
    "不断",
    "持续",
    "较高",
    "基本",
    "提升",
    "提高",
    "改善",
    "加强",
    "保障",
    "强化",
    "促进",
]
"""Words that say a direction, not a level (88号 "细化量化" [M]): the default of vague_words."""

TIME_WORDS = [
    "按时",
    "按期",
    "如期",
    "准时",
    "及时",
    "完工",
    "工期",
    "时限",
    "时间",
    "进度",
    "周期",
    "期限",
    "当年",
    "年度",
    "月",
    "日前",
    "季度",
]
"""Words that tie a 时效 ratio to a time (按时完成率 is a time-bound rate; 资金使用合规率 is not)."""

BOUNDED_RATES = [
    "合格率",
    "覆盖率",
    "满意度",
    "完成率",
    "达标率",
    "合规率",
    "到位率",
    "执行率",
    "知晓率",
    "通过率",
    "验收率",
]
"""Ratios that cannot exceed 100% (an 增长率 can)."""

BENEFIT_PREFIXES = ["带动", "促进", "提升", "提高", "惠及", "保障", "推动", "改善", "增加"]
