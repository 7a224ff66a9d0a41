"""Evidence page: edits, exclusions, pins and notes belong to the project and reach the
section's context; retrieving again keeps the query; the library changes only on request."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ragcore.drafting.projects import ProjectStore
from ragcore.library.store import CardStore
from ragcore.settings import load_settings
from tests.pages.conftest import create_project, edit_table, goto, tab, values

TABLE = "evidence_table_方法_methodology"
EDITED = "我们在本项目中改写了这张方法卡片：采用残差网络进行图像分类。"


def table(at: AppTest, key: str) -> object:
    return next(element for element in at.dataframe if element.key == key)


def open_method_tab(at: AppTest) -> str:
    project_id = create_project(at, "基于深度学习的图像分类方法研究")
    goto(at, "evidence")
    tab(at, "evidence_tabs", "方法")
    return project_id


@pytest.mark.usefixtures("every_card_relevant")
def test_edit_and_exclude_are_kept_in_the_project_and_reach_the_context(app: AppTest) -> None:
    project_id = open_method_tab(app)
    shown = table(app, TABLE).value  # type: ignore[attr-defined]
    assert len(shown) >= 2 and shown["key"].iloc[0] == "[1]"
    edited_id, excluded_id = shown.index[0], shown.index[1]
    library_text = shown["text"].iloc[0]
    edit_table(app, TABLE, {0: {"text": EDITED}, 1: {"include": False}})
    projects = ProjectStore.from_settings(load_settings())
    assert projects.edited_texts(project_id) == {edited_id: EDITED}
    assert projects.section_state(project_id, "method").excluded == [excluded_id]
    preview = app.code[0].value
    assert EDITED in preview and library_text not in preview
    # The library card itself is untouched.
    card = CardStore.open(load_settings()).get_card(edited_id)
    assert card is not None and card.text == library_text
    # Another rerun does not save the same edit again.
    before = len(projects.history(project_id, "edit", edited_id))
    app.run()
    assert len(projects.history(project_id, "edit", edited_id)) == before


@pytest.mark.usefixtures("every_card_relevant")
def test_pin_and_note(app: AppTest) -> None:
    project_id = open_method_tab(app)
    shown = table(app, TABLE).value  # type: ignore[attr-defined]
    last = len(shown) - 1
    edit_table(app, TABLE, {last: {"pin": True}})
    projects = ProjectStore.from_settings(load_settings())
    assert projects.section_state(project_id, "method").pinned == [shown.index[last]]
    app.text_area(key="evidence_note_text_方法").input("笔记：我们的方法使用自监督预训练。")
    app.button(key="evidence_note_add_方法").click().run()
    assert [n.text for n in projects.notes(project_id, "method")] == [
        "笔记：我们的方法使用自监督预训练。"
    ]
    assert "自监督预训练" in app.code[0].value


def test_empty_edit_is_refused_and_nothing_is_saved(app: AppTest) -> None:
    project_id = open_method_tab(app)
    edit_table(app, TABLE, {0: {"text": "   "}})
    assert any("must not be empty" in e for e in values(app.error))
    assert ProjectStore.from_settings(load_settings()).edited_texts(project_id) == {}


def test_retrieve_again_with_another_query_and_k(app: AppTest) -> None:
    project_id = open_method_tab(app)
    app.text_input(key="evidence_query_方法").input("卷积神经网络 残差连接")
    app.number_input(key="evidence_k_方法").set_value(2)
    app.button(key="evidence_retrieve_方法").click().run()
    state = ProjectStore.from_settings(load_settings()).section_state(project_id, "method")
    assert (state.query, state.k) == ("卷积神经网络 残差连接", 2)
    assert app.text_input(key="evidence_query_方法").value == "卷积神经网络 残差连接"


@pytest.mark.usefixtures("every_card_relevant")
def test_edits_go_to_the_library_only_when_asked(app: AppTest) -> None:
    project_id = open_method_tab(app)
    shown = table(app, TABLE).value  # type: ignore[attr-defined]
    edit_table(app, TABLE, {0: {"text": EDITED}})
    app.button(key="evidence_apply_library_方法").click().run()
    library = CardStore.open(load_settings())
    assert library.get_card(shown.index[0]) is None  # replaced by the edited card
    assert any(card.text == EDITED for card in library.get_cards())
    assert ProjectStore.from_settings(load_settings()).edited_texts(project_id) == {}


@pytest.mark.usefixtures("every_card_relevant")
def test_a_backup_card_can_be_switched_on(app: AppTest) -> None:
    project_id = open_method_tab(app)
    app.number_input(key="evidence_k_方法").set_value(1)
    app.button(key="evidence_retrieve_方法").click().run()
    key = next(str(e.key) for e in app.dataframe if str(e.key).startswith(TABLE))
    shown = table(app, key).value  # type: ignore[attr-defined]
    backups = [row for row, on in enumerate(shown["include"]) if not on]
    assert backups, "with one card per type the rest are backups, shown switched off"
    edit_table(app, key, {backups[0]: {"include": True}})
    card_id = shown.index[backups[0]]
    state = ProjectStore.from_settings(load_settings()).section_state(project_id, "method")
    assert state.included == [card_id]
    after = table(app, next(str(e.key) for e in app.dataframe if str(e.key).startswith(TABLE)))
    assert after.value.loc[card_id, "include"] and after.value.loc[card_id, "key"]  # type: ignore[attr-defined]


@pytest.mark.usefixtures("every_card_relevant")
def test_a_card_reads_in_full_with_its_paper_and_language(app: AppTest) -> None:
    open_method_tab(app)
    shown = table(app, TABLE).value  # type: ignore[attr-defined]
    # The grid names papers by a readable label (the demo papers have no title), never a bare id.
    cards = CardStore.open(load_settings()).get_cards(ids=list(shown.index))
    paper_ids = {c.paper_id for c in cards}
    assert not any(label.removeprefix("⚠️ ") in paper_ids for label in shown["paper"])
    assert set(shown["lang"]) <= {"zh", "en"} and "tags" not in shown.columns
    card_id = shown.index[0]
    reader = app.selectbox(key="evidence_read_方法_methodology")
    reader.set_value(card_id).run()
    card = CardStore.open(load_settings()).get_card(card_id)
    assert card is not None
    shown_text = "\n".join(values(app.markdown))
    assert card.text in shown_text  # the whole text, not one line of it
    captions = "\n".join(values(app.caption))
    assert card.paper_id in captions and "来源章节" in captions and "语言" in captions


@pytest.mark.usefixtures("every_card_relevant")
def test_the_preview_is_what_drafting_sends(app: AppTest) -> None:
    """One evidence path: after an edit, an exclusion, a pin, a note and a new k, the page's
    preview (cached retrieval) is the context the drafting pipeline builds, character for
    character, and `ragcore context --project` prints the same."""
    from typer.testing import CliRunner

    from ragcore.commands.cli import app as cli
    from ragcore.drafting.pipeline import prepare_sections

    project_id = open_method_tab(app)
    edit_table(app, TABLE, {0: {"text": EDITED}, 1: {"include": False}, 2: {"pin": True}})
    app.text_area(key="evidence_note_text_方法").input("笔记：我们的方法使用自监督预训练。")
    app.button(key="evidence_note_add_方法").click().run()
    app.number_input(key="evidence_k_方法").set_value(4)
    app.button(key="evidence_retrieve_方法").click().run()
    preview = app.code[0].value
    settings = load_settings()
    projects = ProjectStore.from_settings(settings)
    project = projects.get(project_id)
    [method] = [s for s in projects.plan(project).sections if s.key == "method"]
    prepared = prepare_sections(CardStore.open(settings), projects, project, [method], settings)
    sent = prepared[0].built.text
    assert preview + "\n" == sent  # st.code drops the final line break, nothing else
    assert EDITED in preview and "自监督预训练" in preview
    printed = CliRunner().invoke(cli, ["context", "--project", project_id, "--section", "方法"])
    assert printed.exit_code == 0, printed.output
    assert printed.stdout == sent


def _papers_of(at: AppTest) -> set[str]:
    shown = next(e for e in at.dataframe if str(e.key).startswith(TABLE)).value  # type: ignore[attr-defined]
    library = CardStore.open(load_settings())
    return {card.paper_id for card_id in shown.index if (card := library.get_card(card_id))}


@pytest.mark.usefixtures("every_card_relevant")
def test_the_project_uses_only_the_chosen_papers(app: AppTest) -> None:
    project_id = open_method_tab(app)
    before = _papers_of(app)
    assert len(before) >= 2
    chosen = sorted(before)[:1]
    key = f"evidence_papers_{project_id}"
    app.radio(key=f"{key}_mode").set_value(True).run()
    app.multiselect(key=f"{key}_chosen").set_value(chosen).run()
    app.button(key=f"{key}_save").click().run()
    assert ProjectStore.from_settings(load_settings()).get(project_id).papers == chosen
    assert _papers_of(app) == set(chosen)
    # A chosen paper deleted from the library drops out, and the page says so.
    CardStore.open(load_settings()).delete_paper(chosen[0])
    app.run()
    assert any(chosen[0] in w and "已从文献库删除" in w for w in values(app.warning))
    # Back to all papers.
    app.radio(key=f"{key}_mode").set_value(False).run()
    app.button(key=f"{key}_save").click().run()
    assert ProjectStore.from_settings(load_settings()).get(project_id).papers is None


def test_an_empty_paper_choice_is_refused(app: AppTest) -> None:
    project_id = open_method_tab(app)
    key = f"evidence_papers_{project_id}"
    app.radio(key=f"{key}_mode").set_value(True).run()
    app.button(key=f"{key}_save").click().run()
    assert any("至少选择一篇论文" in e for e in values(app.error))
    assert ProjectStore.from_settings(load_settings()).get(project_id).papers is None


@pytest.fixture
def tiny_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAGCORE_DRAFTING__SECTION_TOKEN_BUDGET", "200")


@pytest.mark.usefixtures("every_card_relevant", "tiny_budget")
def test_the_preview_says_what_the_budget_left_out_in_the_interface_language(
    app: AppTest,
) -> None:
    """The context builder's notes (codes) are worded by the page in the interface language;
    a card left out names its paper as the page does."""
    open_method_tab(app)
    warnings = values(app.warning)
    assert any(w.startswith("上下文有 ") and "超出 200 的预算" in w for w in warnings), warnings
    left_out = [w for w in warnings if w.startswith("因词元预算未用：论文 ")]
    assert left_out and all("卡片（相关性 " in w for w in left_out), warnings
    assert not any("token budget" in w for w in warnings)
