"""The paper scorecard on real material (issue 13); prints markdown tables.

1. A mixed library in a fresh home: the dev PDFs (tests/data/pdfs), the 16 unarXive Markdown
   papers (tests/data/papers), four real English manuscripts on one topic and six real Chinese
   papers on another (tests/data/papers_topics) ingested with the offline summarizer, and the
   seeds' cards imported (tests/data/seeds 000-003) with their BibTeX
   (data/demo_references.bib, as a researcher imports a reference manager's export). Most
   papers are off every topic below.
2. Three English topics (two with one paper of their own in the library, one with four) and
   three Chinese topics (two with the seeds' summary cards only, one with six papers), each
   drafted with the offline model and through the test server (`FakeOpenAIServer`: a fixed
   reply per section that cites like a model does, with `[1, 2]`, `[1-3]` and `【1】`; it
   measures how the pipeline handles model output, not writing), then scored with
   `ragcore.quality` (the same code as `ragcore eval paper`).
3. The citation-support check's precision/recall on benchmarks/data/support_pairs/.

    .venv/bin/python -m benchmarks.bench_paper [--embedder use|fake] [--out results.json]
        [--home DIR]    # keep the built library in DIR and reuse it on the next run
        [--export DIR]  # write each drafted paper (Markdown, review appendix) to DIR
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from ragcore.drafting.pipeline import draft_project, project_paper
from ragcore.drafting.projects import ProjectStore
from ragcore.ingest.importer.run import import_demo_references, import_files
from ragcore.ingest.pipeline import IngestOptions, ingest_paths
from ragcore.library.store import CardStore
from ragcore.llm import Gateway, load_llm_config
from ragcore.quality.length import at_target
from ragcore.quality.model import Scorecard
from ragcore.quality.scorecard import score_project
from ragcore.quality.support import THRESHOLD, SupportChecker
from ragcore.settings import load_settings
from ragcore.testing import FakeOpenAIServer

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
TOPIC_PAPERS = DATA / "papers_topics"
PAIRS = ROOT / "benchmarks" / "data" / "support_pairs" / "support_pairs.jsonl"
TOPICS = [
    ("en", "FracMinHash sketching for metagenome analysis"),
    ("en", "n-gram F-score metrics for evaluating grammatical error correction"),
    ("en", "empirically evaluated bug localization approaches"),
    ("zh", "分布式深度学习训练中的梯度稀疏化与通信优化"),
    ("zh", "开放世界半监督学习中的新类别发现"),
    ("zh", "汉语学习者文本的中文语法纠错"),
]
REPLIES = {
    "en": (
        "Prior work has studied this problem in depth [1]. Several methods were proposed and "
        "compared on public benchmarks [1, 2]. Their results motivate the approach of this "
        "section [1-2]. A later study reports similar findings 【1】."
    ),
    "zh": (
        "已有研究对该问题进行了深入探讨[1]。多种方法在公开基准上得到了比较[1, 2]。"
        "这些结果构成了本节方法的动机[1-2]。后续研究也报告了类似的发现【1】。"
    ),
}
FIGURES = [
    ("citation_integrity", "integrity"),
    ("reference_completeness", "refs"),
    ("fragments", "frag"),
    ("repeats", "repeat"),
    ("section_length", "length"),
    ("language_purity", "lang"),
    ("off_topic", "off-topic"),
    ("citation_support", "support"),
    ("grounding", "ground"),
    ("statistics", "stats"),
]


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def build_library(home: Path) -> dict[str, Any]:
    os.environ["RAGCORE_HOME"] = str(home)
    settings = load_settings()
    store = CardStore.open(settings)
    started = time.perf_counter()
    files = (
        sorted((DATA / "pdfs").glob("*.pdf"))
        + sorted((DATA / "papers").glob("*.md"))
        + sorted(TOPIC_PAPERS.glob("manubot-*.md"))
        + sorted(TOPIC_PAPERS.glob("zh-*.md"))
    )
    reports = ingest_paths(settings, files, IngestOptions(), store=store)
    seeds = sorted((DATA / "seeds").glob("00[0-3]_*.txt"))
    imported = import_files(seeds, store)
    # The seed papers carry bare ids; a researcher imports their reference manager's BibTeX
    # for them. data/demo_references.bib is that file for these papers (each entry checked
    # against a public source; two papers could not be identified and stay incomplete).
    references = import_demo_references(store)
    return {
        "files": len(files),
        "ingested_cards": sum(len(r.cards) for r in reports),
        "failed": [r.file for r in reports if not r.cards],
        "imported_cards": len(imported.added),
        "references_matched": len(references.matched),
        "cards": store.count(),
        "seconds": time.perf_counter() - started,
    }


def draft_and_score(
    lang: str, topic: str, gateway: Gateway | None, model: str, export: Path | None = None
) -> Scorecard:
    settings = load_settings()
    project = ProjectStore.from_settings(settings).create(
        topic, lang="en" if lang == "en" else "zh", model=model if gateway else ""
    )
    draft_project(settings, project, gateway=gateway, model=model if gateway else None)
    if export is not None:
        export.mkdir(parents=True, exist_ok=True)
        paper = project_paper(settings, project, review_appendix=True)
        name = f"{lang}-{'server' if gateway else 'offline'}-{project.project_id}.md"
        (export / name).write_text(paper.markdown, encoding="utf-8")
    return score_project(settings, project)


def server_gateway(server: FakeOpenAIServer, folder: Path) -> Gateway:
    config = server.write_llm_config(folder / "llm.yaml", timeout=30)
    return Gateway(load_llm_config(config), default_model="test-model")


def brief_reply(lang: str, topic: str) -> str:
    brief = {
        "title": topic,
        "research_question": topic,
        "method_name": "Method",
        "method_idea": topic,
        "contributions": [topic],
        "datasets": [],
        "metrics": [],
    }
    return "```json\n" + json.dumps(brief, ensure_ascii=False) + "\n```"


def support_eval(embedder_name: str) -> list[dict[str, Any]]:
    """Precision/recall of the "unsupported" flag (what the scorecard reports) on the set."""
    from ragcore.library.embeddings import get_embedder

    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    rows = []
    for label, checker in (
        (
            f"embedder {embedder_name} + words + numbers",
            SupportChecker(get_embedder(embedder_name)),
        ),
        ("words + numbers only", SupportChecker(None)),
    ):
        verdicts = [(p, checker.verdict(p["sentence"], p["evidence"])) for p in pairs]
        flagged = [(p, v) for p, v in verdicts if not v.supported]
        true_flags = sum(1 for p, _ in flagged if p["label"] == "unsupported")
        unsupported = sum(1 for p in pairs if p["label"] == "unsupported")
        by_kind = {}
        for kind in dict.fromkeys(p["kind"] for p in pairs):
            of_kind = [(p, v) for p, v in verdicts if p["kind"] == kind]
            right = sum(1 for p, v in of_kind if v.supported == (p["label"] == "supported"))
            by_kind[kind] = f"{right}/{len(of_kind)}"
        rows.append(
            {
                "check": label,
                "pairs": len(pairs),
                "precision": true_flags / len(flagged) if flagged else 0.0,
                "recall": true_flags / unsupported,
                "accuracy": sum(
                    1 for p, v in verdicts if v.supported == (p["label"] == "supported")
                )
                / len(pairs),
                "by_kind": by_kind,
            }
        )
    return rows


def table(results: list[dict[str, Any]]) -> str:
    """The scorecard per draft; "at target" is the share of sections within their length
    target, the library's shortfalls counted as short (the length figure does not count them)."""
    shorts = [short for _, short in FIGURES]
    shorts.insert(shorts.index("length") + 1, "at target")
    head = "| topic | lang | model | " + " | ".join(shorts) + " |"
    rows = [head, "|---|---|---|" + "---|" * len(shorts)]
    for r in results:
        cells = []
        for key, _ in FIGURES:
            f = r["figures"].get(key)
            if f is None or f["value"] is None:
                cells.append("-")
            else:
                value = f["value"] if f["unit"] == "count" else f"{f['value']:.2f}"
                cells.append(f"{value}" + ("" if f["passed"] else " ✗"))
            if key == "section_length":
                share = r.get("at_target")
                cells.append("-" if share is None else f"{share:.2f}")
        rows.append(
            f"| {r['topic'][:40]} | {r['lang']} | {r['model']} | " + " | ".join(cells) + " |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", default="use")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--home", type=Path, help="keep/reuse the built library here")
    parser.add_argument("--export", type=Path, help="write the drafted papers here")
    args = parser.parse_args()
    for name in [n for n in os.environ if n.startswith("RAGCORE_")]:
        del os.environ[name]
    os.environ["RAGCORE_EMBEDDER"] = args.embedder
    print(f"machine: {os.cpu_count()} cores; load average before: {_load()}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        library = _library(args.home, Path(folder))
        print(f"library: {json.dumps(library)}")
        results = []
        for lang, topic in TOPICS:
            t0 = time.perf_counter()
            card = draft_and_score(lang, topic, None, "offline/extractive", args.export)
            results.append(_row(lang, topic, "offline", card, time.perf_counter() - t0))
            with FakeOpenAIServer(default_reply=REPLIES[lang]) as server:
                server.reply_next(brief_reply(lang, topic))
                t0 = time.perf_counter()
                card = draft_and_score(
                    lang, topic, server_gateway(server, Path(folder)), "test-model", args.export
                )
                results.append(_row(lang, topic, "test server", card, time.perf_counter() - t0))
    print()
    print(table(results))
    support = support_eval(args.embedder)
    print()
    print(
        "| support check | pairs | precision (unsupported flag) | recall | accuracy | right by kind |"
    )
    print("|---|---|---|---|---|---|")
    for row in support:
        kinds = ", ".join(f"{k} {v}" for k, v in row["by_kind"].items())
        print(
            f"| {row['check']} | {row['pairs']} | {row['precision']:.2f} | {row['recall']:.2f} "
            f"| {row['accuracy']:.2f} | {kinds} |"
        )
    print(
        f"\nthreshold {THRESHOLD}; total {time.perf_counter() - started:.0f} s; load average after: {_load()}"
    )
    if args.out:
        args.out.write_text(
            json.dumps(
                {"library": library, "results": results, "support": support},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )


def _library(home: Path | None, folder: Path) -> dict[str, Any]:
    """Build the library in a fresh home, or reuse the one kept in `home` by an earlier run
    (its drafted projects are removed first so each run drafts anew)."""
    if home is None:
        return build_library(folder / "home")
    summary = home / "bench_library.json"
    if summary.exists():
        os.environ["RAGCORE_HOME"] = str(home)
        projects = ProjectStore.from_settings(load_settings())
        for project in projects.list_projects():
            projects.delete(project.project_id)
        return {**json.loads(summary.read_text(encoding="utf-8")), "reused": str(home)}
    library = build_library(home)
    summary.write_text(json.dumps(library), encoding="utf-8")
    return library


def _row(lang: str, topic: str, model: str, card: Scorecard, seconds: float) -> dict[str, Any]:
    data = card.to_dict()
    return {
        "topic": topic,
        "lang": lang,
        "model": model,
        "seconds": seconds,
        "figures": {f["key"]: f for f in data["figures"]},
        "at_target": at_target(card.figure("section_length")),
        "notes": data["notes"],
        "findings": {
            f["key"]: [(x["section"], x["text"][:200], x["detail"]) for x in f["findings"][:8]]
            for f in data["figures"]
        },
    }


if __name__ == "__main__":
    main()
