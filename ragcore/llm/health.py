"""Check configured models without spending tokens: key present, server reachable."""

from __future__ import annotations

import os
from dataclasses import dataclass

import httpx

from ragcore.llm.config import LLMConfig, ModelEntry

# Where hosted providers list their models (an OpenAI-style GET /models costs no tokens).
KNOWN_BASES = {
    "openai": "https://api.openai.com/v1",
    "deepseek": "https://api.deepseek.com/v1",
    "dashscope": "https://dashscope.aliyuncs.com/compatible-mode/v1",
}
KEYLESS_PROVIDERS = {"ollama", "ollama_chat", "hosted_vllm", "offline"}


@dataclass(frozen=True)
class ModelCheck:
    name: str
    model: str
    api_base: str | None
    key: str  # "not needed", "NAME set", "NAME missing"
    reachable: str  # "built in", "yes (200)", "no: ...", "not checked"

    @property
    def ok(self) -> bool:
        return "missing" not in self.key and not self.reachable.startswith("no")


def check_models(
    config: LLMConfig, *, network: bool = True, timeout: float = 3.0
) -> list[ModelCheck]:
    return [_check(entry, network, timeout) for entry in config.entries]


def _check(entry: ModelEntry, network: bool, timeout: float) -> ModelCheck:
    key_env = entry.key_env
    key_value = os.environ.get(key_env) if key_env else None
    if key_env:
        key = f"{key_env} {'set' if key_value else 'missing'}"
    else:
        key = (
            "not needed"
            if entry.provider in KEYLESS_PROVIDERS or entry.api_base
            else "none configured"
        )
    base = entry.api_base or KNOWN_BASES.get(entry.provider)
    if entry.is_offline:
        return ModelCheck(entry.name, entry.model, None, "not needed", "built in")
    if not network or base is None:
        return ModelCheck(entry.name, entry.model, base, key, "not checked")
    return ModelCheck(entry.name, entry.model, base, key, _probe(entry, base, key_value, timeout))


def _probe(entry: ModelEntry, base: str, key: str | None, timeout: float) -> str:
    url = f"{base}/api/tags" if entry.provider.startswith("ollama") else f"{base}/models"
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        response = httpx.get(url, headers=headers, timeout=timeout)
    except httpx.HTTPError as error:
        return f"no: {type(error).__name__}"
    if response.status_code in (401, 403):
        return f"yes, but the key was refused ({response.status_code})"
    if response.status_code >= 500:
        return f"no: answered {response.status_code}"
    return f"yes ({response.status_code})"
