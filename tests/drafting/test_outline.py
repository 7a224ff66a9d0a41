"""A project's own outline: sections added, renamed, moved, deleted and configured, drafted with
the offline model and exported; the front matter; the same through the CLI."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import docx
import pytest
from bibtexparser.entrypoint import parse_string
from typer.testing import CliRunner

from ragcore.commands.cli import app
from ragcore.documents.paper import parse_paper
from ragcore.drafting.exporting import export_project
from ragcore.drafting.outline import (
    add_section,
    chosen_outline,
    configure_section,
    delete_section,
    front_matter,
    move_section,
    rename_section,
    save_front_matter,
)
from ragcore.drafting.pipeline import draft_project
from ragcore.drafting.projects import ProjectStore
from ragcore.drafting.writer import section_template_id
from ragcore.errors import InputError
from ragcore.library.cards import SummaryType
from ragcore.llm.prompts import PromptLibrary
from ragcore.settings import Settings
from tests.drafting.test_pipeline import TOPIC, home  # noqa: F401  (the `home` fixture)


@pytest.fixture
def projects(settings: Settings) -> ProjectStore:
    return ProjectStore.from_settings(settings)


def names(store: ProjectStore, project_id: str) -> list[str]:
    return [s.zh for s in store.plan(store.get(project_id)).sections]


def test_add_rename_move_delete_and_configure(projects: ProjectStore) -> None:
    project = projects.create(TOPIC)
    add_section(projects, project, "讨论")
    plan = projects.plan(projects.get(project.project_id))
    discussion = plan.find("Discussion")
    assert discussion.key == "discussion" and SummaryType.RESULTANALYSIS in discussion.types
    custom = add_section(projects, projects.get(project.project_id), "伦理考量", en="Ethics")
    assert projects.plan(custom).find("Ethics").key == "ethics"
    rename_section(
        projects, projects.get(project.project_id), "method", zh="研究方法", en="Approach"
    )
    move_section(projects, projects.get(project.project_id), "讨论", 0)
    delete_section(projects, projects.get(project.project_id), "相关工作")
    assert names(projects, project.project_id) == [
        "讨论",
        "引言",
        "研究方法",
        "实验评价",
        "总结",
        "伦理考量",
    ]
    renamed = projects.plan(projects.get(project.project_id)).find("Approach")
    assert renamed.key == "method"  # drafts and evidence stay attached to the key
    configure_section(
        projects, projects.get(project.project_id), "伦理考量",
        types=["Challenges", "Conclusion"], words=(300, 500), prompt="section/conclusion",
    )  # fmt: skip
    ethics = projects.plan(projects.get(project.project_id)).find("ethics")
    assert list(ethics.types) == [SummaryType.CHALLENGES, SummaryType.CONCLUSION]
    assert ethics.words == (300, 500) and ethics.prompt == "section/conclusion"


def test_bad_outline_edits_are_refused_plainly(projects: ProjectStore) -> None:
    project = projects.create(TOPIC)
    with pytest.raises(InputError, match="already exists"):
        add_section(projects, project, "引言")
    with pytest.raises(InputError, match="already exists"):
        add_section(projects, project, "method")
    with pytest.raises(InputError, match="already exists"):
        rename_section(projects, project, "method", en="Introduction")
    with pytest.raises(InputError, match="needs a name"):
        add_section(projects, project, "   ")
    with pytest.raises(InputError, match="unknown section"):
        move_section(projects, project, "附录", 1)
    with pytest.raises(InputError, match="section/"):
        configure_section(projects, project, "method", prompt="brief")
    for key in ["introduction", "related_work", "method", "experiments"]:
        delete_section(projects, projects.get(project.project_id), key)
    with pytest.raises(InputError, match="at least one section"):
        delete_section(projects, projects.get(project.project_id), "conclusion")


def test_a_new_project_can_name_sections_of_its_own(projects: ProjectStore) -> None:
    plan = projects.plan(projects.create(TOPIC))
    assert chosen_outline(plan, plan.keys()) is None
    override = chosen_outline(plan, ["引言", "讨论", "method", "Limitations", "Discussion"])
    project = projects.create(TOPIC, section_plan=override)
    assert [s.key for s in projects.plan(project).sections] == [
        "introduction", "discussion", "method", "limitations",
    ]  # fmt: skip
    with pytest.raises(InputError, match="at least one section"):
        chosen_outline(plan, [])


def test_a_chosen_prompt_template_is_the_one_used(settings: Settings) -> None:
    prompts = PromptLibrary.from_settings(settings)
    assert section_template_id(prompts, "discussion") == "section/generic"
    assert section_template_id(prompts, "discussion", "section/conclusion") == "section/conclusion"
    assert section_template_id(prompts, "method", "section/missing") == "section/method"


def test_front_matter_comes_from_the_brief_and_can_be_edited(projects: ProjectStore) -> None:
    project = projects.create(TOPIC)
    assert front_matter(projects, project, None).title == TOPIC
    save_front_matter(projects, project, "新题目", "摘要。", "深度学习；图像分类, LPS")
    front = front_matter(projects, project, None)
    assert (front.title, front.keywords) == ("新题目", ["深度学习", "图像分类", "LPS"])
    with pytest.raises(InputError, match="title"):
        save_front_matter(projects, project, " ", "", [])


def test_added_and_renamed_sections_are_drafted_and_exported(home: Settings) -> None:  # noqa: F811
    store = ProjectStore.from_settings(home)
    project = store.create(TOPIC)
    add_section(store, project, "讨论")
    rename_section(store, store.get(project.project_id), "method", zh="研究方法")
    project = store.get(project.project_id)
    outcome = draft_project(home, project, sections=["讨论", "研究方法"])
    assert set(outcome.sections) == {"discussion", "method"}
    assert all(v.status == "complete" for v in outcome.sections.values())
    markdown = export_project(home, project, "md").data.decode("utf-8")
    parsed = parse_paper(markdown)
    assert [s.heading for s in parsed.sections][-1] == "讨论" and "研究方法" in markdown
    assert parsed.references and not parsed.references[0].startswith("pA")
    document = docx.Document(BytesIO(export_project(home, project, "docx").data))
    headings = [p.text for p in document.paragraphs if p.style and p.style.name == "Heading 1"]
    assert headings == ["引言", "相关工作", "研究方法", "实验评价", "总结", "讨论", "参考文献"]
    entries = [p.text for p in document.paragraphs if p.style and p.style.name == "Bibliography"]
    assert any("Learning Pace Synchronization[" in e and "YE B" in e for e in entries)


def test_cli_outline_reference_edit_and_export(home: Settings, tmp_path: Path) -> None:  # noqa: F811
    store = ProjectStore.from_settings(home)
    project = store.create(TOPIC)
    draft_project(home, project, sections=["method"])
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    assert "局限性 · Limitations" in run("outline", "add", project.project_id, "Limitations")
    duplicate = runner.invoke(app, ["outline", "add", project.project_id, "limitations"])
    assert isinstance(duplicate.exception, InputError)
    assert "already exists" in str(duplicate.exception)
    run("outline", "rename", project.project_id, "limitations", "--zh", "不足")
    run("outline", "move", project.project_id, "不足", "1")
    assert run("outline", "show", project.project_id).startswith("1. 不足 · Limitations")
    run("papers", "edit", "pA", "--title", "Learning Pace Synchronization for Open-World SSL",
        "--author", "Ye, Bo", "--author", "Gan, Kai", "--year", "2023", "--type", "article",
        "--arxiv", "2309.11930")  # fmt: skip
    shown = run("papers", "show", "pA", "--bib")
    assert "@misc{ye2023learning," in shown and "Gan, Kai" in shown
    run("style", "set", project.project_id, "apa")
    target = tmp_path / "out" / "paper.tex"
    run("export", project.project_id, "--format", "tex", "-o", str(target))
    tex = target.read_text(encoding="utf-8")
    bib = parse_string((tmp_path / "out" / "paper.bib").read_text(encoding="utf-8"))
    cited = {k.strip() for g in re.findall(r"\\cite[pt]?\{([^}]*)\}", tex) for k in g.split(",")}
    assert cited and cited <= {e.key for e in bib.entries} and "\\section{不足}" in tex
    assert "apalike" in tex
    run("export", project.project_id, "--format", "docx", "-o", str(tmp_path / "p.docx"))
    assert docx.Document(str(tmp_path / "p.docx")).paragraphs
