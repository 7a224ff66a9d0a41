"""The Evidence page's pieces: one section's evidence (retrieved cards + the project's choices),
its table per summary type, and the persistence of what the user changed in a table.

Retrieval runs once per section, query, k and store revision in a session; a rerun after an edit
only re-applies the project's choices and re-renders the context (the < 200 ms benchmark).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import Any

import pandas as pd
import streamlit as st

from ragcore.drafting.projects import Project
from ragcore.drafting.section_evidence import ProjectSection, project_section
from ragcore.errors import RagcoreError
from ragcore.library.cards import SummaryType
from ragcore.retrieval.context import BuiltContext, store_retriever, store_snippets
from ragcore.retrieval.evidence import SectionEvidence
from ragcore.retrieval.notes import ContextNote
from ragcore.retrieval.sectionplan import SectionSpec
from ragcore.retrieval.snippets import Snippet
from ragcore.wording import Phrase, describe
from studio.common import projects, section_plan, settings, store, t
from studio.papers_view import paper_infos, paper_label

# "key" is the citation key when the card is in the section's context (empty: not used); tags
# and the rest of a card are in its readable view below the table, so the table fits the page.
COLUMNS = ["include", "pin", "relevance", "key", "paper", "lang", "text"]


SectionView = ProjectSection  # what the page shows of a section is what drafting writes from


def _cached(name: str, key: tuple[Any, ...], compute: Any) -> Any:
    cache: dict[tuple[Any, ...], Any] = st.session_state.setdefault(name, {})
    if key not in cache:
        if len(cache) > 32:  # a long session must not grow without bound
            cache.clear()
        cache[key] = compute()
    return cache[key]


def _retrieve(topic: str, spec: SectionSpec, papers: AbstractSet[str] | None) -> SectionEvidence:
    """The store's retrieval, once per query, k, paper selection and store revision in a
    session."""
    library = store()
    # The store revision moves with every card write (any process): cheaper than a count and
    # it also sees an edit that keeps the count.
    chosen = None if papers is None else tuple(sorted(papers))
    key = (topic, spec.model_dump_json(), chosen, library.revision(), library.embedder.name)
    retrieve = store_retriever(library, settings())
    raw = _cached("evidence_retrieval", key, lambda: retrieve(topic, spec, papers).to_dict())
    return SectionEvidence.from_dict(raw)  # a fresh copy: applying choices mutates items


def _snippets(topic: str, spec: SectionSpec, papers: Sequence[str]) -> list[Snippet]:
    library = store()
    key = (topic, tuple(papers), tuple(spec.roles), library.revision(), library.embedder.name)
    find = store_snippets(library)
    return list(_cached("evidence_snippets", key, lambda: find(topic, spec, papers)))


def section_view(project: Project, section_key: str) -> SectionView:
    """What drafting will use for this section, with the project's pins, exclusions and edits:
    ragcore's `project_section` with this session's cached retrieval and snippets."""
    return project_section(
        store(),
        projects(),
        project,
        section_key,
        settings=settings(),
        plan=section_plan(project),
        retrieve=_retrieve,
        find_snippets=_snippets,
    )


# -- the table of one summary type -----------------------------------------------------------------
def type_table(view: SectionView, summary_type: SummaryType) -> pd.DataFrame:
    used = {item.evidence_id: item.citation_key for item in view.built.items}
    rows = [item for item in view.evidence.by_type(summary_type) if item.kind == "card"]
    infos = paper_infos()
    return pd.DataFrame(
        {
            "include": [item.included for item in rows],
            "pin": [item.pinned for item in rows],
            "relevance": [round(item.relevance, 3) for item in rows],
            "key": [
                f"[{used[item.evidence_id]}]" if item.evidence_id in used else "" for item in rows
            ],
            "paper": [
                ("⚠️ " if item.weak else "") + paper_label(item.paper_id, infos) for item in rows
            ],
            "lang": [item.card.lang for item in rows],
            "text": [item.text for item in rows],
        },
        index=pd.Index([item.evidence_id for item in rows], name="card_id"),
        columns=COLUMNS,
    )


def _cite_help() -> str:
    return t(
        "在本节上下文中时的引用编号；空＝未使用",
        "its citation key in this section's context; empty: not used",
    )


def column_config() -> dict[str, Any]:
    return {
        # Pixel widths that add up to less than the page's width (with the sidebar open, at
        # 1280 px): the grid stretches them to the page instead of clipping the right columns.
        "include": st.column_config.CheckboxColumn(t("纳入", "Include"), width=60),
        "pin": st.column_config.CheckboxColumn(t("置顶", "Pin"), width=50),
        "relevance": st.column_config.ProgressColumn(
            t("相关度", "Relevance"), min_value=0.0, max_value=1.0, format="%.2f", width=80
        ),
        "key": st.column_config.TextColumn(t("引用", "Cite"), width=55, help=_cite_help()),
        "paper": st.column_config.TextColumn(t("论文", "Paper"), width=160),
        "lang": st.column_config.TextColumn(t("语言", "Lang."), width=50),
        "text": st.column_config.TextColumn(t("文本（可编辑）", "Text (editable)"), width=300),
    }


def table_key(view: SectionView, summary_type: SummaryType, project: Project) -> str:
    """The editor's key: stable ("evidence_table_方法_methodology") while its rows stay the same.

    An editor keeps its edits by row position; when the rows change (a new retrieval, a reset)
    the old edits must not land on other cards, so the key gets a generation suffix."""
    base = f"evidence_table_{view.spec.zh}_{summary_type.value}"
    rows = tuple(i.evidence_id for i in view.evidence.by_type(summary_type) if i.kind == "card")
    seen: dict[str, tuple[str, tuple[str, ...], int]] = st.session_state.setdefault(
        "evidence_rows", {}
    )
    project_id, last_rows, generation = seen.get(base, (project.project_id, rows, 0))
    if (project_id, last_rows) != (project.project_id, rows):
        generation += 1
    seen[base] = (project.project_id, rows, generation)
    return base if generation == 0 else f"{base}_{generation}"


def bump_tables(view: SectionView) -> None:
    """Start the section's editors afresh (after a programmatic change of their values)."""
    seen: dict[str, tuple[str, tuple[str, ...], int]] = st.session_state.setdefault(
        "evidence_rows", {}
    )
    for base, (project_id, rows, generation) in list(seen.items()):
        if base.startswith(f"evidence_table_{view.spec.zh}_"):
            seen[base] = (project_id, rows, generation + 1)


def save_table_edits(
    project_id: str, section_key: str, key: str, shown: pd.DataFrame, library_texts: dict[str, str]
) -> None:
    """The editor's on_change: persist its edits before the page reruns, so one run shows them.

    The editor reports every edit since it was created, by row position in `shown` (the table
    of the run the user edited); each is compared with the project's state, so a repeated edit
    writes nothing."""
    store_ = projects()
    edits: dict[Any, dict[str, Any]] = st.session_state[key].get("edited_rows", {})
    saved = store_.section_state(project_id, section_key)
    state = saved.model_copy(deep=True)
    project_texts = store_.edited_texts(project_id)
    try:
        for position, change in edits.items():
            card_id = str(shown.index[int(position)])
            if "include" in change:
                state.set_included(card_id, bool(change["include"]))
            if "pin" in change:
                state.set_pinned(card_id, bool(change["pin"]))
            if "text" in change:
                _save_text(
                    project_id, card_id, str(change["text"] or ""), library_texts, project_texts
                )
    except RagcoreError:
        pass  # not saved; the page's own check of the returned table says why, in the page
    if state != saved:
        store_.set_section_state(project_id, state)


def _save_text(
    project_id: str, card_id: str, text: str, library: dict[str, str], project: dict[str, str]
) -> None:
    new = text.strip()
    wanted = None if new == library.get(card_id, "").strip() else new
    if wanted != project.get(card_id):
        projects().edit_card(project_id, card_id, wanted)


def save_returned_changes(
    project: Project, view: SectionView, shown: pd.DataFrame, edited: pd.DataFrame
) -> bool:
    """Fallback when the editor's on_change did not run (AppTest sets editor state without
    callbacks): persist what differs between the table shown and the one returned."""
    store_ = projects()
    state = view.state.model_copy(deep=True)
    library_texts = {item.evidence_id: item.card.text for item in view.evidence.items}
    changed = False
    for card_id in shown.index:
        before, after = shown.loc[card_id], edited.loc[card_id]
        if bool(after["include"]) != bool(before["include"]):
            state.set_included(card_id, bool(after["include"]))
        if bool(after["pin"]) != bool(before["pin"]):
            state.set_pinned(card_id, bool(after["pin"]))
        new_text = str(after["text"] or "").strip()
        if new_text != str(before["text"]).strip():
            original = library_texts.get(card_id, "").strip()
            store_.edit_card(
                project.project_id, card_id, None if new_text == original else new_text
            )
            changed = True
    if state != view.state:
        store_.set_section_state(project.project_id, state)
        changed = True
    return changed


# The context builder's notes the preview shows; weak and missing types are said under their
# tables, a paper gone from the selection in the selection's summary.
_PREVIEW_NOTES = {
    ContextNote.OVER_BUDGET,
    ContextNote.WEAK_SECTION,
    ContextNote.NONE_OWN,
    ContextNote.DROPPED,
}


def context_notes(built: BuiltContext, lang: str) -> list[str]:
    """What the context builder left out or fell back on, in the interface language `lang`;
    a card left out names its paper as the page does."""
    lines = []
    for note in built.warnings:
        if note.code not in _PREVIEW_NOTES:
            continue
        if note.code == ContextNote.DROPPED:
            note = Phrase(
                note.code, {**note.values, "paper": paper_label(str(note.values["paper"]))}
            )
        lines.append(describe(note, lang))
    return lines
