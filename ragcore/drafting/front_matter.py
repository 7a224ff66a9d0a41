"""A paper's front matter: title, abstract and keywords.

Its own module so that the outline editor (the studio's first page) can use it without
importing the manuscript writer and its document and bibliography formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FrontMatter:
    title: str
    abstract: str = ""
    keywords: list[str] = field(default_factory=list)
