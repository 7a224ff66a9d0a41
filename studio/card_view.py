"""One card, readable: its full text (the project's edit when there is one), the paper's label,
authors and year, its type, language, tags, the sections and PDF pages it came from, and the
passage of the paper around it (with its pages). Used by the Evidence page under each table and by the Library page."""

from __future__ import annotations

import streamlit as st

from ragcore.library.cards import Card, SummaryType
from ragcore.retrieval.evidence import EvidenceItem
from studio.common import lang, t
from studio.papers_view import lang_label, paper_infos, source_passage

PASSAGE_CHARS = 1500


def type_name(summary_type: SummaryType) -> str:
    return summary_type.zh if lang() == "zh" else summary_type.label


ORIGIN_NAMES = {
    "imported": ("导入", "imported"),
    "generated": ("模型生成", "generated"),
    "extractive": ("抽取式", "extractive"),
    "edited": ("已编辑", "edited"),
}


def origin_name(origin: str) -> str:
    zh, en = ORIGIN_NAMES.get(str(origin), (str(origin), str(origin)))
    return t(zh, en)


def pages_label(pages: list[int]) -> str:
    """ "p. 4", "pp. 4–5" or "pp. 4, 7" (第 4 页, 第 4–5 页, 第 4、7 页); empty without pages."""
    wanted = sorted(set(pages))
    if not wanted:
        return ""
    if len(wanted) == 1:
        return t(f"第 {wanted[0]} 页", f"p. {wanted[0]}")
    if wanted == list(range(wanted[0], wanted[-1] + 1)):
        return t(f"第 {wanted[0]}–{wanted[-1]} 页", f"pp. {wanted[0]}–{wanted[-1]}")
    return t(f"第 {'、'.join(map(str, wanted))} 页", f"pp. {', '.join(map(str, wanted))}")


def card_pages(card: Card) -> list[int]:
    """The PDF pages the card's sentences come from (none for Markdown papers, seed cards)."""
    return sorted({page for pages in card.sentence_pages for page in pages})


def card_details(card: Card, text: str | None = None, relevance: float | None = None) -> None:
    """The card in full, with where it came from."""
    info = paper_infos().get(card.paper_id)
    label = info.label if info else card.paper_id
    st.markdown(
        f"**{label}**"
        + (
            ""
            if info is None or info.titled
            else t("（无标题：摘自其卡片）", " (no title: from its cards)")
        )
    )
    facts = [info.details()] if info and info.details() else []
    facts.append(t("论文编号 ", "paper id ") + card.paper_id)
    facts.append(type_name(card.summary_type))
    facts.append(origin_name(card.origin))
    facts.append(t("语言：", "language: ") + lang_label(card.lang))
    if relevance is not None:
        facts.append(t(f"相关度 {relevance:.2f}", f"relevance {relevance:.2f}"))
    st.caption(" · ".join(facts))
    sections = ", ".join(card.source_sections) or t("未记录", "not recorded")
    pages = pages_label(card_pages(card))
    st.caption(
        t("来源章节：", "From the sections: ") + sections + (f" · {pages}" if pages else "")
        + (" · " + t("标签：", "tags: ") + ", ".join(card.tags) if card.tags else "")
    )  # fmt: skip
    st.markdown(text if text is not None else card.text)
    passage = source_passage(card)
    if passage is None:
        st.caption(
            t("文献库中没有这篇论文的原文（导入的卡片没有原文）。",
              "The library holds no text of this paper (imported cards have none).")
        )  # fmt: skip
        return
    heading = passage.heading or passage.role
    pages = pages_label(passage.pages)
    with st.expander(
        t("原文段落：", "Source passage: ") + heading + (f" · {pages}" if pages else "")
    ):
        body = passage.text
        st.text(body if len(body) <= PASSAGE_CHARS else body[:PASSAGE_CHARS] + " …")


def card_reader(items: list[EvidenceItem], key: str) -> None:
    """A choice of one card of a table, shown in full below it."""
    if not items:
        return
    by_id = {item.evidence_id: item for item in items}
    chosen = st.selectbox(
        t("阅读卡片全文", "Read a card in full"), list(by_id), index=None,
        placeholder=t("选择一张卡片…", "Choose a card…"),
        format_func=lambda cid: f"{by_id[cid].relevance:.2f} · {_short(by_id[cid].text)}",
        key=key,
    )  # fmt: skip
    if chosen is None:
        return
    item = by_id[chosen]
    with st.container(border=True, key=f"{key}_card"):
        card_details(item.card, item.text, item.relevance)
        if item.edited_text is not None:
            st.caption(t("（本项目中已修改；文献库中的原文未变）",
                         "(edited in this project; the library's card is unchanged)"))  # fmt: skip


def _short(text: str, chars: int = 70) -> str:
    line = " ".join(text.split())
    return line if len(line) <= chars else line[: chars - 1] + "…"
