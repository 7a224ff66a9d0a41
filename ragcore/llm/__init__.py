"""Language-model access for ragcore: one gateway over LiteLLM plus the offline composer.

Importing this package is cheap: `Gateway` (which loads LiteLLM, several seconds) is imported on
first use of the name (PEP 562), so configuration-only callers never pay for LiteLLM.
"""

from typing import TYPE_CHECKING, Any

from ragcore.llm.composer import (
    ComposedSentence,
    ComposedText,
    EvidenceBlock,
    compose_extractive,
    parse_evidence,
    requested_length,
)
from ragcore.llm.config import LLMConfig, ModelEntry, load_llm_config, offline_config
from ragcore.llm.failures import LLMCallError
from ragcore.llm.records import CallRecord, Completion

if TYPE_CHECKING:
    from ragcore.llm.gateway import Gateway

__all__ = [
    "CallRecord",
    "Completion",
    "ComposedSentence",
    "ComposedText",
    "EvidenceBlock",
    "Gateway",
    "LLMCallError",
    "LLMConfig",
    "ModelEntry",
    "compose_extractive",
    "load_llm_config",
    "offline_config",
    "parse_evidence",
    "requested_length",
]


def __getattr__(name: str) -> Any:
    if name == "Gateway":
        from ragcore.llm.gateway import Gateway

        return Gateway
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
