"""The offline composer's plan of the whole paper: which evidence sentence goes where.

Written section by section, an extractive draft repeats itself: the same card is routed to
Introduction and Conclusion, and each section took its first sentences. Planned for the paper,
each whole sentence of the evidence (in the paper's language) is used at most once, in the
section whose rhetorical role fits its summary type best; within a section sentences follow
the role order (background before challenges before contributions ...), filled toward the
section's length target as far as the evidence allows, and a section that stays short says so.
Cards are condensed: a section still short of its target after its cards fills toward it from
the raw text of its on-topic papers (`SectionEvidenceBlocks.raw`: their raw sections whose role
fits the section, above the snippet similarity floor, best first), whole sentences in the
paper's language, each cited to its paper and used once in the paper; a section the evidence
cannot fill says it is short. A section without evidence of its own borrows the unused
sentences nearest to its role (re-cited with its own keys, the borrowed card recorded as its
evidence), then the brief's, and says so too. Warnings go to the section's review, never into
its text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from ragcore.drafting.notes import DraftNote
from ragcore.library.cards import SummaryType
from ragcore.llm.composer import (
    ComposedSentence,
    ComposedText,
    EvidenceBlock,
    antecedent,
    clean_sentences,
    render_sentences,
    select_sentences,
    sentence_fingerprint,
)
from ragcore.retrieval.sectionplan import SectionSpec
from ragcore.text import NearDuplicates, count_words, detect_lang
from ragcore.wording import Phrase

# The order in which a section's evidence is told; types not listed follow in plan order.
RHETORICAL_ORDER: dict[str, tuple[SummaryType, ...]] = {
    "introduction": (
        SummaryType.BACKGROUND,
        SummaryType.CHALLENGES,
        SummaryType.RELATEDWORK,
        SummaryType.INNOVATIONS,
    ),
    "related_work": (SummaryType.BACKGROUND, SummaryType.RELATEDWORK, SummaryType.BASELINE),
    "method": (SummaryType.CHALLENGES, SummaryType.METHODOLOGY, SummaryType.INNOVATIONS),
    "experiments": (
        SummaryType.EXPEDESIGN,
        SummaryType.METRIC,
        SummaryType.BASELINE,
        SummaryType.RESULTANALYSIS,
    ),
    "conclusion": (SummaryType.CONCLUSION, SummaryType.INNOVATIONS, SummaryType.RESULTANALYSIS),
}
UNFIT = 1000  # a type the section neither tells nor plans: used only to fill an empty section
EXCERPT = "excerpt"
RAW = "raw"  # a sentence of a paper's raw section text (the fill after the cards)


@dataclass
class SectionEvidenceBlocks:
    spec: SectionSpec
    blocks: list[EvidenceBlock]
    # Raw section text of the section's on-topic papers (kind "raw", keyed), best first: what
    # a short section is filled from once its cards are used up.
    raw: list[EvidenceBlock] = field(default_factory=list)


@dataclass
class PlannedSection:
    composed: ComposedText
    warnings: list[Phrase] = field(default_factory=list)
    failure: Phrase | None = None  # why nothing could be written (empty text only)
    # Evidence the text uses beyond the section's own context: keys of borrowed papers
    # (key -> paper id), borrowed cards' ids, and the borrowed or raw texts the sentences
    # come from. The writer records them with the version, so checks see what was used.
    citation_keys: dict[str, str] = field(default_factory=dict)
    evidence_ids: list[str] = field(default_factory=list)
    evidence_texts: list[str] = field(default_factory=list)


def role_order(spec: SectionSpec) -> list[str]:
    """The section's evidence kinds (type labels, then `excerpt`) in the order they are told."""
    order = [t.label for t in RHETORICAL_ORDER.get(spec.key, ())]
    order += [t.label for t in spec.types if t.label not in order]
    return [*order, EXCERPT, RAW]


def _fit(spec: SectionSpec, kind: str) -> int:
    order = role_order(spec)
    return order.index(kind) if kind in order else UNFIT


@dataclass
class _Candidate:
    sentence: ComposedSentence
    fingerprint: str
    fit: int
    block: EvidenceBlock


RAW_POSITION = 100_000  # raw blocks are numbered after the context's blocks


class _SentenceKeys:
    """One key per thing said: a sentence's fingerprint, or that of an earlier sentence that
    says nearly the same (`NearDuplicates`: a paper's abstract and introduction repeat each
    other in other words), so "used at most once" holds for near-repeats too."""

    def __init__(self) -> None:
        self._near = NearDuplicates()
        self._known: set[str] = set()

    def __call__(self, sentence: str) -> str:
        fingerprint = sentence_fingerprint(sentence)
        if fingerprint in self._known:
            return fingerprint
        found = self._near.earlier_or_add(sentence, fingerprint)
        if found is not None:
            return found
        self._known.add(fingerprint)
        return fingerprint


def _candidates(
    spec: SectionSpec,
    blocks: Sequence[EvidenceBlock],
    lang: str,
    taken: set[str],
    keys: _SentenceKeys,
    first: int = 0,
) -> list[_Candidate]:
    out: list[_Candidate] = []
    seen: set[str] = set()
    for block_index, block in enumerate(blocks, start=first):
        if block.key is None:
            continue  # a sentence the paper cannot cite is not evidence for it
        sentences = clean_sentences(block.text, from_paper=block.from_paper)
        for sentence_index, text in enumerate(sentences):
            fingerprint = keys(text)
            if fingerprint in taken or fingerprint in seen or detect_lang(text) != lang:
                continue
            seen.add(fingerprint)
            sentence = ComposedSentence(
                text, block.source, block.key, block.section, (block_index, sentence_index)
            )
            out.append(_Candidate(sentence, fingerprint, _fit(spec, block.section), block))
    return out


def _fill_from_raw(
    section: SectionEvidenceBlocks,
    lang: str,
    chosen: list[_Candidate],
    used: set[str],
    keys: _SentenceKeys,
) -> list[_Candidate]:
    """Whole raw-text sentences toward the section's target: passages best first, each read
    in order, no sentence already in the paper, never past the target's upper bound."""
    low, high = _remaining(section.spec.words, chosen)
    if low <= 0 or not section.raw:
        return []
    goal = min(high, (section.spec.words[0] + section.spec.words[1]) // 2 - _words(chosen))
    more: list[_Candidate] = []
    total = 0
    for candidate in _candidates(section.spec, section.raw, lang, used, keys, RAW_POSITION):
        size = count_words(candidate.sentence.text)
        if total >= goal:
            break
        if total + size > high or not _follows_its_antecedent(candidate, more):
            continue
        more.append(candidate)
        total += size
    return more


def _follows_its_antecedent(candidate: _Candidate, taken: Sequence[_Candidate]) -> bool:
    """A passage sentence leaning on the one before it ("However, ...") comes right after it."""
    needed = antecedent(candidate.sentence)
    return needed is None or (bool(taken) and taken[-1].sentence.position == needed)


def _rekey(section: SectionEvidenceBlocks, borrowed: Sequence[_Candidate]) -> dict[str, str]:
    """Cite borrowed sentences with this section's keys: a paper the section already cites
    keeps its key, another gets the next free number. Returns the keys added."""
    keys = {b.source: b.key for b in section.blocks if b.key is not None}
    numbers = [int(k) for k in keys.values() if k.isdigit()]
    added: dict[str, str] = {}
    for candidate in borrowed:
        paper = candidate.sentence.source
        if paper not in keys:
            numbers.append(max(numbers, default=0) + 1)
            keys[paper] = str(numbers[-1])
            added[keys[paper]] = paper
        candidate.sentence = replace(candidate.sentence, key=keys[paper])
    return added


def _owners(
    sections: Sequence[SectionEvidenceBlocks], candidates: dict[str, list[_Candidate]]
) -> dict[str, str]:
    """Each sentence's section: where its role fits best; a tie goes to the section with the
    least evidence for its target (the needier one)."""
    supply = {
        s.spec.key: sum(count_words(c.sentence.text) for c in candidates[s.spec.key])
        / max(1, sum(s.spec.words) // 2)
        for s in sections
    }
    best: dict[str, tuple[int, float, int, str]] = {}
    for index, section in enumerate(sections):
        key = section.spec.key
        for candidate in candidates[key]:
            rank = (candidate.fit, supply[key], index, key)
            if candidate.fingerprint not in best or rank < best[candidate.fingerprint]:
                best[candidate.fingerprint] = rank
    return {fingerprint: rank[3] for fingerprint, rank in best.items()}


def _pick(
    spec: SectionSpec, pool: Iterable[_Candidate], target: tuple[int, int]
) -> list[_Candidate]:
    """Up to the target from `pool`, each role its share, papers taken in turn."""
    by_role: dict[str, list[list[ComposedSentence]]] = {}
    lookup: dict[int, _Candidate] = {}
    blocks: dict[tuple[str, int], list[ComposedSentence]] = {}
    for candidate in sorted(pool, key=lambda c: (c.fit, c.sentence.position)):
        sentence = candidate.sentence
        lookup[id(sentence)] = candidate
        block = blocks.setdefault((sentence.section, sentence.position[0]), [])
        if not block:
            by_role.setdefault(sentence.section, []).append(block)
        block.append(sentence)
    chosen = select_sentences(by_role, target)
    return [lookup[id(s)] for s in chosen]


def _words(chosen: Sequence[_Candidate]) -> int:
    return sum(count_words(c.sentence.text) for c in chosen)


def _remaining(target: tuple[int, int], chosen: Sequence[_Candidate]) -> tuple[int, int]:
    used = _words(chosen)
    return max(0, target[0] - used), max(0, target[1] - used)


def _other_language(section: SectionEvidenceBlocks, lang: str) -> int:
    return sum(1 for b in section.blocks if b.key is not None and detect_lang(b.text) != lang)


def _brief_sentences(
    brief: Sequence[str], lang: str, taken: set[str], keys: _SentenceKeys
) -> list[ComposedSentence]:
    out = []
    for n, text in enumerate(brief):
        for m, sentence in enumerate(clean_sentences(text)):
            fingerprint = keys(sentence)
            if detect_lang(sentence) == lang and fingerprint not in taken:
                taken.add(fingerprint)
                out.append(ComposedSentence(sentence, "", None, "brief", (n, m)))
    return out


def plan_paper(
    sections: Sequence[SectionEvidenceBlocks],
    lang: str,
    *,
    taken: Iterable[str] = (),
    brief: Sequence[str] = (),
) -> dict[str, PlannedSection]:
    """Compose every section extractively as one plan (see module doc). `taken` holds
    sentences already in the paper (sections not being rewritten); `brief` the brief's
    statements, the last resort of a section without evidence."""
    lang = "en" if lang == "en" else "zh"
    keys = _SentenceKeys()
    used = {keys(t) for t in taken}
    candidates = {s.spec.key: _candidates(s.spec, s.blocks, lang, used, keys) for s in sections}
    owners = _owners(sections, candidates)
    chosen: dict[str, list[_Candidate]] = {}
    for section in sections:  # 1. each section from the sentences that fit it best
        key = section.spec.key
        own = [c for c in candidates[key] if owners[c.fingerprint] == key]
        chosen[key] = _pick(section.spec, own, section.spec.words)
        used |= {c.fingerprint for c in chosen[key]}
    for section in sections:  # 2. a short section takes its other sentences nobody used
        key = section.spec.key
        low, high = _remaining(section.spec.words, chosen[key])
        if low > 0 and high > 0:
            rest = [c for c in candidates[key] if c.fingerprint not in used]
            more = _pick(section.spec, rest, (low, high))
            chosen[key] += more
            used |= {c.fingerprint for c in more}
    added_keys: dict[str, dict[str, str]] = {s.spec.key: {} for s in sections}
    for section in sections:  # 3. a short section fills from its papers' raw text
        key = section.spec.key
        more = _fill_from_raw(section, lang, chosen[key], used, keys)
        chosen[key] += more
        used |= {c.fingerprint for c in more}
        cited = {b.key for b in section.blocks if b.key is not None}
        # A paper the section cites through its raw text only (another on-topic paper of the
        # project) was given the section's next number: it joins the section's keys.
        for candidate in more:
            if candidate.sentence.key is not None and candidate.sentence.key not in cited:
                added_keys[key][candidate.sentence.key] = candidate.sentence.source
    warnings: dict[str, list[Phrase]] = {s.spec.key: [] for s in sections}
    for section in sections:  # 4. a section with nothing borrows the nearest unused evidence
        key = section.spec.key
        if chosen[key] or not any(candidates.values()):
            continue
        spare = {
            c.fingerprint: _Candidate(
                c.sentence, c.fingerprint, _fit(section.spec, c.sentence.section), c.block
            )
            for other in sections
            for c in candidates[other.spec.key]
            if c.fingerprint not in used
        }
        chosen[key] = _pick(section.spec, spare.values(), section.spec.words)
        used |= {c.fingerprint for c in chosen[key]}
        added_keys[key] = _rekey(section, chosen[key])
        if chosen[key]:
            warnings[key].append(Phrase(DraftNote.BORROWED))
    planned: dict[str, PlannedSection] = {}
    for section in sections:
        key = section.spec.key
        order = role_order(section.spec)
        sentences = sorted(
            (c.sentence for c in chosen[key]),
            key=lambda s: (order.index(s.section) if s.section in order else UNFIT, s.position),
        )
        failure = None
        if not sentences:  # 5. the brief, said plainly
            sentences = _brief_sentences(brief, lang, used, keys)
            if sentences:
                warnings[key].append(Phrase(DraftNote.BRIEF_ONLY))
            else:
                failure = Phrase(DraftNote.NOTHING_USABLE)
        composed = ComposedText(
            render_sentences(sentences, lang), sentences, lang, section.spec.words
        )
        low, high = section.spec.words
        words = sum(count_words(s.text) for s in sentences)  # as the export counts: no markers
        if sentences and words < low:
            short = {"words": words, "low": low, "high": high}
            warnings[key].append(Phrase(DraftNote.SHORT, short))
        if other := _other_language(section, lang):
            warnings[key].append(Phrase(DraftNote.OTHER_LANGUAGE, {"n": other}))
        own_blocks = {id(b) for b in section.blocks}
        foreign = [c.block for c in chosen[key] if id(c.block) not in own_blocks]
        planned[key] = PlannedSection(
            composed,
            warnings[key],
            failure,
            citation_keys=added_keys[key],
            evidence_ids=list(dict.fromkeys(b.evidence_id for b in foreign if b.evidence_id)),
            evidence_texts=list(dict.fromkeys(b.text for b in foreign)),
        )
    return planned
