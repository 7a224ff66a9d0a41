"""Configuration in LiteLLM format, offline default, and keys that never leak."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import yaml

from ragcore.errors import InputError
from ragcore.llm import Gateway, LLMCallError, load_llm_config
from ragcore.settings import OFFLINE_MODEL, load_settings
from ragcore.testing import FakeOpenAIServer
from tests.llm.conftest import SECRET

REPO = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "llm.yaml"
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_no_config_means_offline() -> None:
    gateway = Gateway.from_settings(load_settings())
    assert gateway.models == [OFFLINE_MODEL] and gateway.default_model == OFFLINE_MODEL
    answer = gateway.complete("本文提出了一种新的检索方法。")
    assert answer.record.extractive and answer.text == "本文提出了一种新的检索方法。"


def test_settings_pick_file_and_default_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(
        tmp_path,
        {
            "model_list": [
                {
                    "model_name": "local",
                    "litellm_params": {
                        "model": "openai/x",
                        "api_base": "http://127.0.0.1:9/v1",
                        "api_key": "os.environ/LOCAL_KEY",
                    },
                }
            ]
        },
    )
    monkeypatch.setenv("RAGCORE_LLM_CONFIG", str(path))
    monkeypatch.setenv("RAGCORE_MODEL", "local")
    gateway = Gateway.from_settings(load_settings())
    assert gateway.models == ["local", OFFLINE_MODEL] and gateway.default_model == "local"
    assert gateway.config.deployments("local")[0].key_env == "LOCAL_KEY"


def test_example_file_loads_with_every_entry_uncommented(tmp_path: Path) -> None:
    example = (REPO / "llm.example.yaml").read_text(encoding="utf-8")
    assert load_llm_config(REPO / "llm.example.yaml").model_names == [OFFLINE_MODEL]
    yaml_line = re.compile(
        r"^(\s*)# (\s*(?:- model_name:|litellm_params:|model:|api_base:|api_key:|fallbacks:|- [\w.-]+: \[))",
        re.M,
    )
    config = load_llm_config(_write(tmp_path, yaml_line.sub(r"\1\2", example)))
    assert config.model_names == [
        OFFLINE_MODEL,
        "gpt-4o-mini",
        "deepseek-chat",
        "qwen-plus",
        "qwen2.5-local",
        "vllm-local",
        "team-proxy",
    ]
    assert config.router_settings["fallbacks"][0] == {"deepseek-chat": ["qwen-plus", OFFLINE_MODEL]}
    Gateway(config)  # the Router accepts it


def test_literal_key_in_file_is_refused_without_repeating_it(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "model_list": [
                {"model_name": "m", "litellm_params": {"model": "openai/x", "api_key": SECRET}}
            ]
        },
    )
    with pytest.raises(InputError, match="keys must come from the environment") as caught:
        load_llm_config(path)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("model_list: [\n  - model_name: a\n   bad", r"llm.yaml line \d+: not valid YAML"),
        ({"model_list": [{"litellm_params": {"model": "x"}}]}, "entry 1 needs a `model_name:`"),
        ({"model_list": [{"model_name": "a"}]}, "model 'a' needs `litellm_params:`"),
        ({"router_settings": {"num_retrys": 2}}, "unknown router_settings num_retrys"),
        (
            {"router_settings": {"fallbacks": [{"a": ["b"]}]}},
            "fallbacks name 'a', 'b', which is not a model_name",
        ),
    ],
)
def test_bad_config_names_file_and_problem(tmp_path: Path, content: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_llm_config(_write(tmp_path, content))


def test_unknown_default_model_is_a_plain_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAGCORE_MODEL", "gpt-4o")
    with pytest.raises(InputError, match="model 'gpt-4o' is not in the LLM config"):
        Gateway.from_settings(load_settings())


@pytest.mark.parametrize("direct", [True, False], ids=["direct", "router"])
def test_key_is_sent_but_never_logged_or_reported(
    direct: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_LLM_KEY", SECRET)
    for name in (None, "LiteLLM", "LiteLLM Router", "httpx", "openai"):
        caplog.set_level(logging.DEBUG, logger=name)
    with (
        FakeOpenAIServer(require_key="another-key") as refusing,
        FakeOpenAIServer(require_key=SECRET) as accepting,
    ):

        def model(name: str, server: FakeOpenAIServer) -> dict[str, object]:
            return {
                "model_name": name,
                "litellm_params": {
                    "model": "openai/test-model",
                    "api_base": server.base_url,
                    "api_key": "os.environ/TEST_LLM_KEY",
                },
            }

        path = _write(
            tmp_path,
            {
                "model_list": [model("refused", refusing), model("ok", accepting)],
                "router_settings": {"num_retries": 1},
            },
        )
        gateway = Gateway(load_llm_config(path), default_model="ok", direct=direct)
        assert gateway.uses_router() is not direct
        good = gateway.stream("hello")
        with pytest.raises(LLMCallError) as refused:
            gateway.complete("hello", model="refused")
        accepting.fail_next(2, status=500)
        with pytest.raises(LLMCallError) as failed:
            gateway.complete("hello")
        assert accepting.chat_requests[0].headers["Authorization"] == f"Bearer {SECRET}"
        gateway.close()

    assert "refused the API key" in str(refused.value)
    outputs = [
        str(refused.value),
        str(failed.value),
        repr(good.record.as_dict()),
        repr(refused.value.record.as_dict()),
        caplog.text,
        *capsys.readouterr(),
    ]
    assert all(SECRET not in text for text in outputs)
