"""PDF reading quality: headings (recall, precision, levels), roles, card types, metadata and
text debris on the vendored dev PDFs (tests/data/pdfs) and on generated PDFs of every heading
style (tests/ingest/pdf_samples.py). Prints markdown tables (docs/ingest.md, "Benchmarks").

Run from the repository root: .venv/bin/python -m benchmarks.eval_pdf_headings [--generated-only]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import yaml

from ragcore.ingest.chunks import section_chunks
from ragcore.ingest.formats import parse_file
from ragcore.ingest.formats.pdf import parse
from ragcore.ingest.metadata import extract_paper
from ragcore.ingest.pdf_evaluation import (
    HeadingScore,
    abstract_right,
    debris,
    heading_key,
    keywords_right,
    metadata_right,
    score_headings,
)
from ragcore.ingest.routing import load_routing
from ragcore.ingest.sections import split_sections
from ragcore.ingest.summarize import Summarizer
from tests.ingest.pdf_samples import STYLES, styled_pdf

ROOT = Path(__file__).resolve().parents[1]
PDFS = ROOT / "tests" / "data" / "pdfs"
FRONT = ROOT / "tests" / "ingest" / "data" / "pdf_front_matter.yaml"
KEY_ROLES = ("introduction", "method", "experiments", "results", "conclusion")


def _cards(sections: list, title: str, lang: str) -> list:  # type: ignore[type-arg]
    return [s for s in Summarizer(load_routing()).summarize(sections, title, lang) if s.ok]


def _mark(right: bool, got: str) -> str:
    return "✓" if right else f"✗ {got or '(none)'}"


def dev_set() -> None:
    front = yaml.safe_load(FRONT.read_text(encoding="utf-8"))
    totals: dict[str, HeadingScore] = defaultdict(HeadingScore)
    print(
        "| file | pages | parse s | gold ≤2 | found ≤2 | recall | precision | levels right |"
        " roles found | card types | title | first author | year | abstract | keywords | warnings |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    texts: list[str] = []
    for line in (PDFS / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        started = time.perf_counter()
        doc = parse_file(PDFS / entry["file"])
        seconds = time.perf_counter() - started
        sections = split_sections(doc)
        paper = extract_paper(doc, sections)
        gold = [(g["heading"], g["level"]) for g in entry["gold_headings"]]
        score = score_headings(sections, gold)
        totals[entry["lang"]].add(score)
        want = front[entry["file"]]
        meta = metadata_right(
            paper, want.get("title", entry["title"]), want["first_author"], want["year"]
        )
        roles = sorted({s.role for s in sections} & set(KEY_ROLES))
        cards = _cards(sections, paper.title, paper.lang)
        texts += [c.text for c in cards] + [c.text for c in section_chunks("p", sections)]
        print(
            f"| {entry['file']} | {entry['pages']} | {seconds:.1f} | {score.gold} | {score.found} "
            f"| {score.recall:.2f} | {score.precision:.2f} | {score.level_right}/{score.matched} "
            f"| {', '.join(roles)} | {len(cards)} | {'✓' if meta['title'] else '✗ ' + paper.title} "
            f"| {'✓' if meta['first author'] else '✗ ' + ','.join(paper.authors[:1])} "
            f"| {'✓' if meta['year'] else '✗ ' + str(paper.year)} "
            f"| {_mark(abstract_right(paper, want['abstract']), paper.abstract[:40])} "
            f"| {_mark(keywords_right(paper, want['keywords']), '; '.join(paper.keywords))} "
            f"| {len(doc.warnings)} |"
        )
        if score.missed or score.extra:
            print(f"|  | missed: {score.missed} | extra: {score.extra} |")
    for lang, total in sorted(totals.items()):
        print(
            f"\n**{lang}**: recall {total.recall:.3f}, precision {total.precision:.3f} "
            f"({total.matched}/{total.gold} gold, {total.found} found)"
        )
    print(f"\nDebris in cards and raw chunks: {debris(texts)}")


def generated_set() -> None:
    print(
        "\n| generated style | columns | headings right | levels right | roles right | "
        "card types | title | authors |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for style in STYLES:
        for two_columns in (False, True):
            sample = styled_pdf(style, two_columns)
            path = Path(f"{style}.pdf")
            doc = parse(path, sample.data)
            sections = [s for s in split_sections(doc) if s.heading]
            got = [(heading_key(s.heading), s.level, s.role) for s in sections]
            want = [(heading_key(h), level, role) for h, level, role in sample.headings]
            paper = extract_paper(doc, split_sections(doc))
            found = {g[0]: g for g in got}
            right = sum(1 for w in want if w[0] in found)
            levels = sum(1 for w in want if w[0] in found and found[w[0]][1] == w[1])
            roles = sum(1 for w in want if w[0] in found and found[w[0]][2] == w[2])
            cards = _cards(split_sections(doc), paper.title, paper.lang)
            print(
                f"| {style} | {2 if two_columns else 1} | {right}/{len(want)} (+{len(got) - right} extra) "
                f"| {levels}/{len(want)} | {roles}/{len(want)} | {len(cards)} "
                f"| {'✓' if paper.title == sample.title else '✗'} "
                f"| {'✓' if paper.authors == sample.authors else '✗ ' + str(paper.authors)} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generated-only", action="store_true")
    args = parser.parse_args()
    if not args.generated_only:
        dev_set()
    generated_set()


if __name__ == "__main__":
    main()
