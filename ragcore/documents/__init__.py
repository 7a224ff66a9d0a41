"""Text formats we read and write: the typed card listing (`listing`), the per-section
structured context (`context`) and the finished paper Markdown (`paper`). Each has dataclass
models, a tolerant `parse_*` that collects `ParseIssue`s instead of raising, and an exact
`render_*` so that `parse_*(render_*(model)) == model`. See docs/formats.md."""

from ragcore.documents._common import ParseIssue
from ragcore.documents.listing import (
    Listing,
    ListingCard,
    ListingSection,
    parse_listing,
    render_listing,
)
from ragcore.documents.paper import PaperDocument, PaperSection, parse_paper, render_paper
from ragcore.documents.section_context import (
    ContextCard,
    ContextDocument,
    Excerpt,
    SectionContext,
    TrendBlock,
    TypeBlock,
    parse_context,
    render_context,
    render_section,
    render_section_body,
)

__all__ = [
    "ContextCard",
    "ContextDocument",
    "Excerpt",
    "Listing",
    "ListingCard",
    "ListingSection",
    "PaperDocument",
    "PaperSection",
    "ParseIssue",
    "SectionContext",
    "TrendBlock",
    "TypeBlock",
    "parse_context",
    "parse_listing",
    "parse_paper",
    "render_context",
    "render_listing",
    "render_paper",
    "render_section",
    "render_section_body",
]
