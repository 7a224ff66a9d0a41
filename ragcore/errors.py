"""User-facing errors. Every message is plain words that the CLI and the app show as is."""


class RagcoreError(Exception):
    """Base class: `str(error)` is a sentence for the user, never a traceback."""


class InputError(RagcoreError):
    """The user's input (file, topic, option) cannot be used."""


class StoreError(RagcoreError):
    """The card store cannot do what was asked (e.g. embedder mismatch, server unreachable)."""


class LLMError(RagcoreError):
    """A model call failed; `partial_text` keeps whatever arrived before the failure."""

    def __init__(self, message: str, partial_text: str = "") -> None:
        super().__init__(message)
        self.partial_text = partial_text
