"""Citation validation: unknown keys, out-of-range numbers, repeated keys, none at all."""

from __future__ import annotations

from ragcore.drafting.citations import check_citations, cited_papers, renumber

KEYS = {"1": "paperA", "2": "paperB", "4": "paperD"}


def kinds(text: str) -> list[tuple[str, str]]:
    return [(i.kind, i.key) for i in check_citations(text, KEYS).issues]


def test_valid_citations_in_first_citation_order() -> None:
    report = check_citations("方法很多[2]。另有研究[1, 2]。范围[1-2]。", KEYS)
    assert report.cited == ["2", "1"] and report.ok


def test_unknown_key_is_a_gap_in_the_evidence_numbers() -> None:
    assert kinds("正确[1]。另一个结论[3]。") == [("unknown", "3")]


def test_out_of_range_numbers() -> None:
    assert kinds("见[1]。见[9]。见[0]。") == [("out_of_range", "9"), ("out_of_range", "0")]
    assert ("out_of_range", "1") in kinds("一个荒唐的范围[1-400]。")


def test_repeated_keys_in_one_place() -> None:
    assert kinds("重复[2, 2]。相邻[1][1]。") == [("repeated", "2"), ("repeated", "1")]


def test_author_year_citation_matches_no_evidence() -> None:
    assert kinds("As shown [1] and [Smith et al., 2020].") == [("unknown", "Smith et al., 2020")]


def test_the_issue_names_the_sentence() -> None:
    issue = check_citations("第一句正确[1]。第二句错误[7]。", KEYS).issues[0]
    assert issue.sentence == "第二句错误[7]。"
    assert "[7]" in issue.message("zh") and "[7]" in issue.message("en")


def test_a_draft_without_citations_is_flagged() -> None:
    report = check_citations("这一节没有引用任何证据。", KEYS)
    assert report.no_citations and report.cited == []


def test_markdown_links_are_not_citations() -> None:
    assert check_citations("See [1](http://x.org) and [2].", KEYS).cited == ["2"]


def test_renumbering_across_sections_drops_flagged_keys() -> None:
    intro = ("引言[2]。又见[1]。", {"1": "paperA", "2": "paperB"})
    method = ("方法[1]。错误[5]。", {"1": "paperC"})
    order = cited_papers([intro, method])
    assert order == ["paperB", "paperA", "paperC"]
    numbers = {paper: n for n, paper in enumerate(order, 1)}
    assert renumber(*intro, numbers) == "引言[1]。又见[2]。"
    assert renumber(*method, numbers) == "方法[3]。错误。"  # dropped, never `[?]`
