"""Turn any model-call failure into one plain sentence, free of keys and tracebacks."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from http import HTTPStatus

from ragcore.errors import LLMError
from ragcore.llm.records import CallRecord
from ragcore.redaction import redact_urls

_DEBUG_BASE = re.compile(r"API Base: `([^`]*)`")


class LLMCallError(LLMError):
    """LLMError that also carries the call record (model, retries, latency...)."""

    def __init__(self, message: str, partial_text: str, record: CallRecord) -> None:
        super().__init__(message, partial_text)
        self.record = record


class StreamEndedEarly(Exception):
    """A stream whose body ended without a finish reason: the answer was cut, not finished."""

    def __str__(self) -> str:
        return "the stream ended without a finish reason"


def scrub(text: str, secrets: Sequence[str]) -> str:
    """Replace every secret value in `text` (keys must never reach a message or record), and
    any password or key written inside a URL."""
    for secret in secrets:
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    return redact_urls(text)


def tries_count(error: BaseException) -> int:
    retries = getattr(error, "num_retries", None)
    return retries + 1 if isinstance(retries, int) and retries > 0 else 1


def failed_api_base(error: BaseException, lookup: Callable[[str], str | None]) -> str | None:
    """The address of the server that failed, from what LiteLLM attached to the error."""
    deployment_id = getattr(error, "failed_deployment_id", None)
    if isinstance(deployment_id, str) and (base := lookup(deployment_id)):
        return base
    match = _DEBUG_BASE.search(str(getattr(error, "litellm_debug_info", "") or ""))
    return match.group(1).rstrip("/") if match and match.group(1) not in ("", "None") else None


def describe(error: BaseException, *, where: str, tries: int, received: int = 0) -> str:
    """One sentence for the user. `where` names the server ("the model server at http://...").

    LiteLLM's exceptions subclass the `openai` SDK's, so these checks cover both call paths.
    Imported here: a failure only happens after the gateway has loaded them, and importing this
    module must stay cheap."""
    import openai

    after = f" after {tries} {'try' if tries == 1 else 'tries'}"
    status = getattr(error, "status_code", None)
    text = str(error)
    if received:
        return (
            f"the answer from {where} broke off after {received} characters ({_cause(error, text)})"
        )
    if isinstance(error, openai.APITimeoutError):
        return f"{where} did not answer in time{after}"
    if ("api_key" in text and "must be set" in text) or "Missing credentials" in text:
        return f"no API key for {where}: set the environment variable its `api_key: os.environ/...` names"
    if isinstance(error, openai.AuthenticationError):
        return (
            f"{where} refused the API key (401 unauthorized); check the key's environment variable"
        )
    if isinstance(error, openai.NotFoundError):
        return f"{where} answered 404 not found; check the model name in the LLM config"
    if "Expecting" in text and ("value" in text or "delimiter" in text):
        return f"{where} answered with malformed JSON{after}"
    if "incomplete chunked read" in text or "peer closed" in text:
        return f"{where} closed the connection before answering{after}"
    if isinstance(error, openai.APIConnectionError) or "Connection error" in text:
        return f"could not reach {where}{after} ({_cause(error, text)})"
    if isinstance(status, int) and 400 <= status < 600:
        return f"{where} answered {status} {_phrase(status)}{after}"
    return f"{where} failed{after} ({type(error).__name__})"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "error"


def _cause(error: BaseException, text: str) -> str:
    import openai

    if isinstance(error, StreamEndedEarly):
        return str(error)
    if "incomplete chunked read" in text or "peer closed" in text:
        return "the connection closed mid-stream"
    if isinstance(error, openai.APITimeoutError):
        return "no data in time"
    if "Connection refused" in text or "Connection error" in text:
        return "connection refused"
    return type(error).__name__
