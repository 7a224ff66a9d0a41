"""Build `support_pairs.jsonl`: labelled (sentence, cited evidence) pairs for the citation
support check, from the vendored dev papers (English) and the demo library's cards (Chinese).

Kinds (label):
  copy (supported)            a sentence of the evidence paragraph, as the offline composer cites
  paraphrase (supported)      hand-written restatement of the evidence (handwritten.jsonl)
  swapped (unsupported)       a sentence of one paper cited to another paper's paragraph
  altered_number (unsupported) a sentence of the evidence with one number changed
  unsupported (unsupported)   hand-written on-topic claim the evidence does not make (handwritten.jsonl)

Deterministic: the same files give the same pairs.  .venv/bin/python benchmarks/data/support_pairs/build.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
PAPERS = ROOT / "tests" / "data" / "papers"
CARDS = ROOT / "data" / "seed_cards.jsonl"
HERE = Path(__file__).resolve().parent
_EN_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# Card texts are bulleted: a bullet, a numbered item or a sentence end starts a new sentence.
_ZH_SPLIT = re.compile(r"(?<=[。！？；])|\s+-\s+|\s\d、|\s\d\)\s")
_LABEL = re.compile(r"^.*?[:：]\s*(?=[^:：]{20,}$)")
_NUMBER = re.compile(r"(?<![A-Za-z0-9.])(\d+\.\d+|\d{2,3})(?![A-Za-z0-9.])")


def paragraphs(path: Path) -> list[str]:
    """Body paragraphs (not the abstract, headings or metadata) of a vendored paper."""
    out, section = [], ""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        block = block.strip()
        if block.startswith("# "):
            continue  # the title; the metadata lines under it are not body text
        if block.startswith("#"):
            section = block.lstrip("# ").lower()
            continue
        if section and section != "abstract" and not block.startswith(("|", "$$", "!", "-")):
            out.append(" ".join(block.split()))
    return out


def sentences(text: str, lang: str) -> list[str]:
    parts = _EN_SPLIT.split(text) if lang == "en" else _ZH_SPLIT.split(text)
    return [p.strip() for p in parts if p.strip()]


def good_paragraph(text: str) -> bool:
    return 300 <= len(text) <= 1500 and 3 <= len(sentences(text, "en")) <= 8 and "$" not in text


def good_sentence(sentence: str, lang: str) -> bool:
    if lang == "en":
        return 12 <= len(sentence.split()) <= 45 and "$" not in sentence
    # Card meta lines ("贡献点提炼自…") say how the card was made, not what the paper says.
    return 20 <= len(sentence) <= 120 and not re.search(r"[\[\]{}*]|提炼|原文", sentence)


def alter(sentence: str, evidence: str) -> str | None:
    def plain(m: re.Match[str]) -> bool:  # not a year, not inside a citation bracket
        before = sentence[: m.start()]
        return not 1900 <= float(m.group(1)) <= 2030 and before.count("[") == before.count("]")

    match = next((m for m in _NUMBER.finditer(sentence) if plain(m)), None)
    if match is None:
        return None
    raw = match.group(1)
    new = (
        f"{float(raw) * 1.5 + 1:.{len(raw.split('.')[1])}f}"
        if "." in raw
        else str(int(raw) * 2 + 3)
    )
    if new in evidence:
        return None  # the changed number happens to occur in the evidence: not a clean case
    return sentence[: match.start()] + new + sentence[match.end() :]


def english() -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    chosen: list[tuple[str, str, str]] = []  # (file, paragraph, sentence)
    paragraph_index: dict[str, list[str]] = {}
    for path in sorted(PAPERS.glob("arxiv-*.md")):
        paras = paragraphs(path)
        paragraph_index[path.name] = paras
        good = [p for p in paras if good_paragraph(p)]
        if not good:
            continue
        paragraph = good[0]
        candidates = [s for s in sentences(paragraph, "en") if good_sentence(s, "en")]
        if candidates:
            chosen.append((path.name, paragraph, max(candidates, key=len)))
    pairs = []
    for n, (name, paragraph, sentence) in enumerate(chosen):
        pairs.append(_pair("copy", "supported", "en", sentence, [paragraph], name))
        other_name, other, _ = chosen[(n + 1) % len(chosen)]
        pairs.append(
            _pair("swapped", "unsupported", "en", sentence, [other], f"{name} -> {other_name}")
        )
    for name, paras in paragraph_index.items():
        for paragraph in (p for p in paras if good_paragraph(p)):
            numbered = [
                s
                for s in sentences(paragraph, "en")
                if good_sentence(s, "en") and alter(s, paragraph)
            ]
            if numbered:
                altered = alter(numbered[0], paragraph)
                assert altered is not None
                pairs.append(
                    _pair("altered_number", "unsupported", "en", altered, [paragraph], name)
                )
                break
    return pairs, paragraph_index


def chinese() -> list[dict[str, Any]]:
    cards = [
        json.loads(line) for line in CARDS.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    cards = [
        c
        for c in cards
        if c.get("lang") == "zh"
        and c["summary_type"] in ("methodology", "innovations", "resultanalysis", "expedesign")
    ]
    by_paper: dict[str, list[dict[str, Any]]] = {}
    for card in cards:
        by_paper.setdefault(card["paper_id"], []).append(card)
    papers = sorted(by_paper)
    pairs = []
    slots = [(paper, card) for paper in papers for card in by_paper[paper][:2]]
    for paper, card in slots:
        text = " ".join(card["text"].split())
        # Card lines carry labels ("2、核心思想: "); the sentence a paper would cite is after it.
        candidates = [_LABEL.sub("", s) for s in sentences(text, "zh")]
        candidates = [s for s in candidates if good_sentence(s, "zh")]
        if not candidates:
            continue
        sentence = max(candidates, key=len)
        pairs.append(_pair("copy", "supported", "zh", sentence, [text], f"card {card['paper_id']}"))
        other = by_paper[papers[(papers.index(paper) + 1) % len(papers)]][0]
        pairs.append(
            _pair(
                "swapped",
                "unsupported",
                "zh",
                sentence,
                [" ".join(other["text"].split())],
                f"card {paper} -> {other['paper_id']}",
            )
        )
        numbered = [alter(s, text) for s in candidates if alter(s, text)]
        if numbered and numbered[0]:
            pairs.append(
                _pair("altered_number", "unsupported", "zh", numbered[0], [text], f"card {paper}")
            )
    return pairs


def handwritten(paragraph_index: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Hand-written pairs; evidence is a paragraph of a paper (file, index) or a card (paper id, type)."""
    cards = [
        json.loads(line) for line in CARDS.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    pairs = []
    for line in (HERE / "handwritten.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if "file" in item:
            evidence = paragraph_index[item["file"]][item["paragraph"]]
            source = f"{item['file']} paragraph {item['paragraph']}"
        else:
            card = next(
                c
                for c in cards
                if c["paper_id"] == item["card_paper"] and c["summary_type"] == item["card_type"]
            )
            evidence, source = (
                " ".join(card["text"].split()),
                f"card {item['card_paper']} {item['card_type']}",
            )
        pairs.append(
            _pair(item["kind"], item["label"], item["lang"], item["sentence"], [evidence], source)
        )
    return pairs


def _pair(
    kind: str, label: str, lang: str, sentence: str, evidence: list[str], source: str
) -> dict[str, Any]:
    return {
        "kind": kind,
        "label": label,
        "lang": lang,
        "sentence": sentence,
        "evidence": evidence,
        "source": source,
    }


def main() -> None:
    pairs, index = english()
    pairs += chinese()
    if (HERE / "handwritten.jsonl").is_file():
        pairs += handwritten(index)
    with (HERE / "support_pairs.jsonl").open("w", encoding="utf-8") as out:
        for n, pair in enumerate(pairs, 1):
            out.write(json.dumps({"id": n, **pair}, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = {}
    for pair in pairs:
        kinds[pair["kind"]] = kinds.get(pair["kind"], 0) + 1
    print(len(pairs), "pairs", kinds)


if __name__ == "__main__":
    main()
