"""Issue 17.8: bad card files lose only their bad lines, with line numbers, and never crash."""

from __future__ import annotations

import json
from pathlib import Path

from ragcore.ingest.importer.reading import read_import_file
from tests.conftest import seed_file
from tests.reliability.conftest import run_cli

GOOD = {
    "paper_id": "p1",
    "summary_type": "Background",
    "text": "深度学习推动了图像分类的研究进展。",
}
GOOD_2 = {
    "paper_id": "p2",
    "summary_type": "Methodology",
    "text": "We propose a scheduler that balances load across edge devices.",
}
NESTED = "[" * 20_000 + "]" * 20_000  # shorter than the line limit: json itself recurses


def _jsonl(*lines: object) -> str:
    return (
        "\n".join(
            line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
            for line in lines
        )
        + "\n"
    )


def _added(path: Path) -> int:
    return len(read_import_file(path).candidates)


def test_nested_line_is_skipped_by_number_in_a_real_import(tmp_path: Path) -> None:
    cards = tmp_path / "cards.jsonl"
    cards.write_text(_jsonl(GOOD, NESTED, GOOD_2), encoding="utf-8")
    run = run_cli(tmp_path / "home", "import", str(cards))
    assert "Traceback" not in run.text and "RecursionError" not in run.text
    assert "2 added" in run.out
    assert ":2" in run.text and "nested too deeply" in run.text
    assert run.code == 2  # valid lines imported; the status still says a line was bad


def test_invalid_cards_are_refused_with_their_line(tmp_path: Path) -> None:
    cards = tmp_path / "cards.jsonl"
    cards.write_text(
        _jsonl(
            GOOD,
            dict(GOOD_2, lang="fr"),
            dict(GOOD_2, text="x"),
            dict(GOOD_2, paper_id="big", text="长" * (10 * 1024 * 1024 // 3)),
            GOOD_2,
        ),
        encoding="utf-8",
    )
    parsed = read_import_file(cards)
    errors = {problem.line: problem.reason for problem in parsed.report.errors}
    assert set(errors) == {2, 3, 4}
    assert "'fr' is not supported" in errors[2]
    assert "too short" in errors[3] and "too long" in errors[4]
    assert [c.line for c in parsed.candidates] == [1, 5]


def test_oversized_jsonl_is_refused_plainly(tmp_path: Path) -> None:
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)
    parsed = read_import_file(huge)
    (problem,) = parsed.report.errors
    assert "60 MB" in problem.reason and "limit" in problem.reason


def test_listing_cut_inside_a_character_keeps_the_complete_cards(tmp_path: Path) -> None:
    data = seed_file("000").read_bytes()
    middle = len(data) // 2
    # Find a multi-byte character around the middle and cut one byte into it.
    start = next(i for i in range(middle, len(data)) if data[i] >= 0xE0)
    inside, boundary = tmp_path / "inside.txt", tmp_path / "boundary.txt"
    inside.write_bytes(data[: start + 1])
    boundary.write_bytes(data[:start])
    kept = _added(boundary)
    assert kept > 0
    assert _added(inside) == kept
    warnings = read_import_file(inside).report.warnings
    assert any("ends inside a character" in w.reason for w in warnings)


def test_utf16_listings_are_read(tmp_path: Path) -> None:
    text = seed_file("001").read_text(encoding="utf-8")
    expected = _added(seed_file("001"))
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        assert _added(path) == expected > 0, encoding
