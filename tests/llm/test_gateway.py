"""The gateway over real HTTP against the local OpenAI-compatible server."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from ragcore.llm import Gateway, LLMCallError
from ragcore.testing import Behaviour, FakeOpenAIServer
from tests.llm.conftest import entry

GatewayFactory = Callable[..., Gateway]


def test_complete_returns_text_and_record(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)])
    openai_server.reply_next("Retrieval helps drafting.")

    answer = gateway.complete([{"role": "user", "content": "Why retrieval?"}])

    assert answer.text == "Retrieval helps drafting."
    record = answer.record
    assert (record.model_requested, record.model_used, record.finish_reason) == (
        "main",
        "main",
        "stop",
    )
    assert record.tokens_out == 3 and record.tokens_in == 2
    assert record.cost_usd is None  # LiteLLM has no price for a test model: unknown, not 0
    assert not record.extractive and not record.partial and record.error is None
    assert openai_server.chat_requests[-1].prompt == "Why retrieval?"


def test_stream_delivers_deltas_in_order(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)])
    openai_server.reply_next("one two three four")
    pieces: list[str] = []

    answer = gateway.stream("count", on_delta=pieces.append)

    assert pieces == ["one ", "two ", "three ", "four"]
    assert answer.text == "one two three four"
    assert answer.record.ttft_s is not None and answer.record.tokens_out == 4
    assert openai_server.chat_requests[-1].body["stream"] is True


def test_retries_on_429_then_succeeds(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)], num_retries=2)
    openai_server.fail_next(2, status=429)

    answer = gateway.complete("hello")

    assert answer.text == openai_server.default_reply
    assert len(openai_server.chat_requests) == 3
    assert answer.record.retries == 2


def test_exhausted_retries_give_one_plain_message(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)], num_retries=2)
    openai_server.fail_next(3, status=429)

    with pytest.raises(LLMCallError) as caught:
        gateway.complete("hello")

    assert str(caught.value) == (
        f"the model server at {openai_server.base_url} answered 429 too many requests after 3 tries"
    )
    assert caught.value.partial_text == ""
    assert caught.value.record.finish_reason == "error"


def test_server_error_is_retried_too(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)], num_retries=1)
    openai_server.fail_next(2, status=503)

    with pytest.raises(LLMCallError, match=r"answered 503 service unavailable after 2 tries"):
        gateway.complete("hello")
    assert len(openai_server.chat_requests) == 2


def test_fallback_to_second_deployment(
    openai_server: FakeOpenAIServer, backup_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway(
        [entry("main", openai_server), entry("backup", backup_server)],
        fallbacks=[{"main": ["backup"]}],
    )
    openai_server.fail_next(1, status=500)

    answer = gateway.complete("hello")

    assert answer.text == "Answer from the backup server."
    assert (answer.record.model_used, answer.record.fallbacks) == ("backup", 1)


def test_fallback_chain_ends_at_offline_provider(
    openai_server: FakeOpenAIServer, backup_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway(
        [entry("main", openai_server), entry("backup", backup_server)],
        fallbacks=[{"main": ["backup", "offline/extractive"]}],
    )
    openai_server.fail_next(1, status=500)
    backup_server.fail_next(1, status=429)
    prompt = "请总结：本文提出了一种新的检索增强写作方法。实验表明它比基线快三倍。"

    for answer in (gateway.complete(prompt), None):
        if answer is None:  # the same chain, streamed
            openai_server.fail_next(1, status=500)
            backup_server.fail_next(1, status=429)
            answer = gateway.stream(prompt)
        assert answer.record.model_used == "offline/extractive"
        assert answer.record.extractive
        assert "本文提出了一种新的检索增强写作方法。" in answer.text


def test_timeout_on_hanging_server(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)])
    openai_server.hang_next(1, seconds=10)

    with pytest.raises(LLMCallError, match=r"did not answer in time after 1 try"):
        gateway.complete("hello", timeout=0.3)


def test_cut_stream_keeps_partial_text(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)])
    openai_server.cut_next(3, "alpha beta gamma delta epsilon")
    pieces: list[str] = []

    answer = gateway.stream("go", on_delta=pieces.append)

    assert answer.text == "alpha beta gamma " == "".join(pieces)
    assert answer.record.partial and answer.record.finish_reason == "cut"
    assert answer.record.error == (
        f"the answer from the model server at {openai_server.base_url} broke off after 17 characters "
        "(the connection closed mid-stream)"
    )


def test_stream_cut_before_any_text_raises(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)])
    openai_server.cut_next(0)

    with pytest.raises(LLMCallError, match="closed the connection before answering") as caught:
        gateway.stream("go")
    assert caught.value.partial_text == ""


def test_length_finish_is_reported(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)])
    openai_server.script(Behaviour.length("cut by the limit"), Behaviour.length("cut again"))

    assert gateway.complete("x", max_tokens=4).record.finish_reason == "length"
    streamed = gateway.stream("x", max_tokens=2)
    assert (streamed.text, streamed.record.finish_reason, streamed.record.partial) == (
        "cut again",
        "length",
        False,
    )
    assert openai_server.chat_requests[0].body["max_tokens"] == 4


def test_malformed_json_is_a_plain_failure(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)])
    openai_server.script(Behaviour.malformed())

    with pytest.raises(LLMCallError, match="answered with malformed JSON"):
        gateway.complete("x")


def test_sync_cancel_keeps_text_so_far(make_gateway: GatewayFactory) -> None:
    with FakeOpenAIServer(token_latency=0.01) as server:
        gateway = make_gateway([entry("main", server)])
        server.reply_next("a b c d e f g h i j k l m n o p")
        cancel = threading.Event()

        def on_delta(piece: str) -> None:
            if piece.strip() == "c":
                cancel.set()

        answer = gateway.stream("go", on_delta=on_delta, cancel=cancel)

    assert answer.text == "a b c "
    assert answer.record.partial and answer.record.finish_reason == "cancelled"


async def test_async_complete_and_stream(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)])
    openai_server.reply_next("first answer", "second answer")
    pieces: list[str] = []

    first = await gateway.acomplete("a")
    second = await gateway.astream("b", on_delta=pieces.append)

    assert first.text == "first answer"
    assert second.text == "second answer" == "".join(pieces)
    assert second.record.model_used == "main"


async def test_async_cancel_interrupts_a_hanging_server(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)])
    openai_server.hang_next(1, seconds=10)
    cancel = asyncio.Event()
    asyncio.get_running_loop().call_later(0.2, cancel.set)

    answer = await gateway.astream("x", cancel=cancel, timeout=30)

    assert answer.text == "" and answer.record.finish_reason == "cancelled"


async def test_concurrent_async_streams(make_gateway: GatewayFactory) -> None:
    with FakeOpenAIServer(echo=True) as server:
        gateway = make_gateway([entry("main", server)])
        prompts = [f"prompt number {i}" for i in range(5)]
        answers = await asyncio.gather(*(gateway.astream(p) for p in prompts))
    assert [a.text for a in answers] == prompts


def test_unknown_model_is_named(
    openai_server: FakeOpenAIServer, make_gateway: GatewayFactory
) -> None:
    gateway = make_gateway([entry("main", openai_server)])
    with pytest.raises(
        Exception,
        match=r"model 'gpt-9' is not in .*llm.yaml; known models: main, offline/extractive",
    ):
        gateway.complete("x", model="gpt-9")
