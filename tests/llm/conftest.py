"""Fixtures of the LLM tests: a real OpenAI-compatible server on loopback, and config files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai._base_client
import pytest
import yaml

from ragcore.llm import Gateway, load_llm_config
from ragcore.llm._litellm import litellm
from ragcore.testing import FakeOpenAIServer

SECRET = "sk-test-very-secret-value-9f3a"


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def backup_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(default_reply="Answer from the backup server.") as server:
        yield server


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """LiteLLM's and the openai SDK's real backoff (0.5 s doubling, plus jitter) would make
    retry tests slow; the retry logic under test is unchanged, only the sleep is shortened."""
    monkeypatch.setattr(litellm.utils, "INITIAL_RETRY_DELAY", 0.01)
    monkeypatch.setattr(litellm.utils, "JITTER", 0.0)
    monkeypatch.setattr(openai._base_client, "INITIAL_RETRY_DELAY", 0.01)


def entry(name: str, server: FakeOpenAIServer, **params: Any) -> dict[str, Any]:
    return {
        "model_name": name,
        "litellm_params": {
            "model": "openai/test-model",
            "api_base": server.base_url,
            "api_key": "none",
            **params,
        },
    }


@pytest.fixture(params=["direct", "router"])
def make_gateway(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[..., Gateway]]:
    """Write a real LiteLLM YAML file and build the gateway from it.

    Every test using it runs twice: with the direct `openai` SDK path for single plain
    OpenAI-compatible deployments, and with every call through the LiteLLM Router."""
    built: list[Gateway] = []

    def build(entries: list[dict[str, Any]], default: str | None = None, **router: Any) -> Gateway:
        path = tmp_path / "llm.yaml"
        router = {"num_retries": 0, **router}
        path.write_text(yaml.safe_dump({"model_list": entries, "router_settings": router}))
        gateway = Gateway(
            load_llm_config(path),
            default_model=default or entries[0]["model_name"],
            direct=request.param == "direct",
        )
        built.append(gateway)
        return gateway

    yield build
    for gateway in built:
        gateway.close()
