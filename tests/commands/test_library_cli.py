"""The library commands, run through `ragcore.commands.cli.main` as a user would (in-process for speed,
plus one real subprocess), on a temporary home with the fake embedder."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ragcore.documents.listing import parse_listing
from tests.conftest import REPO_ROOT, SEEDS, Result, Run, seed_file

CARD_SEEDS = [str(p) for p in sorted(SEEDS.glob("00[0-3]_*.txt"))]


@pytest.fixture
def library(ragcore: Run) -> Run:
    result = ragcore("import", *CARD_SEEDS)
    assert result.code == 0, result.err
    return ragcore


def _one_line_error(result: Result) -> str:
    assert result.code != 0
    assert "Traceback" not in result.err + result.out
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    return lines[0]


def test_import_reports_added_skipped_rejected_and_why(ragcore: Run) -> None:
    result = ragcore("import", *CARD_SEEDS)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].endswith("(context): 1 added, 0 skipped, 8 rejected")
    assert "rejected: line 11, 3688609 Conclusion: truncated with '...'; superseded" in result.out
    assert "(listing): 29 added, 21 skipped, 0 rejected" in result.out
    assert "(context): 0 added, 0 skipped, 3 rejected, 2 source excerpts added" in result.out
    assert "3656019.3676895 Innovations: a stored prompt template" in result.out
    assert lines[-1] == "total: 36 added, 24 skipped, 14 rejected; the library now holds 36 cards"

    again = ragcore("import", *CARD_SEEDS)
    assert again.out.splitlines()[-1].startswith("total: 0 added")


def test_import_with_bad_files_imports_the_good_ones_and_exits_non_zero(
    ragcore: Run, tmp_path: Path
) -> None:
    result = ragcore(
        "import", str(seed_file("002")), str(tmp_path / "missing.txt"), str(seed_file("004"))
    )
    assert _one_line_error(result) == "error: 2 problem(s) in the imported files, listed above"
    assert f"  error: {tmp_path / 'missing.txt'}: no such file" in result.out
    assert "finished paper (Markdown), not a card file" in result.out
    assert "library now holds 2 cards" in result.out


def test_papers_json_schema(library: Run) -> None:
    rows = json.loads(library("papers", "--json").out)
    assert len(rows) == 17
    assert all(set(row) == {"paper_id", "title", "cards", "by_type"} for row in rows)
    assert sum(row["cards"] for row in rows) == 36
    dlas = next(row for row in rows if row["paper_id"] == "3688609")
    assert dlas["cards"] == sum(dlas["by_type"].values()) == 7
    assert "expedesign" in dlas["by_type"]
    text = library("papers").out
    assert "CAPTURE: Memory-Centric Partitioning" in text and "17 papers, 36 cards" in text


def test_cards_list_show_and_delete(library: Run) -> None:
    cards = json.loads(
        library("cards", "list", "--paper", "3688609", "--type", "方法", "--json").out
    )
    assert len(cards) == 1
    card = cards[0]
    assert {"card_id", "paper_id", "summary_type", "text"} <= set(card)
    assert (card["paper_id"], card["summary_type"]) == ("3688609", "methodology")

    shown = library("cards", "show", card["card_id"])
    assert shown.code == 0 and card["text"] in shown.out

    refused = library("cards", "delete", card["card_id"], "cnope")
    assert "no card with id cnope; nothing was deleted" in _one_line_error(refused)
    assert len(json.loads(library("cards", "list", "--json").out)) == 36

    assert library("cards", "delete", card["card_id"]).out.strip() == "deleted 1 card(s)"
    assert len(json.loads(library("cards", "list", "--json").out)) == 35
    assert "no card with id" in _one_line_error(library("cards", "show", card["card_id"]))


def test_search_json_schema_and_clean_results(library: Run) -> None:
    result = library(
        "search",
        "图像分类 深度学习",
        "--type",
        "Methodology",
        "-t",
        "BACKGROUND",
        "-k",
        "3",
        "--json",
    )
    document = json.loads(result.out)
    assert document["topic"] == "图像分类 深度学习"
    assert list(document["results"]) == ["methodology", "background"]
    for summary_type, hits in document["results"].items():
        assert 1 <= len(hits) <= 3
        assert len({hit["paper_id"] for hit in hits}) == len(hits)  # one card per paper
        scores = [hit["score"] for hit in hits]
        assert scores == sorted(scores, reverse=True)
        for hit in hits:
            assert {"card_id", "paper_id", "summary_type", "score", "text"} <= set(hit)
            assert hit["summary_type"] == summary_type and 0.0 <= hit["score"] <= 1.0


def test_search_text_output_is_the_listing_format(library: Run) -> None:
    text = library("search", "分布式训练", "-k", "2").out
    listing = parse_listing(text)
    assert listing.issues == [] and listing.topic == "分布式训练"
    assert len(listing.sections) == 10
    as_json = json.loads(library("search", "分布式训练", "-k", "2", "--json").out)
    for section in listing.sections:
        hits = as_json["results"][section.summary_type.value]
        assert [c.card_id for c in section.cards] == [h["card_id"] for h in hits]
        assert all(c.score is not None and 0 <= c.score <= 1 for c in section.cards)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", "  "), "the topic is empty"),
        (("search", "topic", "-k", "0"), "-k must be between 1 and 100"),
        (("search", "topic", "--type", "novelty"), "unknown summary type 'novelty'"),
        (("cards", "list", "--type", "x"), "unknown summary type 'x'"),
    ],
)
def test_user_mistakes_end_in_one_readable_line(
    library: Run, args: tuple[str, ...], message: str
) -> None:
    assert message in _one_line_error(library(*args))


def test_search_on_an_empty_library_says_so(ragcore: Run) -> None:
    assert "the library is empty" in _one_line_error(ragcore("search", "图像分类"))


def test_real_process_with_home_option(tmp_path: Path) -> None:
    """One real `python -m ragcore` run (slow: the CLI's imports take seconds)."""
    env = {**os.environ, "RAGCORE_EMBEDDER": "fake"}
    home = tmp_path / "elsewhere"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ragcore",
            "--home",
            str(home),
            "import",
            str(seed_file("002")),
            str(tmp_path / "nope.jsonl"),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "error: 1 problem(s) in the imported files, listed above"
    ]
    assert "library now holds 2 cards" in done.stdout
    assert (home / "chroma").is_dir()


def test_papers_edit_and_show_abstract_and_keywords(library: Run, tmp_path: Path) -> None:
    shown = library("papers", "show", "3688609")
    assert shown.code == 0 and "keywords:" not in shown.out  # none found, none invented
    edited = library(
        "papers", "edit", "3688609", "--title", "Document Layout Analysis", "--keywords", "文档版面分析；DLA, layout", "--abstract",
        "We survey document layout analysis.",
    )  # fmt: skip
    assert edited.code == 0, edited.err
    assert "keywords: 文档版面分析; DLA; layout" in edited.out
    record = json.loads(library("papers", "show", "3688609", "--json").out)
    assert record["keywords"] == ["文档版面分析", "DLA", "layout"]
    assert record["abstract"] == "We survey document layout analysis."
    bib = library("papers", "show", "3688609", "--bib").out
    assert "keywords = {文档版面分析, DLA, layout}" in bib
    assert "abstract = {We survey document layout analysis.}" in bib
    # The BibTeX written is read back by `papers edit --bib` with the same fields.
    (tmp_path / "one.bib").write_text(bib.replace("DLA, layout", "版面"), encoding="utf-8")
    assert library("papers", "edit", "3688609", "--bib", str(tmp_path / "one.bib")).code == 0
    again = json.loads(library("papers", "show", "3688609", "--json").out)
    assert again["keywords"] == ["文档版面分析", "版面"]
