"""Words at the edge: what ragcore has to say (a scorecard finding, a section's note) is made as
a `Phrase`, a stable code and the values it quotes, and worded only where it is shown, in the
language asked for: `describe(phrase, "zh")`. Stored as code and values (`Phrase.to_dict`), a
note can be shown in the interface language or the paper's, and code that recognises a note
compares codes, never sentences.

Each family of codes is a `StrEnum` with one table per language, registered here with
`register` by the module that defines it (`ragcore.quality.wording`: the scorecard;
`ragcore.retrieval.notes`, `ragcore.drafting.notes`: a section's notes). Tests check every code
of every family has a wording in every language.

Templates are `str.format` strings over the phrase's values, with three additions (`_Formatter`):
a value that is itself a `Phrase` is worded in the same language, as is a `Term` (a name given
in each language, e.g. a summary type); a tuple is joined with the language's list separator
(`{x:quoted}` quotes each item as `!r` does); `{n:plural:one:many}` writes "1 entry" / "3
entries".
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, Union

LANGS = ("en", "zh")
SEPARATORS = {"en": ", ", "zh": "、"}


@dataclass(frozen=True)
class Term:
    """A name that has its own word in each language (a summary type, a section name)."""

    en: str
    zh: str

    def word(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


Value = Union[str, int, float, bool, tuple[str, ...], Term, "Phrase"]


@dataclass(frozen=True)
class Phrase:
    """One thing ragcore says: a code and the values it quotes."""

    code: StrEnum
    values: Mapping[str, Value] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code.value, "values": plain_values(self.values)}

    def __str__(self) -> str:
        return describe(self, "en")


# A note as stored: a phrase, or a finished sentence saved before notes were coded (kept and
# shown as it was written).
Note = Phrase | str


class Coded(Protocol):
    """A finding or a phrase: anything with a code and its values."""

    @property
    def code(self) -> StrEnum: ...

    @property
    def values(self) -> Mapping[str, Value]: ...


# Each family of codes -> its wording tables by language; and every code by its value, to read
# stored phrases back.
_TABLES: dict[type[StrEnum], Mapping[str, Mapping[Any, str]]] = {}
_CODES: dict[str, StrEnum] = {}


def register(codes: type[StrEnum], tables: Mapping[str, Mapping[Any, str]]) -> None:
    """Make a family of codes known: `describe` words them from `tables` ("en" required)."""
    _TABLES[codes] = tables
    for code in codes:
        known = _CODES.setdefault(code.value, code)
        if known is not code:
            raise ValueError(f"the code {code.value!r} is defined twice")


def tables_of(codes: type[StrEnum]) -> Mapping[str, Mapping[Any, str]]:
    return _TABLES[codes]


def plain_values(values: Mapping[str, Value]) -> dict[str, Any]:
    """The values as JSON: a phrase as its code and values, a term as its words, a tuple as a
    list."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, Phrase):
            out[name] = value.to_dict()
        elif isinstance(value, Term):
            out[name] = {"term": {"en": value.en, "zh": value.zh}}
        elif isinstance(value, tuple):
            out[name] = list(value)
        else:
            out[name] = value
    return out


def _value_from_json(value: Any) -> Value:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, dict) and "term" in value:
        return Term(str(value["term"].get("en", "")), str(value["term"].get("zh", "")))
    if isinstance(value, dict):
        return phrase_from_dict(value)
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def phrase_from_dict(data: Mapping[str, Any]) -> Phrase:
    """A phrase read back from `Phrase.to_dict`. Raises KeyError for a code no family knows."""
    code = _CODES[str(data["code"])]
    values = data.get("values") or {}
    return Phrase(code, {str(k): _value_from_json(v) for k, v in values.items()})


def note_to_json(note: Note) -> Any:
    return note.to_dict() if isinstance(note, Phrase) else note


def note_from_json(data: Any) -> Note:
    """A stored note: a phrase, or an old plain sentence kept as it was. A phrase whose code
    this version does not know (a newer project) is kept as its code, which says what it was."""
    if isinstance(data, Mapping) and "code" in data:
        try:
            return phrase_from_dict(data)
        except KeyError:
            return str(data["code"])
    return str(data)


def word_note(note: Note, lang: str) -> str:
    """A note in `lang`; an old plain sentence as it was written."""
    return describe(note, lang) if isinstance(note, Phrase) else note


def codes_of(notes: Iterable[Note]) -> list[StrEnum]:
    """The codes of the coded notes, in order (what code that recognises a note compares)."""
    return [note.code for note in notes if isinstance(note, Phrase)]


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Phrase):
            return describe(value, self.lang)
        if isinstance(value, Term):
            return value.word(self.lang)
        if isinstance(value, tuple):
            items = [repr(v) if format_spec == "quoted" else str(v) for v in value]
            return SEPARATORS[self.lang].join(items)
        if format_spec.startswith("plural:") and self.lang == "en":
            one, many = format_spec.split(":")[1:3]
            return f"{value} {one if value == 1 else many}"
        if format_spec.startswith("plural:"):
            return str(value)
        return str(super().format_field(value, format_spec))


def describe(item: Coded, lang: str) -> str:
    """A finding, note or "not judged" reason worded in `lang` ("zh" or "en"; others: English)."""
    tables = _TABLES[type(item.code)]
    lang = lang if lang in tables else "en"
    return _Formatter(lang).format(tables[lang][item.code], **item.values)
