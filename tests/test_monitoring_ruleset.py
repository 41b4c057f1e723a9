"""evalrules.monitoring.ruleset: the monitoring ruleset kind, the built-in 136号 one, and that the
evaluation commands refuse it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import evalrules
from evalrules.base.errors import LoadError
from evalrules.cli import main as cli
from evalrules.monitoring import load_monitoring_ruleset
from evalrules.monitoring import record as record_module
from evalrules.monitoring import ruleset as ruleset_module

ROOT = Path(__file__).parents[1]
BUILTIN_FILE = ROOT / "src" / "evalrules" / "monitoring" / "jiankong_2019_136.toml"


def test_builtin_ruleset_with_provenance() -> None:
    ruleset = load_monitoring_ruleset()
    assert ruleset.id == "jiankong_2019_136"
    assert ruleset.status == "unverified"
    assert (ruleset.time_basis, ruleset.mid_month, ruleset.places) == ("month", "fraction", 2)
    assert (ruleset.lag_watch, ruleset.lag_warn) == (Decimal(10), Decimal(20))
    assert ruleset.light_names == ("正常", "关注", "预警")
    assert ruleset.likelihood == {"确定能": 0, "有可能": 1, "完全不可能": 2}
    tags = {text.split()[0] for text in ruleset.provenance.values()}
    assert tags <= {"[V]", "[V-code]", "[M]"} and "[M]" in tags


def test_own_ruleset_file(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(
        '[monitoring_ruleset]\nid = "x"\n[time]\nbasis = "day"\n'
        '[lights]\nnormal = "绿灯"\nwatch = "黄灯"\nwarn = "红灯"\n'
        '[targets]\nlikelihood = { "有可能" = "warn" }\n',
        encoding="utf-8",
    )
    ruleset = load_monitoring_ruleset(path)
    assert (ruleset.time_basis, ruleset.light_names) == ("day", ("绿灯", "黄灯", "红灯"))
    assert ruleset.likelihood["有可能"] == 2 and ruleset.likelihood["完全不可能"] == 2


def test_bad_ruleset_is_located(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(
        '[monitoring_ruleset]\nid = "x"\n[time]\nbasis = "days"\n[execution]\nlag_wacth = 5\nlag_warn = 1\n',
        encoding="utf-8",
    )
    with pytest.raises(LoadError) as caught:
        load_monitoring_ruleset(path)
    text = caught.value.render()
    assert "m.toml:4" in text and "“days”" in text and "day" in text
    assert "lag_wacth" in text and "“lag_watch”" in text
    assert "预警的差距应不小于关注的差距" in text


def test_an_evaluation_ruleset_is_no_monitoring_ruleset() -> None:
    with pytest.raises(LoadError) as caught:
        load_monitoring_ruleset("caiyu_2020_10")
    assert "是评价规则集" in caught.value.render()
    with pytest.raises(LoadError) as caught:
        load_monitoring_ruleset("jiankong_2091_136")
    assert "jiankong_2019_136" in caught.value.render()


@pytest.mark.parametrize("given", ["jiankong_2019_136", str(BUILTIN_FILE)])
def test_score_refuses_a_monitoring_ruleset(given: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(given)
    assert [p.code for p in caught.value.problems] == ["E-RULESET-KIND"]
    assert cli.main(["score", str(ROOT / "examples" / "akto-2022.toml"), "--ruleset", given]) == 1
    assert "E-RULESET-KIND" in capsys.readouterr().err


def test_docs_cover_every_key_and_code() -> None:
    text = (ROOT / "docs" / "monitoring.md").read_text(encoding="utf-8")
    keys = {
        *ruleset_module.TOP_KEYS,
        *ruleset_module.INFO_KEYS,
        *ruleset_module.TIME_KEYS,
        *ruleset_module.LIGHT_KEYS,
        *ruleset_module.EXECUTION_KEYS,
        *ruleset_module.TARGET_KEYS,
        *ruleset_module.TIME_BASES,
        *ruleset_module.MID_MONTH,
        *ruleset_module.BUDGET_BASES,
        *ruleset_module.LIKELIHOODS,
        *record_module.RECORD_KEYS,
        *record_module.TARGET_KEYS,
        *record_module.REASON_KEYS,
        *record_module.REASON_ALIASES,
    }
    assert sorted(k for k in keys if f"`{k}`" not in text and k not in text) == []
    source = "\n".join(p.read_text("utf-8") for p in (ROOT / "src" / "evalrules" / "monitoring").glob("*.py"))
    import re

    codes = set(re.findall(r'"(JK-[A-Z]+-[A-Z]+)"', source))
    assert codes and sorted(c for c in codes if f"`{c}`" not in text) == []


# --- register_monitoring_rulesets: a region's monitoring ruleset from a plugin ---------------------


def _monitoring_plugin(path: Path, ruleset_id: str) -> object:
    from evalrules.plugin import RulesetSource, hookimpl

    text = BUILTIN_FILE.read_text(encoding="utf-8").replace(
        'id = "jiankong_2019_136"', f'id = "{ruleset_id}"'
    )
    text = text.replace("lag_warn = 20", "lag_warn = 15")
    assert f'id = "{ruleset_id}"' in text and "lag_warn = 15" in text
    file = path / f"{ruleset_id}.toml"
    file.write_text(text, encoding="utf-8")

    class Region:
        @hookimpl
        def register_monitoring_rulesets(self) -> list[RulesetSource]:
            return [RulesetSource.from_file(file, "monitoring_ruleset")]

    return Region()


def test_a_plugin_registers_a_monitoring_ruleset(tmp_path: Path) -> None:
    from evalrules.testing import plugin_registry

    registry = plugin_registry(_monitoring_plugin(tmp_path, "demo_jiankong"))
    assert set(registry.monitoring_rulesets) == {"jiankong_2019_136", "demo_jiankong"}
    assert registry.origin("monitoring_ruleset", "jiankong_2019_136") == "evalrules.default_plugins.rulesets"
    ruleset = load_monitoring_ruleset("demo_jiankong", registry)
    assert (ruleset.id, ruleset.lag_warn) == ("demo_jiankong", Decimal(15))
    with pytest.raises(LoadError) as caught:  # an evaluation command refuses it by its id
        evalrules.load_ruleset("demo_jiankong", registry)
    assert caught.value.problems[0].code == "E-RULESET-KIND"
    with pytest.raises(LoadError) as caught:  # and monitoring refuses an evaluation ruleset's id
        load_monitoring_ruleset("caiyu_2020_10", registry)
    assert "是评价规则集" in caught.value.problems[0].message


def test_an_id_names_one_ruleset_evaluation_or_monitoring(tmp_path: Path) -> None:
    from evalrules.base.errors import PluginError
    from evalrules.testing import plugin_registry

    with pytest.raises(PluginError) as caught:
        plugin_registry(_monitoring_plugin(tmp_path, "caiyu_2020_10"))
    assert caught.value.problems[0].code == "E-PLUGIN-DUPLICATE"
    assert "caiyu_2020_10" in caught.value.problems[0].message


def test_a_monitoring_source_needs_its_id(tmp_path: Path) -> None:
    from evalrules.plugin import RulesetSource

    path = tmp_path / "m.toml"
    path.write_text('[monitoring_ruleset]\nname = "无 id"\n', encoding="utf-8")
    with pytest.raises(LoadError, match=r"\[monitoring_ruleset\] id"):
        RulesetSource.from_file(path, "monitoring_ruleset")


def test_rulesets_lists_the_monitoring_rulesets(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rulesets"]) == 0
    out = capsys.readouterr().out
    monitoring = out.split("监控规则集")[1]
    assert "jiankong_2019_136" in monitoring and "caiyu_2020_10" not in monitoring
