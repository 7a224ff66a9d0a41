"""Draft, Compare and Export pages with the offline model: generate all, regenerate one, edit
by hand, pick a version, compare two versions, keep one, export every format."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ragcore.drafting.brief import current_brief
from ragcore.drafting.projects import ProjectStore
from ragcore.drafting.versions import VersionStore
from ragcore.settings import load_settings
from ragcore.wording import word_note
from tests.pages.conftest import (
    assert_clean,
    create_project,
    generate_all,
    goto,
    values,
    wait_for_job,
)

pytestmark = pytest.mark.usefixtures("every_card_relevant")
SECTIONS = ["introduction", "related_work", "method", "experiments", "conclusion"]


def versions() -> VersionStore:
    return VersionStore.from_settings(load_settings())


@pytest.fixture
def drafted(app: AppTest) -> tuple[AppTest, str]:
    project_id = create_project(app, "基于深度学习的图像分类方法研究")
    generate_all(app, project_id)
    return app, project_id


def test_generate_all_writes_every_section_and_the_brief(drafted: tuple[AppTest, str]) -> None:
    app, project_id = drafted
    for key in SECTIONS:
        current = versions().current(project_id, key)
        assert current is not None and current.status == "complete", key
        assert current.origin == "extractive"
    assert current_brief(ProjectStore.from_settings(load_settings()), project_id) is not None
    assert [s for s in values(app.subheader)] == ["引言", "相关工作", "方法", "实验评价", "总结"]
    assert any("抽取式草稿" in i for i in values(app.info))
    assert not app.error


def test_regenerate_one_section_leaves_the_others(drafted: tuple[AppTest, str]) -> None:
    app, project_id = drafted
    before = {key: versions().current(project_id, key) for key in SECTIONS}
    app.button(key="draft_regenerate_method").click().run()
    wait_for_job(app, project_id)
    assert len(versions().history(project_id, "method")) == 2
    for key in SECTIONS:
        if key != "method":
            assert versions().current(project_id, key) == before[key]
    assert app.selectbox(key="draft_version_method").options  # two versions to pick from


def test_hand_edit_and_version_pick(drafted: tuple[AppTest, str]) -> None:
    app, project_id = drafted
    original = versions().current(project_id, "conclusion")
    assert original is not None
    app.text_area(key="draft_edit_conclusion").input(original.text + "\n\n我们手动补充了一句总结。")
    app.button(key="draft_save_conclusion").click().run()
    edited = versions().current(project_id, "conclusion")
    assert (
        edited is not None and edited.origin == "edited" and edited.based_on == original.version_id
    )
    app.selectbox(key="draft_version_conclusion").set_value(original.version_id).run()
    assert_clean(app)
    picked = versions().current(project_id, "conclusion")
    assert picked is not None and picked.version_id == original.version_id


def test_brief_is_editable(drafted: tuple[AppTest, str]) -> None:
    app, project_id = drafted
    app.text_input(key="draft_brief_method").input("ResNet-X")
    app.button(key="draft_brief_save").click().run()
    found = current_brief(ProjectStore.from_settings(load_settings()), project_id)
    assert found is not None and found[0] == 2
    assert (found[1].method_name, found[1].source) == ("ResNet-X", "edited")


def test_compare_two_versions_and_keep_one(drafted: tuple[AppTest, str]) -> None:
    app, project_id = drafted
    app.button(key="draft_regenerate_method").click().run()
    wait_for_job(app, project_id)
    goto(app, "compare")
    app.selectbox(key="compare_section").set_value("method").run()
    first, second = (v.version_id for v in versions().history(project_id, "method"))
    assert app.selectbox(key="compare_left").value == first
    assert app.selectbox(key="compare_right").value == second
    assert any("相似度" in c for c in values(app.caption))
    app.button(key="compare_keep_left").click().run()
    current = versions().current(project_id, "method")
    assert current is not None and current.version_id == first


def test_export_has_every_section_and_all_formats(drafted: tuple[AppTest, str]) -> None:
    app, _ = drafted
    goto(app, "export")
    preview = "\n".join(values(app.markdown))
    for heading in ["## 引言", "## 相关工作", "## 方法", "## 实验评价", "## 总结", "## 参考文献"]:
        assert heading in preview
    for fmt in ("md", "html", "bib"):
        assert app.get("download_button"), fmt
    figures = next(d.value for d in app.dataframe if "项目" in d.value.columns)
    assert len(figures) == 4  # each figure in full, in a table (a metric tile cut them off)
    assert any(str(v).endswith("字（中文按字、英文按词计）") for v in figures.iloc[:, 1])  # a unit


def test_versions_are_numbered_per_section_and_compare_opens_on_the_regenerated_one(
    drafted: tuple[AppTest, str],
) -> None:
    app, project_id = drafted
    app.button(key="draft_regenerate_experiments").click().run()
    wait_for_job(app, project_id)
    options = app.selectbox(key="draft_version_experiments").options
    assert [option.split(" · ")[0] for option in options] == ["v1", "v2"]  # not the global ids
    # The offline model, given the same evidence, writes the same text: the page says so.
    assert any("文本与 v1 完全相同" in i for i in values(app.info)), values(app.info)
    goto(app, "compare")
    assert app.selectbox(key="compare_section").value == "experiments"
    assert any("完全相同" in i for i in values(app.info))


def test_brief_open_with_its_evidence_and_findings_one_line_per_sentence(
    drafted: tuple[AppTest, str],
) -> None:
    app, project_id = drafted
    # The first, unedited brief is shown open, with the evidence it was written from.
    assert next(e for e in app.expander if "纲要（" in e.label).proto.expanded
    sources = next(e for e in app.expander if "纲要依据的证据" in e.label)
    assert sources.proto.expanded and len(sources.dataframe[0].value) > 0
    # Each finding is one line; a sentence with several unsupported claims is still one line.
    for key in SECTIONS:
        current = versions().current(project_id, key)
        assert current is not None
        sentences = {f.sentence for f in current.checks.unsupported}
        from studio.draft_checks_view import finding_lines

        lines = finding_lines(current.checks, "zh")
        notes = len(current.checks.warnings) + len(current.checks.citation_issues)
        assert len(lines) == notes + len(sentences)
        assert lines[: len(current.checks.warnings)] == [
            word_note(note, "zh")
            for note in current.checks.warnings  # the interface language
        ]


def test_undo_the_last_evidence_change(drafted: tuple[AppTest, str]) -> None:
    app, project_id = drafted
    projects = ProjectStore.from_settings(load_settings())
    state = projects.section_state(project_id, "method")
    card = state.retrieved[0]
    changed = state.model_copy(deep=True)
    changed.set_included(card, False)
    projects.set_section_state(project_id, changed)  # what the Evidence page writes
    app.run()
    undo = app.button(key="draft_undo_evidence")
    assert "方法" in undo.label
    undo.click().run()
    assert card not in projects.section_state(project_id, "method").excluded


def test_two_claims_of_one_sentence_make_one_line() -> None:
    from ragcore.drafting.grounding import GroundingFlag
    from ragcore.drafting.review import SectionReview
    from studio.draft_checks_view import finding_lines

    sentence = "Our method reaches 95.1% on ImageNet."
    review = SectionReview(
        unsupported=[
            GroundingFlag(sentence, "95.1%", "number"),
            GroundingFlag(sentence, "ImageNet", "name"),
        ]
    )
    assert finding_lines(review, "en") == [f"not in the evidence: 95.1%, ImageNet — “{sentence}”"]


def test_draft_words_coded_notes_in_the_interface_language_and_old_ones_as_written() -> None:
    from ragcore.drafting.notes import DraftNote
    from ragcore.drafting.review import SectionReview
    from ragcore.wording import Phrase
    from studio.draft_checks_view import finding_lines

    old = "篇幅不足：40 字，目标 300-500 字；现有证据只够这么多"  # saved before notes were coded
    review = SectionReview(warnings=[Phrase(DraftNote.REMOVED_NUMBER, {"cited": "9"}), old])
    assert finding_lines(review, "en") == ["removed citation [9]: no such evidence key", old]
    assert finding_lines(review, "zh") == ["已删除引用 [9]：没有这个编号的证据", old]
