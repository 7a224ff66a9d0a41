"""The research topic: one check for every place that takes one (projects, retrieval, CLI)."""

from __future__ import annotations

import re

from ragcore.errors import InputError

MAX_TOPIC_CHARS = 2000
_WORD_OR_CJK = re.compile(r"[\w\u3400-\u9fff]")  # as the lexical index tokenises


def check_topic(topic: str) -> str:
    """The topic with its spacing normalised; InputError in plain words when it is empty
    (or only punctuation) or too long to be a topic."""
    text = " ".join(topic.split())
    if not text or not _WORD_OR_CJK.search(text):
        raise InputError("the topic is empty; write the research topic in a few words")
    if len(text) > MAX_TOPIC_CHARS:
        raise InputError(
            f"the topic has {len(text)} characters; at most {MAX_TOPIC_CHARS} are used. "
            "Shorten it to the research question or a title (put longer material into a "
            "manual note)."
        )
    return text
