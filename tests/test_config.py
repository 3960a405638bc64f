"""Settings are data: every setting is documented and overridable from the environment."""

from dataclasses import fields
from pathlib import Path

from kg.config import SETTINGS, Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_field_is_declared() -> None:
    assert {f.name for f in fields(Settings)} - {"extra"} == {s.name for s in SETTINGS}


def test_defaults_match_the_dataclass() -> None:
    defaults = Settings()
    for s in SETTINGS:
        assert getattr(defaults, s.name) == s.default, s.name


def test_environment_overrides() -> None:
    s = load_settings({"KG_QUERY_TIMEOUT": "2.5", "KG_MAX_RESULT_ROWS": "10"})
    assert s.query_timeout == 2.5
    assert s.max_result_rows == 10


def test_docs_list_every_setting() -> None:
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [s.env for s in SETTINGS if s.env not in text]
    assert not missing, f"docs/settings.md lacks {missing}"
