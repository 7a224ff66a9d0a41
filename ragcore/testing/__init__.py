"""Test helpers that ship with the library (like httpx's MockTransport): real local peers."""

from ragcore.testing.openai_server import Behaviour, FakeOpenAIServer, RecordedRequest

__all__ = ["Behaviour", "FakeOpenAIServer", "RecordedRequest"]
