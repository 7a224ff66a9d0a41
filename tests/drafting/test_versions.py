"""Section versions: nothing overwritten, the newest usable is current unless picked, edits."""

from __future__ import annotations

import pytest

from ragcore.drafting.review import review_section
from ragcore.drafting.versions import SectionVersion, VersionStore
from ragcore.errors import InputError


def save(store: VersionStore, text: str, **extra: object) -> SectionVersion:
    return store.save(SectionVersion(project_id="p1", section="method", text=text, **extra))  # type: ignore[arg-type]


def test_every_field_round_trips(versions: VersionStore) -> None:
    saved = save(
        versions,
        "正文[1]。",
        model_used="m",
        template_id="section/method",
        template_hash="h1",
        prompt_hash="h2",
        evidence_ids=["c1"],
        edited_texts={"c1": "改"},
        citation_keys={"1": "pA"},
        brief_version=3,
        tokens_in=10,
        tokens_out=5,
        latency_s=0.5,
        finish_reason="stop",
        cost_usd=None,
        review=review_section("正文[1]。", {"1": "pA"}, ["正文"]).to_dict(),
    )
    again = versions.get(saved.version_id)
    assert again == saved and again.created_at and again.cost_usd is None
    assert again.checks.cited_keys == ["1"] and again.checks.clean


def test_current_is_newest_usable_unless_picked(versions: VersionStore) -> None:
    first = save(versions, "第一版。")
    second = save(versions, "第二版。")
    failed = save(versions, "", status="failed", message="server answered 500")
    assert versions.current("p1", "method") == second
    assert versions.latest_attempt("p1", "method") == failed
    versions.pick("p1", "method", first.version_id)
    assert versions.current("p1", "method") == first
    third = save(versions, "第三版。")  # a newer version ends the pick
    assert versions.current("p1", "method") == third
    assert [v.text for v in versions.history("p1", "method")] == [
        "第一版。",
        "第二版。",
        "",
        "第三版。",
    ]
    with pytest.raises(InputError, match="no version 999"):
        versions.pick("p1", "method", 999)


def test_hand_edit_is_a_new_version_with_the_same_provenance(versions: VersionStore) -> None:
    base = save(
        versions, "模型写的[1]。", model_used="m", citation_keys={"1": "pA"}, status="incomplete"
    )
    edited = versions.save_edit(
        base, "手工改过的[1]。", review_section("手工改过的[1]。", {"1": "pA"}, [])
    )
    assert (
        edited.origin == "edited"
        and edited.based_on == base.version_id
        and edited.status == "complete"
    )
    assert edited.model_used == "m" and edited.citation_keys == {"1": "pA"}
    assert versions.get(base.version_id).text == "模型写的[1]。"
    with pytest.raises(InputError, match="empty"):
        versions.save_edit(base, "  ")
