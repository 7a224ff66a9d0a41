"""Heading detection and role assignment on the vendored eval papers (tests/data/papers); prints markdown tables.

Run: .venv/bin/python benchmarks/eval_sections.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from ragcore.ingest.heading_quality import evaluate

ROOT = Path(__file__).resolve().parent.parent
PAPERS = Path(__file__).resolve().parents[1] / "tests" / "data" / "papers"
GOLD = ROOT / "tests" / "ingest" / "data" / "eval_section_roles.yaml"


def main() -> None:
    papers = Path(sys.argv[1]) if len(sys.argv) > 1 else PAPERS
    gold = {
        name: [(h, r) for h, r in pairs] for name, pairs in yaml.safe_load(GOLD.read_text()).items()
    }
    results = evaluate(papers, gold)
    print(
        "| input | gold headings | found | heading precision | heading recall | role accuracy (matched) |"
    )
    print("|---|---|---|---|---|---|")
    for name, s in results.items():
        print(
            f"| {name} | {s.gold_headings} | {s.found_headings} | {s.precision:.3f} | {s.recall:.3f} | {s.role_accuracy:.3f} |"
        )
    plain = results["plain text"]
    print("\n| role (plain text) | gold | precision | recall |\n|---|---|---|---|")
    for role in plain.roles_seen():
        p, r, n = plain.role_precision_recall(role)
        print(f"| {role} | {n} | {p:.3f} | {r:.3f} |")
    wrong = [(g, p, n) for (g, p), n in plain.role_confusion.most_common() if g != p]
    print(
        "\nMost frequent role confusions (gold → predicted): "
        + ", ".join(f"{g} → {p} ×{n}" for g, p, n in wrong[:8])
    )


if __name__ == "__main__":
    main()
