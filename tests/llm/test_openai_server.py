"""The test peer itself, spoken to with plain httpx."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from ragcore.testing import Behaviour, FakeOpenAIServer


def test_models_and_plain_completion() -> None:
    with FakeOpenAIServer(models=("a", "b")) as server:
        models = httpx.get(f"{server.base_url}/models").json()
        reply = httpx.post(
            f"{server.base_url}/chat/completions",
            json={"model": "a", "messages": [{"role": "user", "content": "x y"}]},
        ).json()
    assert [m["id"] for m in models["data"]] == ["a", "b"]
    assert reply["choices"][0]["message"]["content"] == server.default_reply
    assert reply["usage"]["prompt_tokens"] == 2


def test_sse_stream_echo_and_usage() -> None:
    with FakeOpenAIServer(echo=True) as server:
        body = {
            "model": "a",
            "stream": True,
            "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": "你好 world"}],
        }
        with httpx.stream("POST", f"{server.base_url}/chat/completions", json=body) as response:
            events = [
                line.removeprefix("data: ")
                for line in response.iter_lines()
                if line.startswith("data: ")
            ]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == "你好 world"
    assert chunks[-1]["usage"]["completion_tokens"] == 4  # 你 好 " " world
    assert server.chat_requests[0].prompt == "你好 world"


def test_scripted_errors_then_normal_and_requests_recorded() -> None:
    with FakeOpenAIServer() as server:
        server.script(Behaviour.error(500), Behaviour.malformed())
        url = f"{server.base_url}/chat/completions"
        statuses = [httpx.post(url, json={"messages": []}) for _ in range(3)]
    assert [r.status_code for r in statuses] == [500, 200, 200]
    assert statuses[1].text.startswith('{"id": "chatcmpl-test", "choices": [') and statuses[
        1
    ].text.endswith("[")
    assert statuses[2].json()["choices"][0]["finish_reason"] == "stop"
    assert len(server.chat_requests) == 3


def test_stop_wakes_hanging_requests() -> None:
    server = FakeOpenAIServer().start()
    server.hang_next(1, seconds=60)
    with pytest.raises(httpx.TimeoutException):
        httpx.post(f"{server.base_url}/chat/completions", json={"messages": []}, timeout=0.2)
    server.stop()  # returns without waiting the 60 s
    assert len(server.requests) == 1


def test_written_config_points_a_gateway_at_the_server(tmp_path: Path) -> None:
    from ragcore.llm import Gateway, load_llm_config

    with FakeOpenAIServer() as server:
        path = server.write_llm_config(tmp_path / "llm.yaml", model="local")
        gateway = Gateway(load_llm_config(path), default_model="local")
        try:
            server.reply_next("你好")
            assert gateway.complete("hi").text == "你好"
        finally:
            gateway.close()
        assert server.chat_requests[-1].prompt.endswith("hi")
