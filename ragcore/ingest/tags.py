"""Topic tags from the paper's own text: jieba keywords for Chinese, YAKE key phrases for English."""

from __future__ import annotations

import logging
import re

from ragcore.ingest.model import Section

_SOURCE_ROLES = ("abstract", "introduction")
_MAX_CHARS = 6000
# Document furniture that key-phrase extractors love but that names no topic.
_BAD_TAG = re.compile(
    r"^[\d\W_]+$|\b(?:et al|fig|figure|table|eq|ref|section|theorem|lemma|proposition|corollary|definition|appendix)\b",
    re.I,
)


_MARKUP = re.compile(r"\$[^$]*\$|\\[A-Za-z]+|\[[^\]]*\]")


def _stems(tag: str) -> set[str]:
    return {word[:5] for word in re.findall(r"\w+", tag.lower())}


def _near_duplicate(tag: str, kept: list[str]) -> bool:
    """ "predict ESG ratings" repeats "Predicting ESG ratings"; keep one of them."""
    stems = _stems(tag)
    for other in kept:
        other_stems = _stems(other)
        if tag.lower() in other.lower() or other.lower() in tag.lower():
            return True
        if stems and len(stems & other_stems) >= 2 * min(len(stems), len(other_stems)) / 3:
            return True
    return False


def _source(title: str, sections: list[Section]) -> str:
    body = " ".join(s.text for s in sections if s.role in _SOURCE_ROLES)
    if len(body) < 500:  # papers without abstract/introduction: use their opening text
        body += " " + " ".join(s.text for s in sections if s.role not in ("references", "appendix"))
    return _MARKUP.sub(" ", f"{title}. {title}. {body}")[:_MAX_CHARS]


def _chinese_tags(text: str, count: int) -> list[str]:
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    return [str(t) for t in jieba.analyse.extract_tags(text, topK=count * 2, allowPOS=())]


def _english_tags(text: str, count: int) -> list[str]:
    import yake

    extractor = yake.KeywordExtractor(lan="en", n=3, top=count * 2, dedupLim=0.7)
    return [phrase for phrase, _ in extractor.extract_keywords(text)]


def extract_tags(title: str, sections: list[Section], lang: str, count: int = 6) -> list[str]:
    text = _source(title, sections)
    raw = _chinese_tags(text, count) if lang == "zh" else _english_tags(text, count)
    tags: list[str] = []
    for tag in raw:
        tag = tag.strip()
        if len(tag) < 2 or _BAD_TAG.search(tag) or _near_duplicate(tag, tags):
            continue
        tags.append(tag)
        if len(tags) == count:
            break
    return tags
