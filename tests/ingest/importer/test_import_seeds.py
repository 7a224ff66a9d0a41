"""Exact import counts on the five real seed files.

Hand count (each seed read block by block; "trunc" = text ends with "..."):

000 (总结 context, 9 blocks): Conclusion 3688609 x2 (trunc), 3701997 (complete);
    ResultAnalysis 3577193.3593714 x2 (trunc), 2309.11930v2 (trunc);
    Innovations 3688609 x2 (trunc), 2309.11930v2 (trunc)
    -> 6 distinct, 3 exact duplicates; 5 of the 6 are truncated.
001 (listing, 50 blocks = 10 types x 5): every type lists two papers twice
    -> 30 distinct complete cards, 20 exact duplicates. It holds the complete text of the five
    truncated cards of 000, of both truncated cards of 002 (3688609 and CAPTURE Methodology)
    and of 3577193.3593710 Methodology of 003; 3701997 Conclusion is identical to 000's.
002 (方法 context, 3 blocks): Methodology 3688609 x2 (trunc), CAPTURE (trunc)
    -> 2 distinct, 1 duplicate; 2 参考原文 fragments, both cut with "...".
003 (引言 context, 12 blocks): Background 0728 x2, 3650200.3656620 (trunc);
    Challenges 0728 x2 (trunc), 3650200.3656620 (trunc); Innovations 3656019.3676895 x2
    (the stored prompt template), 3577193.3593710 (trunc); Methodology 3656019.3676895 x2
    (trunc), 3577193.3593710 (trunc)
    -> 8 distinct, of them 1 prompt template; 4 duplicate blocks (the template's twin is
    rejected as a template, the other 3 are skipped as duplicates).
004: a finished paper, no cards.

Alone, each file keeps what it has (a truncated card with nothing better is kept).
All five together: 30 (001) + 3701997 Conclusion (counted for 000, read first) + 6 of 003
(its 7 minus 3577193.3593710 Methodology, superseded by 001) = 36 distinct cards.
"""

import re
from pathlib import Path

import pytest

from ragcore.ingest.importer import ImportReport, import_files, read_and_decide
from ragcore.library.store import CardStore
from ragcore.settings import Settings
from ragcore.text import is_truncated, normalize_space
from tests.conftest import SEEDS, seed_file

ALL_SEEDS = sorted(SEEDS.glob("00[0-4]_*.txt"))

# (added, skipped, rejected) per seed file imported alone into an empty store.
ALONE = {
    "000": (6, 3, 0),
    "001": (30, 20, 0),
    "002": (2, 1, 0),
    "003": (7, 3, 2),
    "004": (0, 0, 0),
}
# The same, for all five imported together in one call (files in name order).
TOGETHER = {
    "000": (1, 0, 8),  # 8 truncated blocks superseded by 001's complete texts
    "001": (29, 21, 0),  # 20 internal duplicates + 3701997 Conclusion already read from 000
    "002": (0, 0, 3),  # all three truncated, complete versions in 001
    "003": (6, 3, 3),  # 3 duplicates; 2 template blocks + 1 superseded truncated card
    "004": (0, 0, 0),
}


def _counts(report: ImportReport) -> dict[str, tuple[int, int, int]]:
    return {f.path.name[:3]: (len(f.added), len(f.skipped), len(f.rejected)) for f in report.files}


def _raw_blocks(text: str) -> list[tuple[str, str]]:
    """(paper id, normalised text) of every card block, found with plain regexes: an
    independent check of the parser-based numbers above."""
    if text.startswith("用户需求"):
        pattern = r"论文ID：(\S+)\n.*?总结内容：\n(.*?)\n~{30}"
    else:
        pattern = r"\*\*总结\d+\*\* \(来源: (\S+)\):\n(.*?)(?=\n\*\*总结\d+\*\*|\n### [A-Z]\w+ 总结|\n### 研究趋势分析)"
    return [(pid, normalize_space(body)) for pid, body in re.findall(pattern, text, re.S)]


def test_the_hand_count_matches_a_plain_regex_scan() -> None:
    blocks = {p.name[:3]: _raw_blocks(p.read_text(encoding="utf-8")) for p in ALL_SEEDS[:4]}
    assert {k: len(v) for k, v in blocks.items()} == {"000": 9, "001": 50, "002": 3, "003": 12}
    assert {k: len(set(v)) for k, v in blocks.items()} == {"000": 6, "001": 30, "002": 2, "003": 8}
    truncated = {k: sum(is_truncated(t) for _, t in set(v)) for k, v in blocks.items()}
    assert truncated == {"000": 5, "001": 0, "002": 2, "003": 7}  # 003: the template too


@pytest.mark.parametrize("prefix", sorted(ALONE))
def test_each_seed_alone_gives_the_hand_counted_numbers(prefix: str) -> None:
    parsed, _ = read_and_decide([seed_file(prefix)])
    report = ImportReport([p.report for p in parsed])
    assert _counts(report)[prefix] == ALONE[prefix]


def test_all_five_seeds_together_into_a_real_store_then_again(settings: Settings) -> None:
    store = CardStore.open(settings)
    report = import_files(ALL_SEEDS, store)
    assert _counts(report) == TOGETHER
    assert store.count() == 36
    cards = store.get_cards()
    assert len({(c.paper_id, c.summary_type) for c in cards}) == 36  # one card per paper+type
    assert not any("贡献点一的简洁描述" in c.text for c in cards)
    assert report.raw_chunks_added == 2
    (paper_error,) = report.errors
    assert paper_error.path.name.startswith("004") and "finished paper" in paper_error.reason

    again = import_files(ALL_SEEDS, store)
    assert again.added == [] and store.count() == 36
    assert again.raw_chunks_added == 0


def test_reasons_are_given_for_every_skip_and_rejection() -> None:
    parsed, _ = read_and_decide(ALL_SEEDS)
    reasons = [n.reason for p in parsed for n in p.report.skipped + p.report.rejected]
    assert len(reasons) == 24 + 14 and all(reasons)
    template = [r for r in reasons if "prompt template" in r]
    assert len(template) == 2 and "role-play instructions" in template[0]
    assert sum("superseded by the complete card" in r for r in reasons) == 12


def test_a_complete_card_replaces_a_truncated_one_imported_earlier(settings: Settings) -> None:
    store = CardStore.open(settings)
    first = import_files([seed_file("000")], store)
    assert len(first.added) == 6
    truncated_ids = {n.card.card_id for n in first.added if is_truncated(n.card.text)}
    assert len(truncated_ids) == 5

    second = import_files([seed_file("001")], store)
    (listing,) = second.files
    assert set(listing.replaced) == truncated_ids
    assert (len(listing.added), len(listing.skipped)) == (29, 21)  # 3701997 already stored
    assert store.count() == 30
    assert not any(is_truncated(c.text) for c in store.get_cards())


def test_source_excerpts_go_to_the_raw_collection_cut_at_full_sentences(settings: Settings) -> None:
    store = CardStore.open(settings)
    import_files([seed_file("002")], store)
    chunks = store.get_raw_chunks("3688609")
    assert {c.role for c in chunks} == {"method"} and {c.heading for c in chunks} == {"方法"}
    texts = sorted(c.text for c in chunks)
    assert texts[0].endswith("improvements in algorithmic representations .")
    assert texts[1].endswith("proposed innovative solutions to overcome this barrier.")
    assert not any(is_truncated(t) for t in texts)


def test_paper_rows_get_titles_spelled_in_their_ids(settings: Settings) -> None:
    store = CardStore.open(settings)
    import_files([seed_file("001")], store)
    titles = {p.paper_id: p.title for p in store.list_papers()}
    capture = next(t for pid, t in titles.items() if pid.startswith("CAPTURE_"))
    assert capture == (
        "CAPTURE: Memory-Centric Partitioning for Distributed DNN Training with Hybrid Parallelism"
    )
    assert titles["3688609"] == ""  # an opaque id: no invented title


def test_demo_cards_file_holds_exactly_the_kept_seed_cards(tmp_path: Path) -> None:
    from ragcore.ingest.importer import DEMO_CARDS_PATH

    _, decision = read_and_decide(ALL_SEEDS)
    seed_ids = {c.card.card_id for c in decision.accepted}
    _, demo = read_and_decide([DEMO_CARDS_PATH])
    assert {c.card.card_id for c in demo.accepted} == seed_ids
    assert len(seed_ids) == 36


def test_ensure_demo_library_fills_only_an_empty_store(settings: Settings) -> None:
    from ragcore.ingest.importer import ensure_demo_library

    store = CardStore.open(settings)
    assert ensure_demo_library(store) == 36
    assert store.count() == 36
    assert ensure_demo_library(store) == 0
    assert import_files(ALL_SEEDS, store).added == []  # the demo is exactly the seeds' cards
