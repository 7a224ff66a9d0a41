"""Models page: the configured models with the gateway's health check and the default; the
YAML reloaded without a restart; a YAML with a syntax error keeps the old configuration in use
and shows the error; a missing key is said in plain words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from ragcore.testing import FakeOpenAIServer
from tests.pages.conftest import goto, use_test_model, values


def models_shown(app: AppTest) -> list[str]:
    table = next(d.value for d in app.dataframe if "模型" in d.value.columns)
    return list(table["模型"])


def test_models_health_reload_and_a_broken_yaml(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeOpenAIServer() as server:
        use_test_model(server, tmp_path, monkeypatch)
        config = tmp_path / "llm.yaml"
        goto(app, "models")
        assert models_shown(app) == ["test-model", "offline/extractive"]
        app.toggle(key="models_network").set_value(True).run()
        table = next(d.value for d in app.dataframe if "模型" in d.value.columns)
        assert table["可连接"].iloc[0].startswith("可连接")  # the test server answered
        assert table["默认"].iloc[1].startswith("⭐")  # RAGCORE_MODEL: the offline model

        # A syntax error: the old configuration stays in use and the error is shown.
        config.write_text("model_list:\n  - model_name: [broken\n", encoding="utf-8")
        app.button(key="models_reload").click().run()
        assert any("not valid YAML" in w for w in values(app.warning)), values(app.warning)
        assert models_shown(app) == ["test-model", "offline/extractive"]

        # Fixed, with a second model whose key is not set: reloaded without a restart.
        entries = yaml.safe_load(server.write_llm_config(tmp_path / "fresh.yaml").read_text())
        entries["model_list"].append(
            {"model_name": "hosted", "litellm_params": {
                "model": "openai/gpt-4o-mini", "api_key": "os.environ/RAGCORE_TEST_MISSING_KEY"}}
        )  # fmt: skip
        config.write_text(yaml.safe_dump(entries), encoding="utf-8")
        app.button(key="models_reload").click().run()
        assert models_shown(app) == ["test-model", "hosted", "offline/extractive"]
        assert not any("not valid YAML" in w for w in values(app.warning))
        assert any(
            "RAGCORE_TEST_MISSING_KEY" in w and "api_key: none" in w for w in values(app.warning)
        )
