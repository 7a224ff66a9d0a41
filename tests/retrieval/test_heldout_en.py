"""The held-out English converter (benchmarks/heldout_en.py) writes folders the evaluator reads."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from benchmarks.heldout_en import convert
from ragcore.retrieval.evaluation import load_eval_set

QRELS = "query-id\tcorpus-id\tscore\n1\td1\t1\n1\td2\t0\n2\td3\t1\n9\td1\t1\n"


def _beir(folder: Path) -> Path:
    (folder / "qrels").mkdir(parents=True)
    docs = [
        {"_id": "d1", "title": "Aspirin and stroke", "text": "Aspirin lowers stroke risk."},
        {"_id": "d2", "title": "Statins", "text": "Statins lower cholesterol."},
        {"_id": "d3", "title": "Vitamin D", "text": "Vitamin D and bone density."},
        {"_id": "d4", "title": "Sleep", "text": "Sleep and memory."},
    ]
    (folder / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    queries = [{"_id": "1", "text": "aspirin prevents stroke"}, {"_id": "2", "text": "bones"}]
    (folder / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries))
    (folder / "qrels" / "test.tsv").write_text(QRELS)
    return folder


def test_beir_folder_becomes_an_eval_folder(tmp_path: Path) -> None:
    counts = convert(_beir(tmp_path / "src"), tmp_path / "out", "test", None, 0)
    data = load_eval_set(tmp_path / "out")
    # Query 9 has no text and score-0 judgements are not relevance: both are dropped.
    assert counts == {"docs": 4, "queries": 2, "judgements": 2}
    assert [q.qid for q in data.queries] == ["1", "2"]
    assert data.qrels == {"1": {"d1": 2}, "2": {"d3": 2}}
    assert data.corpus[0]["abstract"] == "Aspirin lowers stroke risk."


def test_sample_keeps_judged_documents_and_a_seeded_draw(tmp_path: Path) -> None:
    source = _beir(tmp_path / "src")
    first = convert(source, tmp_path / "a", "test", 1, 7)
    convert(source, tmp_path / "b", "test", 1, 7)
    ids = {r["id"] for r in load_eval_set(tmp_path / "a").corpus}
    assert first["docs"] == 3 and {"d1", "d3"} <= ids
    assert (tmp_path / "a" / "corpus.jsonl").read_text() == (
        tmp_path / "b" / "corpus.jsonl"
    ).read_text()


def test_scifact_csv_release_is_read(tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "qrels").mkdir(parents=True)
    with (source / "corpus_train.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["doc_id", "title", "abstract", "structured"])
        # The release prints the sentence list without commas, across lines, quoting a
        # sentence with an apostrophe in double quotes.
        writer.writerow(["d1", "Aspirin", "[\"It's a drug.\"\n 'It lowers risk.']", "False"])
        writer.writerow(["d3", "Bones", "['Vitamin D.']", "False"])
    with (source / "claims_validation.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "claim", "evidence_doc_id"])
        writer.writerows([["1", "Aspirin helps.", "d1"], ["1", "Aspirin helps.", ""]])
        writer.writerow(["2", "Vitamin D helps bones.", "d3"])
    (source / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n1\td1\t1\n2\td3\t1\n")
    convert(source, tmp_path / "out", "test", None, 0)
    data = load_eval_set(tmp_path / "out")
    assert data.corpus[0]["abstract"] == "It's a drug. It lowers risk."
    assert [q.text for q in data.queries] == ["Aspirin helps.", "Vitamin D helps bones."]
