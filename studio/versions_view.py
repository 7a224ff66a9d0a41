"""Section versions as the user sees them: numbered per section (v1, v2… of that section, not
the store's global row ids), labelled in the interface language, and the versions that repeat
their predecessor's text word for word (the offline model, given the same evidence)."""

from __future__ import annotations

import streamlit as st

from ragcore.drafting.versions import SectionVersion, VersionStore
from studio.common import settings, t
from studio.progress_view import status_word

ORIGIN_WORDS = {
    "generated": ("模型生成", "generated"),
    "extractive": ("抽取式", "extractive"),
    "edited": ("手动编辑", "edited by hand"),
}


def versions() -> VersionStore:
    return VersionStore.from_settings(settings())


def origin_word(origin: str) -> str:
    zh, en = ORIGIN_WORDS.get(origin, (origin, origin))
    return t(zh, en)


def numbering(history: list[SectionVersion]) -> dict[int, int]:
    """version id -> its number within the section (1 for the first attempt, failed included)."""
    return {v.version_id: n for n, v in enumerate(history, start=1)}


def section_numbers(project_id: str, section: str) -> dict[int, int]:
    return numbering(versions().history(project_id, section))


def version_label(version: SectionVersion, numbers: dict[int, int]) -> str:
    when = version.created_at[:16].replace("T", " ")
    number = numbers.get(version.version_id, 0)
    return f"v{number} · {origin_word(version.origin)} · {version.model_used or '—'} · {when}"


def status_line(version: SectionVersion, numbers: dict[int, int]) -> str:
    return f"{status_word(version.status)} · {version_label(version, numbers)}"


def repeated_from(history: list[SectionVersion], version: SectionVersion) -> SectionVersion | None:
    """The usable version just before `version` when it has exactly the same text."""
    earlier = [v for v in history if v.usable and v.version_id < version.version_id]
    if earlier and earlier[-1].text.strip() == version.text.strip():
        return earlier[-1]
    return None


def explain_repeat(history: list[SectionVersion], version: SectionVersion) -> None:
    """Say so when regenerating gave the same text, and why when the offline model wrote it."""
    same = repeated_from(history, version)
    if same is None:
        return
    number = numbering(history)[same.version_id]
    if version.origin == "extractive":
        st.info(
            t(f"文本与 v{number} 完全相同：离线模型从同样的证据抽取同样的句子。修改证据，或选择一个 LiteLLM 模型，才会得到不同的文本。",
              f"The text is the same as v{number}: the offline model picks the same sentences from the same "
              "evidence. Change the evidence, or choose a LiteLLM model, for a different text.")
        )  # fmt: skip
    else:
        st.info(t(f"文本与 v{number} 完全相同。", f"The text is the same as v{number}."))


def remember_regenerated(section: str) -> None:
    """Compare opens on the section regenerated last in this session."""
    st.session_state["compare_focus"] = section
