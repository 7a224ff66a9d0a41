"""The user's LiteLLM YAML is read from RAGCORE_HOME/llm.yaml when RAGCORE_LLM_CONFIG is not
set, so it lives outside the repository by default; the variable still wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragcore.settings import load_settings


def test_llm_yaml_in_the_home_folder_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAGCORE_HOME", str(tmp_path))
    monkeypatch.delenv("RAGCORE_LLM_CONFIG", raising=False)
    assert load_settings().llm_config is None
    (tmp_path / "llm.yaml").write_text("model_list: []\n", encoding="utf-8")
    assert load_settings().llm_config == tmp_path.resolve() / "llm.yaml"
    other = tmp_path / "other.yaml"
    other.write_text("model_list: []\n", encoding="utf-8")
    monkeypatch.setenv("RAGCORE_LLM_CONFIG", str(other))
    assert load_settings().llm_config == other
