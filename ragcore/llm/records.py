"""What one model call returns: the text and a record of how it went."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class CallRecord:
    """Per-call facts for logs, the UI and benchmarks. Never holds a key or the prompt."""

    model_requested: str
    model_used: str | None = None  # the model group that answered, after fallbacks
    tokens_in: int = 0
    tokens_out: int = 0
    latency_s: float = 0.0
    ttft_s: float | None = None  # time to first text (streams only)
    finish_reason: str | None = None  # "stop", "length", "cut", "cancelled", "error"
    cost_usd: float | None = None  # None when LiteLLM does not know the model's price
    extractive: bool = False  # True when the offline provider composed the text
    error: str | None = None  # one plain sentence when something went wrong
    partial: bool = False  # True when the text stops early (cut stream, cancel)
    retries: int = 0
    fallbacks: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Completion:
    text: str
    record: CallRecord
