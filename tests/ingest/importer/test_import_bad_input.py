import json
from pathlib import Path

from ragcore.ingest.importer import import_files
from ragcore.library.store import CardStore
from ragcore.settings import Settings
from tests.conftest import seed_file


def _jsonl(*records: object) -> str:
    return "\n".join(
        r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records
    )


GOOD_A = {"paper_id": "p1", "summary_type": "Background", "text": "深度学习推动了图像分类。"}
GOOD_B = {
    "paper_id": "p2",
    "summary_type": "METHODOLOGY",
    "text": "We propose a scheduler.",
    "title": "A Scheduler",
    "source_sections": "方法",
    "tags": ["GPU"],
}


def test_missing_empty_binary_folder_and_unknown_files_are_named(
    settings: Settings, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    binary = tmp_path / "cards.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    unknown = tmp_path / "notes.txt"
    unknown.write_text("just some notes\nabout papers\n")
    store = CardStore.open(settings)
    report = import_files([tmp_path / "missing.txt", empty, binary, tmp_path, unknown], store)
    reasons = [(p.path.name, p.line, p.reason) for p in report.errors]
    assert reasons == [
        ("missing.txt", 0, "no such file"),
        ("empty.txt", 0, "the file is empty"),
        ("cards.bin", 0, "this is a binary file, not a text card file"),
        (tmp_path.name, 0, "this is a folder, not a file"),
        ("notes.txt", 0, reasons[4][2]),
    ]
    assert reasons[4][2].startswith("unknown format")
    assert store.count() == 0


def test_bad_jsonl_lines_are_named_and_the_good_ones_still_imported(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "cards.jsonl"
    path.write_text(
        _jsonl(
            GOOD_A,
            "{not json",
            {"paper_id": "p3", "summary_type": "Metric"},
            "",
            {"paper_id": "p4", "summary_type": "Novelty", "text": "x"},
            '["a list"]',
            GOOD_B,
        ),
        encoding="utf-8",
    )
    store = CardStore.open(settings)
    report = import_files([path], store)
    errors = {p.line: p.reason for p in report.errors}
    assert set(errors) == {2, 3, 5, 6}
    assert errors[2].startswith("not valid JSON")
    assert errors[3] == "missing required field text"
    assert "unknown summary type 'Novelty'" in errors[5]
    assert "expected a JSON object" in errors[6]
    assert [n.line for n in report.added] == [1, 7]
    card = store.get_cards(paper_id="p2")[0]
    assert (card.title, card.source_sections, card.tags) == ("A Scheduler", ["方法"], ["GPU"])
    assert store.count() == 2


def test_a_gbk_file_is_read_with_a_warning(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    text = seed_file("002").read_text(encoding="utf-8")
    path.write_bytes(text.encode("gbk", errors="replace"))
    store = CardStore.open(settings)
    report = import_files([path], store)
    (file,) = report.files
    assert file.encoding == "gb18030" and file.format == "context"
    assert "read as GBK/GB18030" in file.warnings[0].reason
    assert len(file.added) == 2
    assert store.get_cards(paper_id="3688609")[0].text.startswith("方法概述")


def test_a_listing_cut_off_in_the_middle_imports_the_cards_before_the_cut(
    settings: Settings, tmp_path: Path
) -> None:
    text = seed_file("001").read_text(encoding="utf-8")
    cut = text[: text.index("核心挑战总结：", text.index("【CHALLENGES"))]  # inside a card
    path = tmp_path / "cut.txt"
    path.write_text(cut, encoding="utf-8")
    store = CardStore.open(settings)
    report = import_files([path], store)
    (error,) = report.errors
    assert error.line == cut.splitlines().index("【CHALLENGES 类型总结】") + 3
    assert "cut off" in error.reason
    assert len(report.added) == 3 and store.count() == 3  # the distinct Background cards


def test_a_context_cut_off_in_the_middle_keeps_what_came_before(
    settings: Settings, tmp_path: Path
) -> None:
    text = seed_file("000").read_text(encoding="utf-8")
    path = tmp_path / "cut.txt"
    path.write_text(text[: text.index("通过多层级扰动实验")], encoding="utf-8")  # mid Innovations 1
    store = CardStore.open(settings)
    report = import_files([path], store)
    assert len(report.errors) == 1 and "cut off" in report.errors[0].reason
    assert {(n.card.paper_id, n.card.summary_type.value) for n in report.added} == {
        ("3688609", "conclusion"),
        ("3701997", "conclusion"),
        ("3577193.3593714", "resultanalysis"),
        ("2309.11930v2", "resultanalysis"),
    }


def test_duplicates_across_files_and_whitespace_variants_count_once(
    settings: Settings, tmp_path: Path
) -> None:
    first = tmp_path / "a.jsonl"
    first.write_text(_jsonl(GOOD_A, GOOD_B), encoding="utf-8")
    second = tmp_path / "b.jsonl"
    spaced = dict(GOOD_B, text="  We  propose\na scheduler.\n", summary_type="methodology")
    second.write_text(_jsonl(dict(GOOD_A, summary_type="背景"), spaced), encoding="utf-8")
    store = CardStore.open(settings)
    report = import_files([first, second], store)
    assert [len(f.added) for f in report.files] == [2, 0]
    reasons = [n.reason for n in report.files[1].skipped]
    assert reasons == ["duplicate of the card at a.jsonl:1", "duplicate of the card at a.jsonl:2"]
    assert store.count() == 2
