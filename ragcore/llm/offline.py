"""The offline provider: `offline/extractive`, a LiteLLM custom provider that needs no model.

It answers with `compose_extractive` over the prompt, so it works through the same Router as
hosted models (as the default or as the last fallback). Its responses say they are extractive:
the model name is `offline/extractive` and `provider_specific_fields["extractive"]` is True.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from ragcore.llm._litellm import CustomLLM, Usage, litellm
from ragcore.llm.composer import ComposedText, compose_extractive
from ragcore.settings import OFFLINE_MODEL
from ragcore.text import count_words

PROVIDER = "offline"


def _prompt_text(messages: list[Any]) -> str:
    parts = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):  # OpenAI content parts
            parts.extend(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "\n\n".join(parts)


def _compose(messages: list[Any], optional_params: dict[str, Any]) -> tuple[str, ComposedText]:
    prompt = _prompt_text(messages)
    max_tokens = optional_params.get("max_tokens") or optional_params.get("max_completion_tokens")
    return prompt, compose_extractive(prompt, max_words=int(max_tokens) if max_tokens else None)


def _usage(prompt: str, text: str) -> dict[str, int]:
    # Word counts stand in for tokens: there is no tokenizer behind this provider.
    tokens_in, tokens_out = count_words(prompt), count_words(text)
    return {
        "prompt_tokens": tokens_in,
        "completion_tokens": tokens_out,
        "total_tokens": tokens_in + tokens_out,
    }


def _pieces(composed: ComposedText) -> list[str]:
    """Stream sentence by sentence, keeping the paragraph breaks of the full text."""
    pieces, rest = [], composed.text
    for paragraph_index, paragraph in enumerate(rest.split("\n\n")):
        prefix = "\n\n" if paragraph_index else ""
        sentences = _sentences_of(paragraph)
        pieces.extend([prefix + sentences[0], *sentences[1:]] if sentences else [prefix])
    return pieces


def _sentences_of(paragraph: str) -> list[str]:
    out, start = [], 0
    for index, char in enumerate(paragraph):
        if char in "。！？" or (char in ".!?" and paragraph[index + 1 : index + 2] in ("", " ")):
            end = index + 1 + (1 if paragraph[index + 1 : index + 2] == " " else 0)
            out.append(paragraph[start:end])
            start = end
    if start < len(paragraph):
        out.append(paragraph[start:])
    return out


class OfflineExtractiveLLM(CustomLLM):  # type: ignore[misc]
    """LiteLLM handler for `offline/*` models. LiteLLM passes everything as keywords."""

    def completion(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        prompt, composed = _compose(kwargs["messages"], kwargs.get("optional_params") or {})
        response = kwargs["model_response"]
        response.choices[0].message.content = composed.text
        response.choices[0].finish_reason = "stop"
        response.choices[0].message.provider_specific_fields = {"extractive": True}
        response.model = OFFLINE_MODEL
        response.usage = Usage(**_usage(prompt, composed.text))  # type: ignore[arg-type]
        return response

    async def acompletion(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return self.completion(*args, **kwargs)

    def streaming(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:  # type: ignore[override]
        prompt, composed = _compose(kwargs["messages"], kwargs.get("optional_params") or {})
        marker = {"extractive": True}
        for piece in _pieces(composed):
            yield {
                "text": piece,
                "is_finished": False,
                "finish_reason": "",
                "usage": None,
                "index": 0,
                "tool_use": None,
                "provider_specific_fields": marker,
            }
        yield {
            "text": "",
            "is_finished": True,
            "finish_reason": "stop",
            "index": 0,
            "tool_use": None,
            "usage": _usage(prompt, composed.text),
            "provider_specific_fields": marker,
        }

    async def astreaming(self, *args: Any, **kwargs: Any) -> AsyncIterator[dict[str, Any]]:  # type: ignore[override]
        for chunk in self.streaming(*args, **kwargs):
            yield chunk


def register_offline_provider() -> None:
    """Add the provider to `litellm.custom_provider_map` once."""
    if not any(item.get("provider") == PROVIDER for item in litellm.custom_provider_map):
        litellm.custom_provider_map.append(
            {"provider": PROVIDER, "custom_handler": OfflineExtractiveLLM()}
        )
