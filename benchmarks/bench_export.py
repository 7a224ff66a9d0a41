"""Time each manuscript export format on a paper-sized input.

A 6-section paper (each section ~1,500 Chinese characters with citations) citing N references
(half Chinese, half English, journal/conference/preprint/thesis mixed), rendered in GB/T 7714
and APA. The floor is one bare pandoc process start (`pandoc --version`), measured in the same
run: every format but BibTeX runs pandoc two or three times.

    .venv/bin/python benchmarks/bench_export.py --references 30 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from ragcore.documents.paper import PaperDocument, PaperSection
from ragcore.drafting.manuscript import (
    FORMATS,
    CitedWork,
    FrontMatter,
    Manuscript,
    pandoc_path,
    render_export,
)
from ragcore.drafting.styles import get_style
from ragcore.library.bibliography import Reference

KINDS = ("article-journal", "paper-conference", "article", "thesis")


def references(count: int) -> list[CitedWork]:
    works = []
    for n in range(count):
        chinese = n % 2 == 0
        kind = KINDS[n % len(KINDS)]
        reference = Reference(
            paper_id=f"p{n}",
            type=kind,  # type: ignore[arg-type]
            title=(f"基于深度学习的图像分类方法研究之{n}" if chinese else f"A Study of Topic {n}"),
            authors=(
                ["郜帅", "侯心迪", "刘宁春", "张宏科"] if chinese else ["Yang, Fan", "Li, Xin"]
            ),
            year=2000 + n % 25,
            venue="" if kind == "article" else ("通信学报" if chinese else "Proceedings of X"),
            volume="43",
            issue="4",
            pages="1-14",
            arxiv_id=f"2309.{10000 + n}" if kind == "article" else "",
        )
        works.append(CitedWork(f"key{n}", reference))
    return works


def manuscript(count: int) -> Manuscript:
    sentence = "图像分类是计算机视觉的基础任务，深度学习方法显著提高了准确率[{a}, {b}]。"
    sections = []
    for s in range(6):
        body = "".join(
            sentence.format(a=(s * 7 + i) % count + 1, b=(s * 11 + i) % count + 1)
            for i in range(50)
        )
        sections.append(PaperSection(f"第{s + 1}节", body))
    return Manuscript(
        FrontMatter("测试论文", "摘要。", ["图像分类"]),
        "zh",
        sections,
        references(count),
        PaperDocument("测试论文", sections=sections),
    )


def timed(action: object, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--references", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paper = manuscript(args.references)
    home = Path(tempfile.mkdtemp())
    floor = timed(lambda: subprocess.run([pandoc_path(), "--version"], capture_output=True), 5)
    print(f"floor: one pandoc process start {floor * 1000:.0f} ms")
    print("| style | " + " | ".join(FORMATS) + " |")
    print("|---|" + "---|" * len(FORMATS))
    for style_id in ("gb-t-7714", "apa"):
        style = get_style(home, style_id)
        cells = []
        for fmt in FORMATS:
            seconds = timed(
                lambda fmt=fmt, style=style: render_export(paper, fmt, style, "p"), args.repeat
            )
            cells.append(f"{seconds:.2f}")
        print(f"| {style_id} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
