"""Language-model access for ragcore: one gateway over LiteLLM plus the offline composer."""

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
