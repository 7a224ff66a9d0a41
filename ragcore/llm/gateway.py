"""The one door to language models: a small adapter over `litellm.Router`.

    gateway = Gateway.from_settings(load_settings())
    answer = gateway.complete([{"role": "user", "content": prompt}])
    answer = gateway.stream(messages, on_delta=print_piece, cancel=stop_event)
    answer.text, answer.record.model_used, answer.record.partial

Retries, backoff, timeouts and fallbacks are the Router's, configured by `router_settings`.
This module adds what the product needs on top: a call record, cancellation, partial text kept
when a stream breaks, and failures as one plain sentence (`LLMCallError`). A model group that is
one plain OpenAI-compatible server with nothing to route goes through the `openai` SDK instead of
the Router (`ragcore.llm.direct`: same retries, timeouts and messages, a fraction of the cost).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ragcore.errors import InputError
from ragcore.llm._litellm import Router, cost_per_token, litellm
from ragcore.llm.config import LLMConfig, load_llm_config, offline_config
from ragcore.llm.direct import DirectDeployment, direct_eligible
from ragcore.llm.failures import (
    LLMCallError,
    StreamEndedEarly,
    describe,
    failed_api_base,
    scrub,
    tries_count,
)
from ragcore.llm.offline import register_offline_provider
from ragcore.llm.records import CallRecord, Completion
from ragcore.settings import OFFLINE_MODEL, Settings
from ragcore.text import count_words

Messages = str | Sequence[Mapping[str, Any]]
OnDelta = Callable[[str], None]


@dataclass
class _Call:
    """What accumulates during one call."""

    record: CallRecord
    started: float = field(default_factory=time.perf_counter)
    parts: list[str] = field(default_factory=list)
    usage: Any = None
    retries: int = 0  # set by the direct path; the Router reports its own in hidden params
    litellm_model: str | None = None  # for the price lookup, when the Router does not say
    finish_source: Any = None  # the LiteLLM stream wrapper that saw the provider's finish reason

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def absorb(self, chunk: Any) -> str:
        """Take one stream chunk (an object, or a plain dict on the direct path); return its text."""
        usage = _field(chunk, "usage")
        if usage:
            self.usage = usage
        choices = _field(chunk, "choices")
        if not choices:
            return ""
        choice = choices[0]
        finish = _field(choice, "finish_reason")
        if finish:
            self.record.finish_reason = finish
        piece = _field(_field(choice, "delta"), "content") or ""
        if piece:
            if not self.parts:
                self.record.ttft_s = time.perf_counter() - self.started
            self.parts.append(piece)
        return piece


class Gateway:
    def __init__(
        self,
        config: LLMConfig | None = None,
        *,
        default_model: str = OFFLINE_MODEL,
        direct: bool = True,
    ) -> None:
        """`direct=False` sends every call through the LiteLLM Router (for comparison)."""
        register_offline_provider()
        self.config = config or offline_config()
        if default_model not in self.config.model_names:
            raise InputError(self._unknown(default_model))
        self.default_model = default_model
        self._router = Router(
            model_list=self.config.router_model_list(), **self.config.router_settings
        )
        self._direct = {
            name: DirectDeployment(self.config.deployments(name)[0], self.config.router_settings)
            for name in self.config.model_names
            if direct and direct_eligible(self.config, name)
        }

    @classmethod
    def from_settings(cls, settings: Settings) -> Gateway:
        """Build from `RAGCORE_LLM_CONFIG` and `RAGCORE_MODEL` (offline when neither is set)."""
        return cls(load_llm_config(settings.llm_config), default_model=settings.model)

    @property
    def models(self) -> list[str]:
        return self.config.model_names

    def is_offline(self, model: str | None = None) -> bool:
        """Is `model` (default: the default model) the offline extractive composer?"""
        return self.config.is_offline(model or self.default_model)

    def uses_router(self, model: str | None = None) -> bool:
        """False when calls of `model` take the direct `openai` SDK path."""
        return (model or self.default_model) not in self._direct

    def close(self) -> None:
        """Unhook the Router from LiteLLM's global callback lists and close direct clients.

        Each Router adds callbacks to module-level lists that every later call runs; a process
        that builds many gateways (tests, changed configs) should close the old ones."""
        self._router.discard()  # type: ignore[no-untyped-call]
        for deployment in self._direct.values():
            deployment.close()

    # ---- sync ------------------------------------------------------------------------------
    def complete(
        self,
        messages: Messages,
        model: str | None = None,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        timeout: float | None = None,
    ) -> Completion:
        call, kwargs = self._begin(messages, model, max_tokens, temperature, timeout)
        try:
            response = self._send(call, kwargs)
        except Exception as error:
            raise self._failed(call, error) from None
        return self._from_response(call, response)

    def stream(
        self,
        messages: Messages,
        model: str | None = None,
        *,
        on_delta: OnDelta | None = None,
        cancel: threading.Event | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        timeout: float | None = None,
    ) -> Completion:
        """Stream one answer. Cancellation is checked between chunks; `timeout` bounds waits."""
        call, kwargs = self._begin(messages, model, max_tokens, temperature, timeout, stream=True)
        try:
            response: Any = self._send(call, kwargs)
            call.finish_source = _finish_source(response)
            chunks = iter(response)
        except Exception as error:
            raise self._failed(call, error) from None
        while not (cancel is not None and cancel.is_set()):
            try:
                chunk = next(chunks)
            except StopIteration:
                return self._finished_stream(call, response)
            except Exception as error:
                return self._broken_stream(call, error)
            piece = call.absorb(chunk)
            if piece and on_delta is not None:
                on_delta(piece)
        with contextlib.suppress(Exception):
            response.close()  # frees the connection; nothing more is read
        return self._cancelled(call, response)

    # ---- async -----------------------------------------------------------------------------
    async def acomplete(
        self,
        messages: Messages,
        model: str | None = None,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        timeout: float | None = None,
    ) -> Completion:
        call, kwargs = self._begin(messages, model, max_tokens, temperature, timeout)
        try:
            response = await self._asend(call, kwargs)
        except Exception as error:
            raise self._failed(call, error) from None
        return self._from_response(call, response)

    async def astream(
        self,
        messages: Messages,
        model: str | None = None,
        *,
        on_delta: OnDelta | None = None,
        cancel: asyncio.Event | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        timeout: float | None = None,
    ) -> Completion:
        """Async stream; setting `cancel` stops it at once, even while waiting for the server."""
        call, kwargs = self._begin(messages, model, max_tokens, temperature, timeout, stream=True)
        response: Any = None
        try:
            response = await _unless_cancelled(self._asend(call, kwargs), cancel)
            call.finish_source = _finish_source(response)
            chunks = response.__aiter__()
            while True:
                chunk = await _unless_cancelled(chunks.__anext__(), cancel)
                piece = call.absorb(chunk)
                if piece and on_delta is not None:
                    on_delta(piece)
        except StopAsyncIteration:
            return self._finished_stream(call, response)
        except _Cancelled:
            if response is not None:
                with contextlib.suppress(Exception):
                    await _aclose(response)
            return self._cancelled(call, response)
        except Exception as error:
            if response is None:
                raise self._failed(call, error) from None
            return self._broken_stream(call, error)

    # ---- shared steps ----------------------------------------------------------------------
    def _send(self, call: _Call, kwargs: dict[str, Any]) -> Any:
        direct = self._direct.get(kwargs["model"])
        if direct is None:
            return self._router.completion(**kwargs)
        call.litellm_model = direct.entry.model
        response, call.retries = direct.send(kwargs)
        return response

    async def _asend(self, call: _Call, kwargs: dict[str, Any]) -> Any:
        direct = self._direct.get(kwargs["model"])
        if direct is None:
            return await self._router.acompletion(**kwargs)
        call.litellm_model = direct.entry.model
        response, call.retries = await direct.asend(kwargs)
        return response

    def _begin(
        self,
        messages: Messages,
        model: str | None,
        max_tokens: int | None,
        temperature: float | None,
        timeout: float | None,
        stream: bool = False,
    ) -> tuple[_Call, dict[str, Any]]:
        name = model or self.default_model
        if name not in self.config.model_names:
            raise InputError(self._unknown(name))
        chat = (
            [{"role": "user", "content": messages}]
            if isinstance(messages, str)
            else [dict(m) for m in messages]
        )
        kwargs: dict[str, Any] = {"model": name, "messages": chat}
        optional = {"max_tokens": max_tokens, "temperature": temperature, "timeout": timeout}
        kwargs.update({key: value for key, value in optional.items() if value is not None})
        if stream:
            kwargs |= {"stream": True, "stream_options": {"include_usage": True}}
        record = CallRecord(model_requested=name)
        record.tokens_in = count_words(" ".join(str(m.get("content", "")) for m in chat))
        return _Call(record), kwargs

    def _from_response(self, call: _Call, response: Any) -> Completion:
        choice = _field(response, "choices")[0]
        call.parts.append(_field(_field(choice, "message"), "content") or "")
        call.record.finish_reason = _field(choice, "finish_reason")
        call.usage = _field(response, "usage")
        return self._done(call, response)

    def _finished_stream(self, call: _Call, response: Any) -> Completion:
        if not call.parts and call.record.finish_reason is None:
            raise self._failed(call, RuntimeError("empty stream"))
        if not _provider_finished(call):
            return self._broken_stream(call, StreamEndedEarly())
        return self._done(call, response)

    def _broken_stream(self, call: _Call, error: BaseException) -> Completion:
        """A stream that fails after some text keeps the text; with none it is a failure."""
        if not call.parts:
            raise self._failed(call, error)
        record = call.record
        record.error = self._message(call, error, received=len(call.text))
        record.partial, record.finish_reason = True, "cut"
        return self._done(call, None)

    def _cancelled(self, call: _Call, response: Any) -> Completion:
        call.record.partial, call.record.finish_reason = True, "cancelled"
        call.record.error = "cancelled before the answer was complete"
        return self._done(call, response)

    def _done(self, call: _Call, response: Any) -> Completion:
        record = call.record
        record.latency_s = time.perf_counter() - call.started
        hidden = getattr(response, "_hidden_params", None) or {}
        headers = hidden.get("additional_headers") or {}
        record.model_used = (
            headers.get("x-litellm-model-group") or record.model_used or record.model_requested
        )
        record.retries = int(headers.get("x-litellm-attempted-retries") or call.retries)
        record.fallbacks = int(headers.get("x-litellm-attempted-fallbacks") or 0)
        record.extractive = self.config.is_offline(str(record.model_used))
        if call.usage is not None:
            record.tokens_in = int(_field(call.usage, "prompt_tokens") or record.tokens_in)
            record.tokens_out = int(_field(call.usage, "completion_tokens") or 0)
        if not record.tokens_out:
            record.tokens_out = count_words(call.text)  # estimate when the server sent no usage
        record.cost_usd = (
            0.0
            if record.extractive
            else _cost(hidden.get("litellm_model_name") or call.litellm_model, record)
        )
        return Completion(call.text, record)

    def _failed(self, call: _Call, error: BaseException) -> LLMCallError:
        record = call.record
        record.error = self._message(call, error)
        record.finish_reason, record.partial = "error", bool(call.parts)
        record.latency_s = time.perf_counter() - call.started
        return LLMCallError(record.error, call.text, record)

    def _message(self, call: _Call, error: BaseException, received: int = 0) -> str:
        base = failed_api_base(error, self._deployment_base) or self._group_base(
            call.record.model_requested
        )
        model = call.record.model_requested
        where = f"the model server at {base}" if base else f"the model {model!r}"
        message = describe(error, where=where, tries=tries_count(error), received=received)
        return scrub(message, self.config.secret_values())

    def _deployment_base(self, deployment_id: str) -> str | None:
        deployment = self._router.get_deployment(model_id=deployment_id)
        base = deployment.litellm_params.api_base if deployment is not None else None
        return str(base).rstrip("/") if base else None

    def _group_base(self, name: str) -> str | None:
        return next((e.api_base for e in self.config.deployments(name) if e.api_base), None)

    def _unknown(self, name: str) -> str:
        where = self.config.source or "the LLM config (RAGCORE_LLM_CONFIG)"
        return (
            f"model {name!r} is not in {where}; known models: {', '.join(self.config.model_names)}"
        )


class _Cancelled(Exception):
    pass


def _finish_source(response: Any) -> Any:
    """The LiteLLM stream wrapper that reads the provider's chunks, if `response` is one.

    LiteLLM hands out a made-up `stop` when the provider sent no finish reason (a cut stream
    would pass for a finished one); only the wrapper's `received_finish_reason` tells. The
    Router wraps that wrapper in a fallback generator, whose frame holds it before it starts."""
    if not hasattr(response, "received_finish_reason"):
        return None  # the direct path: plain chunks, `absorb` sees the real finish reason
    for name in ("_sync_generator", "_async_generator"):
        generator = getattr(response, name, None)
        frame = getattr(generator, "gi_frame", None) or getattr(generator, "ag_frame", None)
        inner = frame.f_locals.get("model_response") if frame is not None else None
        if hasattr(inner, "received_finish_reason"):
            return inner
    return response


def _provider_finished(call: _Call) -> bool:
    """Did the server itself say the answer is finished (not merely stop sending)?"""
    source = call.finish_source
    if source is not None:
        return bool(source.received_finish_reason or source.intermittent_finish_reason)
    return call.record.finish_reason is not None


def _field(item: Any, name: str) -> Any:
    """A field of a LiteLLM response object, or of the plain JSON the direct path returns."""
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


async def _aclose(response: Any) -> None:
    """Close a stream: LiteLLM's wrapper has `aclose()`, the openai SDK's an async `close()`."""
    closing = getattr(response, "aclose", None) or response.close
    result = closing()
    if inspect.isawaitable(result):
        await result


async def _unless_cancelled(awaitable: Any, cancel: asyncio.Event | None) -> Any:
    """Await `awaitable`, or raise `_Cancelled` as soon as `cancel` is set."""
    if cancel is None:
        return await awaitable
    if cancel.is_set():
        if asyncio.iscoroutine(awaitable):
            awaitable.close()
        raise _Cancelled
    work = asyncio.ensure_future(awaitable)
    waiter = asyncio.ensure_future(cancel.wait())
    done, _ = await asyncio.wait({work, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if work in done:
        waiter.cancel()
        return work.result()
    work.cancel()
    with contextlib.suppress(BaseException):
        await work
    raise _Cancelled


def _cost(litellm_model: Any, record: CallRecord) -> float | None:
    """Price from LiteLLM's bundled table; None when the model is not in it."""
    if not isinstance(litellm_model, str):
        return None
    prices = litellm.model_cost.get(litellm_model) or litellm.model_cost.get(
        litellm_model.split("/", 1)[-1]
    )
    if not prices or prices.get("input_cost_per_token") is None:
        return None  # the Router registers unknown models with no prices; LiteLLM would say 0.0
    try:
        prompt_cost, completion_cost = cost_per_token(
            model=litellm_model, prompt_tokens=record.tokens_in, completion_tokens=record.tokens_out
        )
    except Exception:  # unknown model: LiteLLM raises rather than guess
        return None
    return float(prompt_cost + completion_cost)
