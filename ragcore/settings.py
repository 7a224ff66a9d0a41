"""Typed configuration: `RAGCORE_*` environment variables plus an optional TOML settings file.

The environment names are public interface (documented in the README):
RAGCORE_HOME, RAGCORE_EMBEDDER, RAGCORE_CHROMA_URL, RAGCORE_LLM_CONFIG, RAGCORE_MODEL,
RAGCORE_SETTINGS_FILE; nested blocks use a double underscore (RAGCORE_RETRIEVAL__K=8).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HOME = PROJECT_ROOT / "home"
LLM_CONFIG_NAME = "llm.yaml"  # read from RAGCORE_HOME when RAGCORE_LLM_CONFIG is not set
OFFLINE_MODEL = "offline/extractive"
# Chosen by measurement on the CSL Chinese set and the English papers: see docs/embedders.md.
DEFAULT_EMBEDDER = "use"
# Texts per call of an embedding model, measured on card texts at batch 1..256 (issue 16:
# benchmarks/bench_embed_batches.py, docs/benchmarks.md): MiniLM is fastest at 64-128 (it pads
# a batch to its longest text but pays per call below that); USE packs tokens without padding
# and was flat within the noise from 2 to 256. The setting `embed_batch` overrides it.
EMBED_BATCH = 64
# The embedders known by name (ragcore.library.embeddings makes them). Checked here, not there,
# because that module imports numpy and every settings read (the studio's first page) would wait.
BUILTIN_EMBEDDERS = ("use", "minilm", "fake")


def validate_embedder_name(name: str) -> None:
    if name in BUILTIN_EMBEDDERS or (name.startswith("st:") and len(name) > 3):
        return
    raise ValueError("expected one of use, minilm, fake, or st:<model-name-or-path>")


class SettingsError(ValueError):
    """A configuration value is invalid; the message is one sentence for the user."""


class RetrievalSettings(BaseModel):
    k: int = Field(5, ge=1, le=50, description="cards per summary type")
    per_paper_cap: int = Field(1, ge=1, le=10, description="cards per paper and type")
    # Measured on CSL: unrelated pairs score <= 0.18 at the 99th percentile (docs/retrieval.md).
    relevance_floor: float = Field(0.20, ge=0.0, le=1.0)
    # A card below this share of the topic's best card is a backup too: measured on papers_en
    # at 0.4, the irrelevant cards passing in the top 10 fall from 21% to 2% while 68% of the
    # relevant ones (88% before) stay; CSL unchanged (docs/quality.md, relative_floor.py).
    relative_floor: float = Field(0.4, ge=0.0, le=1.0)
    fusion: Literal["auto", "rrf", "weighted", "bm25", "dense"] = "auto"


class DraftingSettings(BaseModel):
    concurrency: int = Field(5, ge=1, le=16)  # the default plan has five sections
    max_continuations: int = Field(2, ge=0, le=5)
    section_token_budget: int = Field(3000, ge=200, le=100_000)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RAGCORE_",
        env_nested_delimiter="__",
        extra="ignore",
        validate_default=True,
    )

    home: Path = DEFAULT_HOME
    embedder: str = DEFAULT_EMBEDDER
    # A second, English-only dense channel for English cards and queries ("auto": MiniLM next
    # to the default `use`; "" turns it off). Chosen by measurement: docs/embedders.md.
    english_embedder: str = "auto"
    chroma_url: str | None = None
    llm_config: Path | None = None
    model: str = OFFLINE_MODEL
    lang: Literal["zh", "en"] = "zh"
    settings_file: Path | None = None
    # Texts per embedding call at ingest; the default is measured (EMBED_BATCH).
    embed_batch: int = Field(EMBED_BATCH, ge=1, le=1024)
    # Memory the search snapshot of every dense channel may take together, in MB; unset:
    # whatever the system says is available. A larger library is refused in plain words.
    memory_limit_mb: int | None = Field(None, ge=1)
    retrieval: RetrievalSettings = RetrievalSettings()
    drafting: DraftingSettings = DraftingSettings()

    @field_validator("embedder")
    @classmethod
    def _known_embedder(cls, value: str) -> str:
        validate_embedder_name(value)
        return value

    @field_validator("english_embedder")
    @classmethod
    def _known_english_embedder(cls, value: str) -> str:
        if value not in ("auto", ""):
            validate_embedder_name(value)
        return value

    @field_validator("chroma_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not value.startswith(("http://", "https://")) or ":" not in value.split("//", 1)[1]:
            raise ValueError("expected an address like http://127.0.0.1:8000")
        return value.rstrip("/")

    @field_validator("llm_config")
    @classmethod
    def _existing_file(cls, value: Path | None) -> Path | None:
        if value is not None and not Path(value).is_file():
            raise ValueError(f"expected the path of an existing LiteLLM YAML file, got {value}")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml_path = os.environ.get("RAGCORE_SETTINGS_FILE")
        if toml_path:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(toml_path)))
        return tuple(sources)

    # Derived locations inside the home folder.
    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def db_path(self) -> Path:
        return self.home / "ragcore.sqlite3"

    @property
    def overrides_dir(self) -> Path:
        return self.home / "prompts"


def _explain(error: ValidationError) -> str:
    first = error.errors()[0]
    loc = [str(part) for part in first["loc"]]
    name = "RAGCORE_" + "__".join(loc).upper()
    value = first.get("input")
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{name}={value!r} is not valid: {message}."


def _validated(overrides: dict[str, Any]) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(_explain(error)) from None


# A studio page reads the settings a dozen times or more per run (every store and project
# call), and pydantic-settings builds them from the environment each time: 0.6-1.6 ms a read,
# a quarter of an Evidence rerun. What they are built from is the keyword overrides, the
# RAGCORE_* variables and the settings file (stamped by size and modification time), so each
# combination is validated once. An error is not kept: the next read tries again. The one
# validator that looks outside those, the model file's existence, is checked at every read.
def _inputs(overrides: dict[str, Any], toml_path: str | None) -> tuple[Any, ...]:
    environment = tuple(
        sorted(item for item in os.environ.items() if item[0].upper().startswith("RAGCORE_"))
    )
    return (tuple(sorted(overrides.items())), environment, _stamp(toml_path))


def _stamp(path: str | None) -> tuple[str, int, int] | None:
    if not path:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return (path, -1, -1)
    return (path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _validated_once(inputs: tuple[Any, ...]) -> Settings:
    return _validated(dict(inputs[0]))


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment (and settings file); raise SettingsError in plain words."""
    toml_path = os.environ.get("RAGCORE_SETTINGS_FILE")
    if toml_path and not Path(toml_path).is_file():
        raise SettingsError(f"RAGCORE_SETTINGS_FILE={toml_path!r} is not valid: no such file.")
    try:
        inputs = _inputs(overrides, toml_path)
        hash(inputs)
    except TypeError:  # an override that cannot be a cache key: read afresh
        settings = _validated(overrides)
    else:
        settings = _validated_once(inputs).model_copy(deep=True)  # callers may change theirs
        if settings.llm_config is not None and not settings.llm_config.is_file():
            settings = _validated(overrides)  # gone since: reported as at a first read
    settings.home = settings.home.expanduser().resolve()
    if settings.llm_config is None and (settings.home / LLM_CONFIG_NAME).is_file():
        # The user's models live in their home folder by default, out of the repository.
        settings.llm_config = settings.home / LLM_CONFIG_NAME
    return settings
