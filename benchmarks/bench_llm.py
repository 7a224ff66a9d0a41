"""LLM gateway benchmark: overhead per call vs direct HTTP, and concurrent streams.

    .venv/bin/python benchmarks/bench_llm.py [--calls 200] [--concurrent 10]

Prints markdown tables. Everything runs against the local OpenAI-compatible test server (in this
process, so "CPU ms" counts the server's work too; the direct-httpx rows carry the same share).
The gateway is measured on both of its paths: the direct `openai` SDK path it takes for a single
plain OpenAI-compatible deployment, and the LiteLLM Router path (`Gateway(direct=False)`).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from ragcore.llm import Gateway
from ragcore.llm.config import LLMConfig, ModelEntry
from ragcore.testing import FakeOpenAIServer

MESSAGES = [{"role": "user", "content": "Summarise retrieval-augmented drafting in one line."}]


def gateway_for(server: FakeOpenAIServer, direct: bool = True) -> Gateway:
    params = {"model": "openai/test-model", "api_base": server.base_url, "api_key": "none"}
    config = LLMConfig(
        (
            ModelEntry("bench", params),
            ModelEntry("offline/extractive", {"model": "offline/extractive"}),
        ),
        {"num_retries": 0, "timeout": 30},
    )
    return Gateway(config, default_model="bench", direct=direct)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def timed(call: Callable[[], Any], n: int) -> tuple[list[float], float]:
    """Wall time of each call, and the process CPU ms per call (less sensitive to other load)."""
    call()  # warm up (the first LiteLLM call imports provider code: several seconds)
    out = []
    cpu_start = time.process_time()
    for _ in range(n):
        start = time.perf_counter()
        call()
        out.append(time.perf_counter() - start)
    return out, (time.process_time() - cpu_start) / n * 1000


def overhead(n: int) -> None:
    with FakeOpenAIServer() as server, httpx.Client() as client:
        gateway, routed = gateway_for(server), gateway_for(server, direct=False)
        url = f"{server.base_url}/chat/completions"
        body = {"model": "test-model", "messages": MESSAGES}

        def direct() -> None:
            client.post(url, json=body).json()

        def direct_stream() -> None:
            with client.stream("POST", url, json={**body, "stream": True}) as response:
                for _ in response.iter_lines():
                    pass

        loop = asyncio.new_event_loop()
        aclient = httpx.AsyncClient()

        async def adirect() -> None:
            (await aclient.post(url, json=body)).json()

        async def adirect_stream() -> None:
            async with aclient.stream("POST", url, json={**body, "stream": True}) as response:
                async for _ in response.aiter_lines():
                    pass

        rows = [
            ("direct httpx, JSON", timed(direct, n)),
            ("direct httpx async, JSON", timed(lambda: loop.run_until_complete(adirect()), n)),
        ]
        for label, gw in (("", gateway), (" via Router", routed)):
            rows += _gateway_rows(gw, label, loop, n, stream=False)
        rows += [
            ("direct httpx, SSE stream", timed(direct_stream, n)),
            (
                "direct httpx async, SSE stream",
                timed(lambda: loop.run_until_complete(adirect_stream()), n),
            ),
        ]
        for label, gw in (("", gateway), (" via Router", routed)):
            rows += _gateway_rows(gw, label, loop, n, stream=True)
        loop.run_until_complete(aclient.aclose())
        loop.close()
        gateway.close()
        routed.close()
    _overhead_table(n, rows)


Row = tuple[str, tuple[list[float], float]]


def _gateway_rows(
    gateway: Gateway, label: str, loop: asyncio.AbstractEventLoop, n: int, *, stream: bool
) -> list[Row]:
    sync, asynchronous = (
        (gateway.stream, gateway.astream) if stream else (gateway.complete, gateway.acomplete)
    )
    name = "stream" if stream else "complete"
    return [
        (f"gateway.{name}{label}", timed(lambda: sync(MESSAGES), n)),
        (
            f"gateway.a{name}{label}",
            timed(lambda: loop.run_until_complete(asynchronous(MESSAGES)), n),
        ),
    ]


def _overhead_table(n: int, rows: list[Row]) -> None:
    """Each gateway row is compared with the direct httpx call of its kind (sync/async, JSON/SSE)."""
    base = {name: (percentiles(s)[0], cpu) for name, (s, cpu) in rows if name.startswith("direct")}
    print(f"\n### Overhead per call ({n} sequential calls, 8-token reply)\n")
    print("| path | p50 ms | p95 ms | added at p50 ms | CPU ms/call | added CPU ms |")
    print("|---|---|---|---|---|---|")
    for name, (samples, cpu) in rows:
        p50, p95 = percentiles(samples)
        asynchronous = " async" if name.startswith(("gateway.a", "direct httpx async")) else ""
        kind = "SSE stream" if "stream" in name else "JSON"
        ref_p50, ref_cpu = base[f"direct httpx{asynchronous}, {kind}"]
        print(
            f"| {name} | {p50:.1f} | {p95:.1f} | {p50 - ref_p50:+.1f} "
            f"| {cpu:.1f} | {cpu - ref_cpu:+.1f} |"
        )


def concurrency(n: int, token_latency: float, tokens: int, direct: bool) -> None:
    reply = " ".join(f"w{i}" for i in range(tokens))
    with FakeOpenAIServer(token_latency=token_latency, default_reply=reply) as server:
        gateway = gateway_for(server, direct=direct)
        gateway.stream(MESSAGES)  # warm up

        def single() -> float:
            start = time.perf_counter()
            gateway.stream(MESSAGES)
            return time.perf_counter() - start

        one = statistics.median(single() for _ in range(3))

        async def many() -> float:
            start = time.perf_counter()
            answers = await asyncio.gather(*(gateway.astream(MESSAGES) for _ in range(n)))
            assert all(a.text == reply for a in answers)
            return time.perf_counter() - start

        async_wall = asyncio.run(many())
        with ThreadPoolExecutor(n) as pool:
            start = time.perf_counter()
            list(pool.map(lambda _: gateway.stream(MESSAGES), range(n)))
            thread_wall = time.perf_counter() - start
        gateway.close()
    path = "direct path" if direct else "via Router"
    print(
        f"\n### {n} concurrent streams ({tokens} tokens, {token_latency * 1000:.0f} ms per token, "
        f"{path})\n"
    )
    print("| run | wall s | × one call |")
    print("|---|---|---|")
    print(f"| one call (stream) | {one:.2f} | 1.0 |")
    print(f"| {n} × astream, asyncio.gather | {async_wall:.2f} | {async_wall / one:.1f} |")
    print(f"| {n} × stream, {n} threads | {thread_wall:.2f} | {thread_wall / one:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--concurrent", type=int, default=10)
    parser.add_argument("--token-latency", type=float, default=0.02)
    parser.add_argument("--tokens", type=int, default=50)
    args = parser.parse_args()
    overhead(args.calls)
    for direct in (True, False):
        concurrency(args.concurrent, args.token_latency, args.tokens, direct)


if __name__ == "__main__":
    main()
