"""Finding papers in the library: search (title or gist, author, tag), filter by year and
language, sort; the table of the papers found with their card counts; a paper's sections."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ragcore.library.cards import Card
from studio.common import store, t
from studio.papers_view import PaperInfo, lang_label, paper_infos


@dataclass(frozen=True)
class PaperRow:
    info: PaperInfo
    cards: int
    tags: tuple[str, ...]


def _rows(cards: list[Card]) -> list[PaperRow]:
    counts: dict[str, int] = {}
    tags: dict[str, set[str]] = {}
    for card in cards:
        counts[card.paper_id] = counts.get(card.paper_id, 0) + 1
        tags.setdefault(card.paper_id, set()).update(card.tags)
    return [
        PaperRow(info, counts.get(pid, 0), tuple(sorted(tags.get(pid, set()))))
        for pid, info in paper_infos().items()
    ]


def _matches(row: PaperRow, words: list[str]) -> bool:
    haystack = " ".join(
        [row.info.label, row.info.paper_id, *row.info.authors, *row.tags, *row.info.keywords]
    ).casefold()
    return all(word in haystack for word in words)


SORTS = ("title", "year_new", "year_old", "cards")


def find_papers(cards: list[Card]) -> list[str]:
    """The search and filter controls; returns the ids of the papers found, in the chosen order."""
    rows = _rows(cards)
    col_search, col_lang, col_sort = st.columns([4, 2, 2])
    query = col_search.text_input(
        t("搜索（标题、作者、标签、关键词）", "Search (title, author, tag, keyword)"),
        key="library_search",
    )
    langs = sorted({r.info.lang for r in rows if r.info.lang})
    lang_names = {code: lang_label(code) for code in langs}
    chosen_langs = col_lang.multiselect(
        t("语言", "Language"), langs, format_func=lang_names.__getitem__, key="library_langs"
    )
    sort_names = {
        "title": t("按标题", "by title"), "year_new": t("按年份（新→旧）", "by year, newest first"),
        "year_old": t("按年份（旧→新）", "by year, oldest first"), "cards": t("按卡片数", "by card count"),
    }  # fmt: skip
    sort = col_sort.selectbox(
        t("排序", "Sort"), SORTS, format_func=sort_names.__getitem__, key="library_sort"
    )
    years = sorted({r.info.year for r in rows if r.info.year})
    year_range = None
    if len(years) > 1:
        year_range = st.slider(
            t("年份", "Year"), years[0], years[-1], (years[0], years[-1]), key="library_years"
        )
    # Papers without a year stay listed until the user narrows the range.
    if year_range == (years[0], years[-1]) if years else False:
        year_range = None
    words = query.casefold().split()
    found = [
        r
        for r in rows
        if _matches(r, words)
        and (not chosen_langs or r.info.lang in chosen_langs)
        and (year_range is None or (r.info.year and year_range[0] <= r.info.year <= year_range[1]))
    ]
    key = {
        "title": lambda r: r.info.label.casefold(),
        "year_new": lambda r: -(r.info.year or 0),
        "year_old": lambda r: r.info.year or 9999,
        "cards": lambda r: -r.cards,
    }[str(sort)]
    found.sort(key=key)  # type: ignore[arg-type]
    st.dataframe(
        pd.DataFrame(
            {
                t("论文", "Paper"): [r.info.label for r in found],
                t("作者", "Authors"): [", ".join(r.info.authors[:3]) for r in found],
                t("年份", "Year"): [str(r.info.year or "") for r in found],
                t("语言", "Language"): [lang_label(r.info.lang) for r in found],
                t("卡片", "Cards"): [r.cards for r in found],
                t("标签", "Tags"): [", ".join(r.tags[:5]) for r in found],
            }
        ),
        hide_index=True, width="stretch", key="library_papers",
    )  # fmt: skip
    st.caption(t(f"找到 {len(found)} / {len(rows)} 篇论文", f"{len(found)} of {len(rows)} papers"))
    return [r.info.paper_id for r in found]


def paper_sections(paper_id: str) -> None:
    """The paper's sections as the ingest divided it (imported cards come without its text)."""
    chunks = store().get_raw_chunks(paper_id)
    headings = list(dict.fromkeys((c.heading or c.role) for c in chunks))
    with st.expander(
        t(f"论文的章节（{len(headings)}）", f"The paper's sections ({len(headings)})")
    ):
        if not headings:
            st.caption(t("文献库中没有这篇论文的原文（导入的卡片没有原文）。",
                         "The library holds no text of this paper (imported cards have none)."))  # fmt: skip
        for heading in headings:
            text = " ".join(c.text for c in chunks if (c.heading or c.role) == heading)
            st.markdown(f"**{heading}** · " + t(f"{len(text)} 字符", f"{len(text)} characters"))
