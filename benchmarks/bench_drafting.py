"""Drafting benchmarks; prints markdown tables.

1. Generate-all wall time, concurrent against sequential, on the test server with a fixed
   per-token latency (goal: concurrent wall time at most 1.3x the slowest single section).
2. Tokens sent per section (cl100k_base) against the seed format for the same evidence: the
   seed context files (000/002/003) as the seeds sent them, against our prompt (section
   template + brief + our context built from the same cards).

    .venv/bin/python -m benchmarks.bench_drafting [--tokens 200] [--latency 0.005 0.03]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import yaml

from ragcore.documents.section_context import parse_context, render_section
from ragcore.drafting.brief import Brief
from ragcore.drafting.versions import VersionStore
from ragcore.drafting.writer import DraftRequest, SectionInput, SectionWriter
from ragcore.library.cards import Card
from ragcore.llm import Gateway, load_llm_config
from ragcore.llm.prompts import PromptLibrary
from ragcore.retrieval.context import build_context, count_tokens
from ragcore.retrieval.evidence import EvidenceItem, SectionEvidence
from ragcore.retrieval.sectionplan import load_plan
from ragcore.testing import FakeOpenAIServer

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "data" / "seeds"
BRIEF = Brief(
    title="开放世界半监督图像分类中的学习速度同步",
    research_question="如何在未标记数据含有新类别时同时学好已知类别与新类别？",
    method_name="PaceSync",
    method_idea="用自适应边缘损失同步已知类别与新类别的学习速度。",
    contributions=["分析学习速度偏差。", "提出 PaceSync 方法。", "在公开数据集上验证。"],
    datasets=["CIFAR-10", "ImageNet-100"],
    metrics=["准确率"],
)
CONTEXT = "### Methodology 总结\n\n**总结1** (来源: pA) [1]:\n自适应边缘损失同步学习速度。\n"


def _serve(latency: float, reply: str, port_out: Connection, stop: EventType) -> None:
    with FakeOpenAIServer(token_latency=latency, default_reply=reply) as server:
        port_out.send(server.port)
        stop.wait()


@contextmanager
def server_process(latency: float, reply: str) -> Iterator[str]:
    """The test server in its own process, like a real model server: its work does not compete
    with the client for this process's GIL. Yields the base URL."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    stop = context.Event()
    process = context.Process(target=_serve, args=(latency, reply, send, stop), daemon=True)
    process.start()
    try:
        yield f"http://127.0.0.1:{receive.recv()}/v1"
    finally:
        stop.set()
        process.join(timeout=10)


def _gateway(base_url: str, folder: Path) -> Gateway:
    entry = {
        "model_name": "bench",
        "litellm_params": {"model": "openai/bench", "api_base": base_url, "api_key": "none"},
    }
    path = folder / "llm.yaml"
    path.write_text(yaml.safe_dump({"model_list": [entry], "router_settings": {"num_retries": 0}}))
    return Gateway(load_llm_config(path), default_model="bench")


def bench_generate_all(tokens: int, latency: float, repeats: int) -> list[tuple[str, float]]:
    reply = "本文方法同步学习速度[1]。" * (tokens // 13) + "完。"
    plan = load_plan()
    with tempfile.TemporaryDirectory() as tmp, server_process(latency, reply) as base_url:
        folder = Path(tmp)
        writer = SectionWriter(
            _gateway(base_url, folder),
            PromptLibrary(folder / "prompts"),
            VersionStore(folder / "db.sqlite3"),
        )
        request = DraftRequest("bench", "图像分类", "zh", "bench", BRIEF, 1)
        inputs = [SectionInput(spec, CONTEXT, {"1": "pA"}) for spec in plan.sections]
        writer.write(request, inputs[0])  # warm-up: imports, connection pool

        def timed(concurrency: int | None) -> float:
            runs = []
            for _ in range(repeats):
                start = time.perf_counter()
                if concurrency is None:
                    writer.write(request, inputs[0])
                else:
                    writer.write_all(request, inputs, concurrency=concurrency)
                runs.append(time.perf_counter() - start)
            return statistics.median(runs)

        single = timed(None)
        rows = [("slowest single section", single)]
        rows += [(f"generate-all, concurrency {c}", timed(c)) for c in (1, 3, 5)]
    return rows


def bench_tokens() -> list[tuple[str, int, int, int]]:
    plan = load_plan()
    library = PromptLibrary(Path(tempfile.mkdtemp()) / "prompts")
    rows = []
    for path in sorted(SEEDS.glob("00[023]_*.txt")):
        document = parse_context(path.read_text(encoding="utf-8"))
        for section in document.sections:
            spec = plan.find(section.section)
            seed_tokens = (
                count_tokens(path.read_text(encoding="utf-8"))
                if len(document.sections) == 1
                else None
            )
            items = [
                EvidenceItem(
                    Card(paper_id=card.paper_id, summary_type=block.summary_type, text=card.text),
                    1.0,
                )
                for block in section.type_blocks
                for card in block.cards
            ]
            built = build_context(
                SectionEvidence(spec.key, "图像分类", items), spec, lang="zh", budget=100_000
            )
            prompt = library.render(
                f"section/{spec.key}",
                topic="基于深度学习的图像分类方法研究",
                brief=BRIEF.to_markdown("zh"),
                context=built.text,
                word_min=spec.words[0],
                word_max=spec.words[1],
                lang="zh",
                section_name=spec.zh,
            )
            seed = seed_tokens or count_tokens(render_section(section, "zh"))
            rows.append(
                (f"{path.name[:3]} {section.section}", seed, count_tokens(prompt.text), len(items))
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=200, help="tokens per section reply")
    parser.add_argument(
        "--latency", type=float, nargs="+", default=[0.005, 0.03], help="seconds per streamed token"
    )
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    for latency in args.latency:
        rows = bench_generate_all(args.tokens, latency, args.repeats)
        slowest = rows[0][1]
        print(
            f"Generate-all, 5 sections, ~{args.tokens} tokens each at {latency * 1000:.0f} ms/token "
            f"(median of {args.repeats})\n"
        )
        print("| run | wall time (s) | x slowest single section |\n|---|---:|---:|")
        for name, seconds in rows:
            print(f"| {name} | {seconds:.2f} | {seconds / slowest:.2f} |")
        print()
    print("\nTokens sent per section (cl100k_base), seed format vs ours for the same cards\n")
    print(
        "| seed section | cards | seed context | our prompt (template + brief + context) | ratio |\n|---|---:|---:|---:|---:|"
    )
    for name, seed, ours, cards in bench_tokens():
        print(f"| {name} | {cards} | {seed} | {ours} | {ours / seed:.2f} |")


if __name__ == "__main__":
    main()
