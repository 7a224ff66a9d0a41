"""The direct `openai` SDK path: which model groups take it, and what it keeps from the Router."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest

from ragcore.llm import Gateway, LLMCallError
from ragcore.llm.config import LLMConfig, ModelEntry
from ragcore.testing import FakeOpenAIServer
from tests.llm.conftest import entry

GatewayFactory = Callable[..., Gateway]


def _gateway(entries: list[ModelEntry], **router: Any) -> Gateway:
    return Gateway(LLMConfig(tuple(entries), {"num_retries": 0, **router}), default_model="main")


def _plain(name: str = "main", **params: Any) -> ModelEntry:
    base = {"model": "openai/m", "api_base": "http://127.0.0.1:9/v1", "api_key": "none"}
    return ModelEntry(name, {**base, **params})


@pytest.mark.parametrize(
    ("entries", "router", "direct"),
    [
        ([_plain()], {}, True),
        ([_plain(timeout=5, api_key="os.environ/SOME_KEY")], {}, True),
        ([_plain(), _plain()], {}, False),  # two deployments: the Router balances them
        ([_plain(), _plain("b")], {"fallbacks": [{"main": ["b"]}]}, False),
        ([_plain(), _plain("b")], {"fallbacks": [{"b": ["main"]}]}, True),  # only a target
        ([_plain()], {"context_window_fallbacks": [{"*": ["offline/extractive"]}]}, False),
        ([_plain()], {"default_fallbacks": ["offline/extractive"]}, False),
        ([_plain(extra_headers={"X-Team": "a"})], {}, False),  # LiteLLM-specific parameter
        ([_plain(model="ollama_chat/qwen2.5")], {}, False),  # another provider
        ([ModelEntry("main", {"model": "openai/gpt-4o-mini"})], {}, False),  # hosted: no api_base
    ],
)
def test_which_groups_take_the_direct_path(
    entries: list[ModelEntry], router: dict[str, Any], direct: bool
) -> None:
    gateway = _gateway(entries, **router)
    assert gateway.uses_router("main") is not direct
    assert gateway.uses_router("offline/extractive")
    assert _gateway(entries, **router).uses_router() is not direct
    gateway.close()


def test_direct_false_routes_everything() -> None:
    gateway = Gateway(LLMConfig((_plain(),), {}), default_model="main", direct=False)
    assert gateway.uses_router("main")
    gateway.close()


def test_missing_key_is_named_before_any_request(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UNSET_TEST_KEY", raising=False)
    gateway = make_gateway([entry("main", openai_server, api_key="os.environ/UNSET_TEST_KEY")])

    with pytest.raises(LLMCallError, match=r"^no API key for the model server at http://127"):
        gateway.complete("hello")
    assert openai_server.chat_requests == []


def test_retries_are_counted_on_streams_too(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)], num_retries=2)
    openai_server.fail_next(1, status=500)

    answer = gateway.stream("hello")

    assert answer.text == openai_server.default_reply
    assert len(openai_server.chat_requests) == 2
    assert answer.record.model_used == "main" and answer.record.finish_reason == "stop"
    if not gateway.uses_router():  # the Router does not report retries of a stream
        assert answer.record.retries == 1


def test_one_gateway_serves_several_event_loops(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    """Streamlit and the CLI run `asyncio.run` per action; async connections must not outlive
    the loop that opened them."""
    gateway = make_gateway([entry("main", openai_server)])
    openai_server.reply_next("first", "second", "third")

    answers = [asyncio.run(gateway.acomplete("a")), asyncio.run(gateway.astream("b"))]
    answers.append(asyncio.run(gateway.acomplete("c")))

    assert [a.text for a in answers] == ["first", "second", "third"]


def test_direct_and_offline_models_in_one_gateway(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)])
    openai_server.reply_next("from the server")

    served = gateway.complete("hello")
    offline = gateway.complete("本文提出了一种新的检索方法。", model="offline/extractive")

    assert (served.text, served.record.extractive) == ("from the server", False)
    assert offline.record.extractive and offline.record.model_used == "offline/extractive"


def test_prompt_and_answer_never_reach_the_logs(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # an application logging everything at DEBUG
    gateway = make_gateway([entry("main", openai_server)])
    openai_server.reply_next("confidential-answer-31", "confidential-answer-32")

    gateway.complete("confidential-prompt-17")
    gateway.stream("confidential-prompt-18")

    assert len(openai_server.chat_requests) == 2
    assert "confidential" not in caplog.text
