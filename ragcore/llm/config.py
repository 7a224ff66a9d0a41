"""The model configuration, in LiteLLM proxy format (`model_list` + `router_settings`).

Keys are never in the file: `api_key: os.environ/NAME` names an environment variable, which
LiteLLM reads at call time. The offline model is always in the list.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ragcore.errors import InputError
from ragcore.redaction import url_secrets
from ragcore.settings import OFFLINE_MODEL

ENV_PREFIX = "os.environ/"
# Literal values local servers accept in place of a key; anything else must come from the env.
PLACEHOLDER_KEYS = {"", "none", "empty", "no-key", "not-needed", "ollama"}
OFFLINE_ENTRY: dict[str, Any] = {
    "model_name": OFFLINE_MODEL,
    "litellm_params": {"model": OFFLINE_MODEL},
}
# Defaults chosen for interactive use: fail over fast instead of the long default backoff.
DEFAULT_ROUTER_SETTINGS: dict[str, Any] = {"num_retries": 2, "timeout": 60, "allowed_fails": 3}

# The keyword parameters of `litellm.Router` (1.106.2), so checking a config file does not import
# LiteLLM (seconds). tests/llm/test_lazy_import.py compares it with the installed Router.
ROUTER_PARAMETERS = frozenset(
    [
        "alerting_config",
        "allowed_fails",
        "allowed_fails_policy",
        "assistants_config",
        "auto_router_capability_limit",
        "background_health_check_model_groups",
        "cache_kwargs",
        "cache_responses",
        "caching_groups",
        "client_ttl",
        "content_policy_fallbacks",
        "context_window_fallbacks",
        "cooldown_time",
        "debug_level",
        "default_fallbacks",
        "default_litellm_params",
        "default_max_parallel_requests",
        "default_priority",
        "deployment_affinity_ttl_seconds",
        "disable_cooldowns",
        "enable_health_check_routing",
        "enable_pre_call_checks",
        "enable_tag_filtering",
        "enable_weighted_failover",
        "fallback_access_check",
        "fallback_budget_check",
        "fallbacks",
        "guardrail_list",
        "health_check_ignore_transient_errors",
        "health_check_staleness_threshold",
        "ignore_invalid_deployments",
        "max_fallbacks",
        "model_group_affinity_config",
        "model_group_alias",
        "model_group_retry_policy",
        "num_retries",
        "optional_pre_call_checks",
        "plugins",
        "polling_interval",
        "provider_budget_config",
        "redis_db",
        "redis_host",
        "redis_password",
        "redis_port",
        "redis_url",
        "retry_after",
        "retry_policy",
        "router_general_settings",
        "routing_groups",
        "routing_strategy",
        "routing_strategy_args",
        "search_tools",
        "set_verbose",
        "stream_timeout",
        "tag_filtering_match_any",
        "tag_routing_prefix",
        "timeout",
    ]
)


@dataclass(frozen=True)
class ModelEntry:
    """One deployment of `model_list`."""

    name: str
    params: dict[str, Any]

    @property
    def model(self) -> str:
        return str(self.params["model"])

    @property
    def provider(self) -> str:
        return self.model.split("/", 1)[0] if "/" in self.model else "openai"

    @property
    def api_base(self) -> str | None:
        base = self.params.get("api_base")
        return str(base).rstrip("/") if base else None

    @property
    def key_env(self) -> str | None:
        """The environment variable holding this deployment's key, if it uses one."""
        key = self.params.get("api_key")
        if isinstance(key, str) and key.startswith(ENV_PREFIX):
            return key.removeprefix(ENV_PREFIX)
        return None

    @property
    def is_offline(self) -> bool:
        return self.provider == "offline"


@dataclass(frozen=True)
class LLMConfig:
    entries: tuple[ModelEntry, ...]
    router_settings: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    @property
    def model_names(self) -> list[str]:
        return list(dict.fromkeys(entry.name for entry in self.entries))

    def deployments(self, name: str) -> list[ModelEntry]:
        return [entry for entry in self.entries if entry.name == name]

    def is_offline(self, model: str) -> bool:
        """True when `model` (a model name of the list, or the LiteLLM model a call used) is
        answered by the offline extractive provider only. The one answer to the question:
        the brief, the writer and the gateway's call records all ask here."""
        deployments = self.deployments(model)
        if deployments:
            return all(entry.is_offline for entry in deployments)
        return ModelEntry(model, {"model": model}).is_offline

    @property
    def num_retries(self) -> int:
        return int(self.router_settings.get("num_retries", 0))

    def fallbacks_for(self, name: str) -> list[str]:
        """The models `router_settings.fallbacks` (or `default_fallbacks`) names for `name`."""
        targets: list[str] = []
        for rule in self.router_settings.get("fallbacks") or []:
            for source, named in rule.items() if isinstance(rule, dict) else []:
                if source in (name, "*"):
                    targets += named if isinstance(named, list) else [named]
        targets += list(self.router_settings.get("default_fallbacks") or [])
        return [t for t in dict.fromkeys(targets) if t != name and t in self.model_names]

    def secret_values(self) -> list[str]:
        """Current values of the key variables, so any text can be scrubbed of them."""
        names = {entry.key_env for entry in self.entries if entry.key_env}
        keys = [os.environ[name] for name in sorted(names) if os.environ.get(name)]
        in_urls = [s for entry in self.entries for s in url_secrets(entry.api_base)]
        return keys + in_urls

    def router_model_list(self) -> list[dict[str, Any]]:
        return [{"model_name": e.name, "litellm_params": dict(e.params)} for e in self.entries]


def offline_config() -> LLMConfig:
    """The configuration used when no file is set: only the offline model."""
    return _build([OFFLINE_ENTRY], {}, None)


def load_llm_config(path: Path | None) -> LLMConfig:
    """Read and check a LiteLLM YAML file; `None` means the offline model only."""
    if path is None:
        return offline_config()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"cannot read the LLM config {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise InputError(
            f"{path}{where}: not valid YAML ({getattr(error, 'problem', error)})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("model_list", []), list):
        raise InputError(f"{path}: expected a mapping with a `model_list:` list (LiteLLM format)")
    entries = data.get("model_list") or []
    router_settings = data.get("router_settings") or {}
    if not isinstance(router_settings, dict):
        raise InputError(f"{path}: `router_settings:` must be a mapping")
    return _build(entries, router_settings, Path(path))


def _build(
    raw_entries: list[Any], router_settings: dict[str, Any], source: Path | None
) -> LLMConfig:
    where = str(source) if source else "LLM config"
    entries = [_entry(raw, index, where) for index, raw in enumerate(raw_entries, start=1)]
    if not any(entry.name == OFFLINE_MODEL for entry in entries):
        entries.append(_entry(OFFLINE_ENTRY, len(entries) + 1, where))
    settings = {**DEFAULT_ROUTER_SETTINGS, **router_settings}
    _check_router_settings(settings, where)
    config = LLMConfig(tuple(entries), settings, source)
    _check_fallbacks(config, where)
    return config


def _entry(raw: Any, index: int, where: str) -> ModelEntry:
    if not isinstance(raw, dict) or not isinstance(raw.get("model_name"), str):
        raise InputError(f"{where}: model_list entry {index} needs a `model_name:` string")
    name = raw["model_name"]
    params = raw.get("litellm_params")
    if not isinstance(params, dict) or not isinstance(params.get("model"), str):
        raise InputError(f"{where}: model {name!r} needs `litellm_params:` with a `model:` string")
    key = params.get("api_key")
    if key is not None and not (
        isinstance(key, str) and (key.startswith(ENV_PREFIX) or key.lower() in PLACEHOLDER_KEYS)
    ):
        # The value itself is never repeated: it may be a real key.
        raise InputError(
            f"{where}: model {name!r} has a key written in the file; keys must come from the "
            f"environment: write `api_key: os.environ/NAME` and set NAME"
        )
    return ModelEntry(name, dict(params))


def _check_router_settings(settings: dict[str, Any], where: str) -> None:
    unknown = sorted(set(settings) - ROUTER_PARAMETERS)
    if unknown:
        raise InputError(f"{where}: unknown router_settings {', '.join(unknown)}")
    for name in ("num_retries", "allowed_fails"):
        value = settings.get(name)
        if value is not None and (not isinstance(value, int) or value < 0):
            raise InputError(f"{where}: router_settings.{name} must be a whole number >= 0")


def _check_fallbacks(config: LLMConfig, where: str) -> None:
    known = set(config.model_names)
    for rule in config.router_settings.get("fallbacks") or []:
        if not isinstance(rule, dict):
            raise InputError(f"{where}: each router_settings.fallbacks item maps a model to a list")
        for source, targets in rule.items():
            names = [source, *(targets if isinstance(targets, list) else [targets])]
            missing = [n for n in names if n != "*" and n not in known]
            if missing:
                raise InputError(
                    f"{where}: fallbacks name {', '.join(map(repr, missing))}, "
                    f"which is not a model_name in model_list"
                )
