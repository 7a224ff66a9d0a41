"""Language-model access for ragcore: one gateway over LiteLLM plus the offline composer.

Importing this package is cheap: each name is imported on first use (PEP 562), so
configuration-only callers never pay for LiteLLM (`Gateway`, several seconds) or the composer.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from ragcore.llm.gateway import Gateway
    from ragcore.llm.records import CallRecord, Completion

# Every name is imported on first use: reading the model configuration (the studio's first
# page) then loads neither LiteLLM nor the composer and the document formats it needs.
_MODULE_OF = {
    "CallRecord": "records",
    "Completion": "records",
    "ComposedSentence": "composer",
    "ComposedText": "composer",
    "EvidenceBlock": "composer",
    "Gateway": "gateway",
    "LLMCallError": "failures",
    "LLMConfig": "config",
    "ModelEntry": "config",
    "compose_extractive": "composer",
    "load_llm_config": "config",
    "offline_config": "config",
    "parse_evidence": "composer",
    "requested_length": "composer",
}

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
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
