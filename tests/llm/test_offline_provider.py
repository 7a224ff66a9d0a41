"""The offline provider through LiteLLM: completion, streaming, async, same text as the composer."""

from __future__ import annotations

from pathlib import Path

from ragcore.llm import Gateway, compose_extractive
from tests.conftest import SEEDS

METHODS = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")


def test_complete_and_stream_match_the_composer() -> None:
    gateway = Gateway()
    expected = compose_extractive(METHODS).text
    pieces: list[str] = []

    completed = gateway.complete(METHODS)
    streamed = gateway.stream(METHODS, on_delta=pieces.append)

    assert completed.text == streamed.text == "".join(pieces) == expected
    assert len(pieces) > 3  # sentence by sentence
    for answer in (completed, streamed):
        assert answer.record.extractive and answer.record.model_used == "offline/extractive"
        assert answer.record.cost_usd == 0.0 and answer.record.tokens_out > 0


async def test_async_paths() -> None:
    gateway = Gateway()
    first = await gateway.acomplete(
        [{"role": "system", "content": "You write papers."}, {"role": "user", "content": METHODS}]
    )
    second = await gateway.astream(METHODS)
    assert first.text == second.text == compose_extractive("You write papers.\n\n" + METHODS).text


def test_max_tokens_shortens_the_answer(tmp_path: Path) -> None:
    short = Gateway().complete(METHODS, max_tokens=150)
    assert 0 < len(short.text) < len(compose_extractive(METHODS).text)
