"""Library: add papers (ingest with progress) or import card files; the papers and their cards
per summary type; edit or delete a card; delete a paper."""

from __future__ import annotations

import streamlit as st

from ragcore.library.cards import SummaryType
from studio.bibliography_view import bibliography_section
from studio.card_view import origin_name, type_name
from studio.common import begin_page, guarded, store, t
from studio.library_browse_view import find_papers, paper_sections
from studio.library_view import add_papers, card_controls, import_cards
from studio.papers_view import lang_label, paper_label

begin_page("文献库", "Library", "📚")
library = store()

add_tab, import_tab = st.tabs([t("添加论文", "Add papers"), t("导入卡片文件", "Import card files")])
with add_tab:
    add_papers()
with import_tab:
    import_cards()

papers = library.list_papers()
cards = library.get_cards()
col_papers, col_cards, col_types = st.columns(3)
col_papers.metric(
    t("论文", "Papers"), len({c.paper_id for c in cards} | {p.paper_id for p in papers})
)
col_cards.metric(t("总结卡片", "Summary cards"), len(cards))
col_types.metric(t("总结类型", "Summary types"), len({c.summary_type for c in cards}))

if not cards:
    st.info(t("文献库是空的：在上方添加论文或导入卡片文件。",
              "The library is empty: add papers or import card files above."))  # fmt: skip
    st.stop()

st.subheader(t("论文", "Papers"))
paper_ids = find_papers(cards)
if not paper_ids:
    st.info(t("没有符合条件的论文。", "No paper matches."))
    st.stop()

st.subheader(t("卡片", "Cards"))
paper_choice = st.selectbox(
    t("论文", "Paper"), paper_ids, format_func={pid: paper_label(pid) for pid in paper_ids}.__getitem__,
    key="library_paper",
)  # fmt: skip
paper_sections(str(paper_choice))
types_of_paper = [
    s for s in SummaryType if any(c.summary_type == s and c.paper_id == paper_choice for c in cards)
]
type_choice = st.selectbox(
    t("总结类型", "Summary type"), types_of_paper, format_func={s: type_name(s) for s in types_of_paper}.__getitem__, key="library_type"
)  # fmt: skip
for card in (c for c in cards if c.paper_id == paper_choice and c.summary_type == type_choice):
    with st.container(border=True):
        st.caption(f"{card.card_id} · {origin_name(card.origin)} · {lang_label(card.lang)} · "
                   + t("来源章节：", "sections: ") + ", ".join(card.source_sections or ["—"]))  # fmt: skip
        if card.tags:
            st.caption(t("标签：", "tags: ") + ", ".join(card.tags))
        st.markdown(card.text)
        card_controls(card)

if st.button(
    t("删除这篇论文及其全部卡片", "Delete this paper and all its cards"), key="library_paper_delete"
):
    library.delete_paper(str(paper_choice))
    st.rerun()

with guarded(t("参考文献信息", "Reference metadata")):
    bibliography_section(paper_ids)
