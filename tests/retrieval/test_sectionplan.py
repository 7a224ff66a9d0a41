from pathlib import Path

import pytest

from ragcore.errors import InputError
from ragcore.library.cards import SummaryType
from ragcore.retrieval.sectionplan import load_plan, load_project_plan, merge_plan, validate_plan


def test_default_plan_order_and_names() -> None:
    plan = load_plan()
    assert [s.zh for s in plan.sections] == ["引言", "相关工作", "方法", "实验评价", "总结"]
    assert plan.find("method").types[SummaryType.METHODOLOGY] == 5


@pytest.mark.parametrize(
    "name", ["方法", "Method", "METHOD", " method ", "related work", "Related_Work"]
)
def test_find_accepts_chinese_english_any_case(name: str) -> None:
    assert load_plan().find(name).key in ("method", "related_work")


def test_unknown_section_names_the_choices() -> None:
    with pytest.raises(InputError, match="引言"):
        load_plan().find("摘要")


def test_merge_overrides_and_reorders() -> None:
    plan = merge_plan(
        load_plan(),
        {
            "sections": [{"key": "method", "words": [300, 500], "types": {"方法": 2}}],
            "order": ["method", "conclusion"],
        },
    )
    assert plan.keys() == ["method", "conclusion"]
    assert plan.sections[0].words == (300, 500)
    assert plan.sections[0].types == {SummaryType.METHODOLOGY: 2}


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"sections": []}, "sections"),
        (
            {"sections": [{"key": "a", "zh": "甲", "en": "A", "types": {"nonsense": 1}}]},
            "unknown summary type",
        ),
        ({"sections": [{"key": "a", "zh": "甲", "en": "A", "types": {"background": 0}}]}, "1-50"),
        (
            {
                "sections": [
                    {
                        "key": "a",
                        "zh": "甲",
                        "en": "A",
                        "types": {"background": 1},
                        "words": [900, 100],
                    }
                ]
            },
            "words",
        ),
    ],
)
def test_invalid_plans_are_explained(bad: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        validate_plan(bad, "my.yaml")


def test_project_override_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("order: [introduction, conclusion]\n", encoding="utf-8")
    assert load_project_plan(path).keys() == ["introduction", "conclusion"]
    path.write_text("order: [nope]\n", encoding="utf-8")
    with pytest.raises(InputError, match="nope"):
        load_project_plan(path)
    path.write_text(": : :\n", encoding="utf-8")
    with pytest.raises(InputError, match="YAML"):
        load_project_plan(path)
