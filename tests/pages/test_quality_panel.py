"""The Quality panel on Export and the per-section findings on Draft, after drafting with the
offline model; the figures shown are the scorecard's (the same as `ragcore eval paper`)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ragcore.drafting.projects import ProjectStore
from ragcore.quality.scorecard import score_project
from ragcore.settings import load_settings
from tests.pages.conftest import assert_clean, create_project, generate_all, goto, values

pytestmark = pytest.mark.usefixtures("every_card_relevant")


def test_quality_panel_shows_the_scorecard_and_each_sections_findings(app: AppTest) -> None:
    project_id = create_project(app, "基于深度学习的图像分类方法研究")
    goto(app, "export")
    assert "质量评分" in values(app.subheader)
    assert any("draft" in v.lower() or "尚未" in v or "没有" in v for v in values(app.info))
    generate_all(app, project_id)
    goto(app, "export")
    assert_clean(app)
    settings = load_settings()
    card = score_project(settings, ProjectStore.from_settings(settings).get(project_id))
    shown = "\n".join(values(app.markdown))
    assert "| 引用完整性（问题数） |" in shown and "| 引用有据（比例） |" in shown
    for figure in card.figures:
        assert f"| {figure.shown()} | {figure.ideal} |" in shown, figure.key
    failing = [f for f in card.figures if f.passed is False]
    if failing:
        assert any("未达理想值" in w for w in values(app.warning))
        labels = [e.label for e in app.expander]
        assert any(label.endswith(f"· {len(failing[0].findings)}") for label in labels)
    else:
        assert any("理想值" in s for s in values(app.success))
    goto(app, "draft")
    per_section = [e.label for e in app.expander if e.label.startswith("质量评分")]
    quiet = [c for c in values(app.caption) if c.startswith("质量评分：本节没有发现问题")]
    assert len(per_section) + len(quiet) == 5
    for spec_heading in ("引言", "相关工作", "方法", "实验评价", "总结"):
        assert len(card.for_section(spec_heading)) == 0 or any(
            str(len(card.for_section(spec_heading))) in label for label in per_section
        )
