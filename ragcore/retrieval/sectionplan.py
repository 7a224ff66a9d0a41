"""The section plan as data: which paper sections exist, in what order, and what evidence each uses.

The default lives in `data/section_plan.yaml`; a project overrides it with a mapping of the same
shape (sections matched by `key`; new keys are appended; an optional `order` list reorders).
Section names are accepted by key, Chinese or English name, case-insensitively.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from ragcore.errors import InputError
from ragcore.library.cards import SummaryType
from ragcore.settings import PROJECT_ROOT

DEFAULT_PLAN_PATH = PROJECT_ROOT / "data" / "section_plan.yaml"
MAX_CARDS_PER_TYPE = 50


class SectionSpec(BaseModel):
    key: str = Field(min_length=1)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    types: dict[SummaryType, int]
    words: tuple[int, int] = (800, 1200)
    trends: bool = True
    snippets: bool = False
    roles: list[str] = Field(default_factory=list)
    prompt: str = ""  # a prompt template id (`section/...`); empty = the section's own or generic

    @field_validator("types", mode="before")
    @classmethod
    def _parse_types(cls, value: object) -> dict[SummaryType, int]:
        if not isinstance(value, dict) or not value:
            raise ValueError("types must map at least one summary type to a card count")
        parsed: dict[SummaryType, int] = {}
        for name, count in value.items():
            if not isinstance(count, int) or not 1 <= count <= MAX_CARDS_PER_TYPE:
                raise ValueError(f"the count for {name!r} must be 1-{MAX_CARDS_PER_TYPE}")
            parsed[SummaryType.parse(str(name))] = count
        return parsed

    @field_validator("words")
    @classmethod
    def _ordered_words(cls, value: tuple[int, int]) -> tuple[int, int]:
        low, high = value
        if not 0 < low <= high:
            raise ValueError("words must be [min, max] with 0 < min <= max")
        return value

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def matches(self, name: str) -> bool:
        wanted = " ".join(name.replace("_", " ").split()).casefold()
        names = (self.key.replace("_", " "), self.zh, self.en)
        return wanted in {" ".join(n.split()).casefold() for n in names}


class SectionPlan(BaseModel):
    sections: list[SectionSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_keys(self) -> SectionPlan:
        keys = [s.key for s in self.sections]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"section keys must be unique; repeated: {', '.join(duplicates)}")
        return self

    def find(self, name: str) -> SectionSpec:
        """The section called `name` (key, 中文名 or English name, any case); InputError if none."""
        for section in self.sections:
            if section.matches(name):
                return section
        known = ", ".join(f"{s.zh} ({s.en})" for s in self.sections)
        raise InputError(f"unknown section {name!r}; the plan has: {known}")

    def keys(self) -> list[str]:
        return [s.key for s in self.sections]

    def with_cards_per_type(self, key: str, k: int | None) -> SectionPlan:
        """The plan with section `key` drawing `k` cards of each of its types (the user's
        "retrieve again with k"); unchanged when k is None."""
        if not k:
            return self
        sections = [
            s.model_copy(update={"types": dict.fromkeys(s.types, k)}) if s.key == key else s
            for s in self.sections
        ]
        return self.model_copy(update={"sections": sections})


def _explain(error: ValidationError, origin: str) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{origin}: {where or 'plan'}: {message}"


def validate_plan(data: Any, origin: str = "section plan") -> SectionPlan:
    """A checked plan from parsed YAML/JSON data; InputError naming `origin` and the field."""
    try:
        return SectionPlan.model_validate(data)
    except ValidationError as error:
        raise InputError(_explain(error, origin)) from None


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: section plan file not found") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not a readable YAML file ({type(error).__name__})") from None


def load_plan(path: Path | None = None) -> SectionPlan:
    """The default plan, or the plan in `path` (read again only when the file changes)."""
    source = path or DEFAULT_PLAN_PATH
    try:
        mtime = source.stat().st_mtime
    except OSError:
        raise InputError(f"{source}: section plan file not found") from None
    return _cached_plan(str(source), mtime).model_copy(deep=True)


@lru_cache(maxsize=8)
def _cached_plan(path: str, mtime: float) -> SectionPlan:
    return validate_plan(_read_yaml(Path(path)), path)


def merge_plan(
    base: SectionPlan, override: dict[str, Any], origin: str = "override"
) -> SectionPlan:
    """`base` with a project's changes: sections replaced field by field by key, new sections
    appended, and an optional `order` (list of keys) that also drops unlisted sections."""
    merged = {s.key: s.model_dump(mode="json") for s in base.sections}
    for raw in override.get("sections") or []:
        if not isinstance(raw, dict) or "key" not in raw:
            raise InputError(f"{origin}: every overriding section needs a `key`")
        merged[raw["key"]] = {**merged.get(raw["key"], {}), **raw}
    order = override.get("order") or list(merged)
    unknown = [key for key in order if key not in merged]
    if unknown:
        raise InputError(f"{origin}: order names unknown sections: {', '.join(unknown)}")
    return validate_plan({"sections": [merged[key] for key in order]}, origin)


def load_project_plan(override_path: Path | None) -> SectionPlan:
    """The default plan merged with a project's override file, when one exists."""
    plan = load_plan()
    if override_path is None or not override_path.exists():
        return plan
    data = _read_yaml(override_path) or {}
    if not isinstance(data, dict):
        raise InputError(f"{override_path}: expected a mapping with `sections` and/or `order`")
    return merge_plan(plan, data, str(override_path))
