"""The scorecard's data: figures, their findings (with the offending text) and what could not be
judged. What is wrong is a `Phrase` (a code and the values it quotes), worded at the edge in the
language asked for (`ragcore.quality.wording.describe`); `detail`, `not_judged` and `notes` are
the English wordings (the CLI and `--json`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ragcore.quality.wording import Code, Phrase, Value, describe, plain_values

Unit = Literal["count", "rate"]


@dataclass(frozen=True)
class Finding:
    section: str  # the section's heading; "" for the paper as a whole, or the references
    text: str  # the offending sentence, paragraph or reference entry
    code: Code  # what is wrong with it
    values: Mapping[str, Value] = field(default_factory=dict, hash=False)  # what the wording quotes

    @classmethod
    def of(cls, section: str, text: str, why: Phrase) -> Finding:
        return cls(section, text, Code(why.code), why.values)

    @property
    def detail(self) -> str:
        """What is wrong, in English."""
        return describe(self, "en")

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "text": self.text,
            "detail": self.detail,
            "code": self.code.value,
            "values": plain_values(self.values),
        }


@dataclass
class Figure:
    key: str
    name: str
    unit: Unit
    ideal: str  # the ideal value as a reader would write it: "0", "1.00", "<= 0.05"
    value: float | None = None  # None: not judged
    checked: int = 0  # how many items (sentences, citations, entries, sections) were looked at
    passed: bool | None = None  # None: not judged
    findings: list[Finding] = field(default_factory=list)
    why_not: Phrase | None = None  # why the figure (or a part of it) could not be judged

    @property
    def not_judged(self) -> str:
        """Why the figure (or a part of it) could not be judged, in English ("" when judged)."""
        return describe(self.why_not, "en") if self.why_not else ""

    @property
    def judged(self) -> bool:
        return self.value is not None

    def shown(self) -> str:
        if self.value is None:
            return "-"
        return f"{self.value:.2f}" if self.unit == "rate" else str(int(self.value))

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "unit": self.unit,
            "ideal": self.ideal,
            "value": self.value,
            "checked": self.checked,
            "passed": self.passed,
            "findings": [x.to_dict() for x in self.findings],
            "not_judged": self.not_judged,
            "not_judged_code": self.why_not.code.value if self.why_not else None,
            "not_judged_values": plain_values(self.why_not.values) if self.why_not else {},
            "judged": self.judged,
        }


def count_figure(
    key: str, name: str, findings: list[Finding], checked: int, note: Phrase | None = None
) -> Figure:
    """A figure whose value is its number of findings (ideal 0)."""
    return Figure(
        key, name, "count", "0", len(findings), checked, not findings, findings, why_not=note
    )


def not_judged(key: str, name: str, unit: Unit, ideal: str, why: Phrase) -> Figure:
    return Figure(key, name, unit, ideal, why_not=why)


@dataclass
class Scorecard:
    source: str  # "project p1234 (name)" or the file's path
    title: str
    lang: str
    figures: list[Figure] = field(default_factory=list)
    remarks: list[Phrase] = field(default_factory=list)  # what could not be judged at all, and why

    @property
    def notes(self) -> list[str]:
        """The remarks in English."""
        return [describe(r, "en") for r in self.remarks]

    @property
    def passed(self) -> bool:
        """Every judged figure at its ideal (and at least one figure judged)."""
        judged = [f for f in self.figures if f.judged]
        return bool(judged) and all(f.passed for f in judged)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    def for_section(self, heading: str) -> list[tuple[Figure, Finding]]:
        return [(f, x) for f in self.figures for x in f.findings if x.section == heading]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "lang": self.lang,
            "passed": self.passed,
            "figures": [f.to_dict() for f in self.figures],
            "notes": self.notes,
            "note_codes": [r.to_dict() for r in self.remarks],
        }


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_table(card: Scorecard) -> str:
    """The figures as a Markdown table."""
    rows = ["| figure | value | ideal | at ideal | checked |", "|---|---|---|---|---|"]
    for f in card.figures:
        verdict = "not judged" if f.passed is None else ("yes" if f.passed else "NO")
        rows.append(f"| {f.name} | {f.shown()} | {f.ideal} | {verdict} | {f.checked} |")
    return "\n".join(rows)


def render_text(card: Scorecard, max_findings: int = 20) -> str:
    """The whole scorecard for a terminal: the table, then each figure's findings."""
    out = [f"Scorecard of {card.source}: {card.title!r} ({card.lang})", "", render_table(card)]
    for f in card.figures:
        if f.findings:
            out += ["", f"{f.name} ({len(f.findings)}):"]
            for x in f.findings[:max_findings]:
                where = f"[{x.section}] " if x.section else ""
                out.append(f"  - {where}{_clip(x.text)} — {x.detail}")
            if len(f.findings) > max_findings:
                out.append(f"  ... and {len(f.findings) - max_findings} more (--json lists all)")
        if f.not_judged:
            out += ["", f"{f.name}: not judged: {f.not_judged}"]
    if card.notes:
        out += ["", "Could not judge:"] + [f"  - {note}" for note in card.notes]
    out += ["", "at ideal: " + ("every judged figure" if card.passed else "no")]
    return "\n".join(out) + "\n"
