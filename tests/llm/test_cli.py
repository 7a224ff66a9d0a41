"""`ragcore models` and `ragcore chat` through typer's runner."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ragcore.commands.cli import app
from ragcore.testing import FakeOpenAIServer

runner = CliRunner()


def _config(tmp_path: Path, server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "llm.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "model_list": [
                    {
                        "model_name": "local",
                        "litellm_params": {
                            "model": "openai/test-model",
                            "api_base": server.base_url,
                            "api_key": "os.environ/LOCAL_KEY",
                        },
                    },
                    {
                        "model_name": "nokey",
                        "litellm_params": {
                            "model": "openai/test-model",
                            "api_base": server.base_url,
                            "api_key": "os.environ/MISSING_KEY",
                        },
                    },
                ],
                "router_settings": {"num_retries": 0},
            }
        )
    )
    monkeypatch.setenv("RAGCORE_LLM_CONFIG", str(path))
    monkeypatch.setenv("LOCAL_KEY", "sk-local")
    monkeypatch.delenv("MISSING_KEY", raising=False)


def test_models_lists_and_checks_without_spending_tokens(
    tmp_path: Path, openai_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _config(tmp_path, openai_server, monkeypatch)
    monkeypatch.setenv("COLUMNS", "200")  # one table row per line
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 0, result.output
    lines = {
        line.split("│")[1].strip(): line
        for line in result.output.splitlines()
        if line.count("│") > 3
    }
    assert "LOCAL_KEY set" in lines["local"] and "yes (200)" in lines["local"]
    assert "MISSING_KEY missing" in lines["nokey"]
    assert "built in" in lines["offline/extractive (default)"]
    assert openai_server.chat_requests == []  # only GET /v1/models
    assert {r.path for r in openai_server.requests} == {"/v1/models"}


def test_chat_streams_answer(
    tmp_path: Path, openai_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _config(tmp_path, openai_server, monkeypatch)
    openai_server.reply_next("streamed reply")
    result = runner.invoke(app, ["chat", "local", "hi there"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("streamed reply\n")
    assert "[local] 2 in / 2 out" in result.stderr


def test_chat_offline_without_config() -> None:
    result = runner.invoke(app, ["chat", "offline/extractive", "本文提出了一种新的检索方法。"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "本文提出了一种新的检索方法。"
    assert "extractive" in result.stderr


def test_chat_cut_stream_prints_partial_text_and_error(
    tmp_path: Path, openai_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _config(tmp_path, openai_server, monkeypatch)
    openai_server.cut_next(2, "one two three")
    result = runner.invoke(app, ["chat", "local", "go"])
    assert result.exit_code == 2
    assert result.stdout.startswith("one two ")
    assert "error: the answer from the model server at" in result.stderr
