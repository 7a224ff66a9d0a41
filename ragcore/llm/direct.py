"""A fast path for plain OpenAI-compatible servers: the `openai` SDK instead of LiteLLM's Router.

LiteLLM costs 12-40 ms of CPU per call even when it has nothing to route (pydantic objects per
chunk, cost and logging bookkeeping; see docs/benchmarks.md). For a model group that LiteLLM would
only pass through - exactly one deployment, `model: openai/<name>` with an `api_base`, no
fallbacks, no provider-specific parameters - the gateway sends the request with the `openai` SDK
(LiteLLM's own transport for these servers) and keeps LiteLLM for everything else.

What the Router gave and this path keeps: retries with backoff on 429/5xx/timeouts/connection
errors (`num_retries`, the SDK's retry loop), per-call timeouts, the retry count, and exceptions
of the same `openai` classes, so failures read the same.
"""

from __future__ import annotations

import asyncio
import logging
import os
import weakref
from collections.abc import Mapping
from typing import Any

import httpx
import openai

from ragcore.llm.config import LLMConfig, ModelEntry

# litellm_params this path understands; any other (headers, organization, custom retries...) is
# LiteLLM's job, so such a deployment keeps the Router.
DIRECT_PARAMS = frozenset({"model", "api_base", "api_key", "timeout", "stream_timeout"})
# Router settings that change what happens to any call, whatever its model group.
GLOBAL_ROUTING_SETTINGS = (
    "default_fallbacks",
    "retry_policy",
    "model_group_retry_policy",
    "model_group_alias",
    "cache_responses",
)
# Lists of {source group: [fallback groups]}: they matter for calls of a source group only.
FALLBACK_SETTINGS = ("fallbacks", "context_window_fallbacks", "content_policy_fallbacks")
RETRIED_STATUSES = frozenset({408, 409, 429})

# At DEBUG the SDK logs each request's options, prompt included; prompts never go to logs.
logging.getLogger("openai").setLevel(logging.INFO)


def direct_eligible(config: LLMConfig, name: str) -> bool:
    """True when LiteLLM would add nothing but overhead to calls of model group `name`."""
    entries = config.deployments(name)
    if len(entries) != 1:
        return False
    entry = entries[0]
    if not entry.model.startswith("openai/") or not entry.api_base:
        return False
    if set(entry.params) - DIRECT_PARAMS:
        return False
    settings = config.router_settings
    if any(settings.get(setting) for setting in GLOBAL_ROUTING_SETTINGS):
        return False
    return not any(
        name in rule or "*" in rule
        for setting in FALLBACK_SETTINGS
        for rule in settings.get(setting) or []
        if isinstance(rule, dict)
    )


class MissingKey(openai.OpenAIError):
    """The key's environment variable is unset (worded like LiteLLM's, so it reads the same)."""


class DirectDeployment:
    """One OpenAI-compatible deployment, called with the `openai` SDK (sync and async)."""

    def __init__(self, entry: ModelEntry, router_settings: Mapping[str, Any]) -> None:
        self.entry = entry
        self.model = entry.model.removeprefix("openai/")
        self.max_retries = int(router_settings.get("num_retries", 0) or 0)
        self.timeout = _seconds(entry.params.get("timeout") or router_settings.get("timeout"))
        self.stream_timeout = _seconds(
            entry.params.get("stream_timeout") or router_settings.get("stream_timeout")
        )
        self._sync: dict[str, openai.OpenAI] = {}
        # httpx async connections belong to the event loop that opened them: one client per loop.
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, openai.AsyncOpenAI] = (
            weakref.WeakKeyDictionary()
        )

    def send(self, kwargs: Mapping[str, Any]) -> tuple[Any, int]:
        """Send one request; return the answer (JSON dict, or a Stream of dicts), retries taken."""
        key = self._key()
        client = self._sync.get(key)
        if client is None:
            client = self._sync[key] = openai.OpenAI(**self._client_options(key))
        arguments = _post_arguments(self._request(kwargs), openai.Stream[object])
        try:
            answer = client.post("/chat/completions", **arguments)
        except openai.APIError as error:
            raise self._counted(error) from None
        return _unpack(answer)

    async def asend(self, kwargs: Mapping[str, Any]) -> tuple[Any, int]:
        key = self._key()
        loop = asyncio.get_running_loop()
        client = self._async.get(loop)
        if client is None or client.api_key != key:
            client = self._async[loop] = openai.AsyncOpenAI(**self._client_options(key))
        arguments = _post_arguments(self._request(kwargs), openai.AsyncStream[object])
        try:
            answer = await client.post("/chat/completions", **arguments)
        except openai.APIError as error:
            raise self._counted(error) from None
        return _unpack(answer)

    def close(self) -> None:
        for client in self._sync.values():
            client.close()
        self._sync.clear()

    def _key(self) -> str:
        """The key, read at call time as LiteLLM does (the environment may change)."""
        name = self.entry.key_env
        if name is None:
            return str(self.entry.params.get("api_key") or "none")
        value = os.environ.get(name)
        if not value:
            raise MissingKey(f"api_key must be set: the environment variable {name} is empty")
        return value

    def _client_options(self, key: str) -> dict[str, Any]:
        options: dict[str, Any] = {
            "base_url": self.entry.api_base,
            "api_key": key,
            "max_retries": self.max_retries,
        }
        if self.timeout is not None:
            options["timeout"] = self.timeout
        return options

    def _request(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        request = {**kwargs, "model": self.model}
        if "timeout" not in request and request.get("stream") and self.stream_timeout:
            request["timeout"] = self.stream_timeout
        return request

    def _counted(self, error: openai.APIError) -> openai.APIError:
        """Attach the retries made, as LiteLLM does (`num_retries`), for the failure message."""
        status = getattr(error, "status_code", None)
        retried = (
            isinstance(error, openai.APIConnectionError)
            or status in RETRIED_STATUSES
            or (isinstance(status, int) and status >= 500)
        )
        error.num_retries = self.max_retries if retried else 0  # type: ignore[attr-defined]
        return error


def _post_arguments(request: dict[str, Any], stream_cls: type) -> dict[str, Any]:
    """Arguments of the SDK's generic `post`: the answer stays JSON (plain dicts).

    `chat.completions.create` transforms the request and builds pydantic objects for the answer
    and for every streamed chunk: ~1.5 ms per call and ~7 ms per short stream, most of the
    direct path's cost. The generic request (the SDK's documented way to call any endpoint)
    keeps its retries, backoff, timeouts, error classes and SSE decoding."""
    body = dict(request)
    timeout = body.pop("timeout", None)
    options = {"timeout": timeout} if timeout is not None else {}
    if body.get("stream"):
        return {
            "body": body,
            "options": options,
            "cast_to": object,
            "stream": True,
            "stream_cls": stream_cls,
        }
    return {"body": body, "options": options, "cast_to": httpx.Response}


def _unpack(answer: Any) -> tuple[Any, int]:
    if isinstance(answer, httpx.Response):
        return answer.json(), _retries_taken(answer)
    return answer, _retries_taken(answer.response)  # a Stream / AsyncStream


def _retries_taken(response: httpx.Response) -> int:
    """The SDK numbers each attempt in a request header; the answered one tells the retries."""
    return int(response.request.headers.get("x-stainless-retry-count") or 0)


def _seconds(value: Any) -> float | None:
    return float(value) if value is not None else None
