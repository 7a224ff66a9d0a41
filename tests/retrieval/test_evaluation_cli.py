import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragcore.commands.cli import app
from ragcore.errors import InputError
from ragcore.library.store import CardStore
from ragcore.retrieval.evaluation import load_eval_set, ndcg_at, recall_at, run_eval
from ragcore.settings import Settings

from .conftest import LIBRARY


def _write_set(folder: Path, exclude: bool = False) -> None:
    folder.mkdir()
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as f:
        for pid, (title, _lang, texts) in LIBRARY.items():
            record = {"id": pid, "title": title, "abstract": " ".join(texts.values())}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    queries = [
        {"qid": "q1", "text": "医学图像分割", **({"exclude_docid": "zh-seg"} if exclude else {})},
        {"qid": "q2", "text": "GPU cluster job scheduling"},
    ]
    (folder / "queries.jsonl").write_text(
        "\n".join(json.dumps(q, ensure_ascii=False) for q in queries), encoding="utf-8"
    )
    (folder / "qrels.tsv").write_text(
        "qid\tdocid\tgrade\nq1\tzh-seg\t2\nq2\tgpu-cluster\t2\nq2\timg-cnn\t1\n", encoding="utf-8"
    )


def test_metrics() -> None:
    grades = {"a": 2, "b": 1}
    assert ndcg_at(["a", "b"], grades) == pytest.approx(1.0)
    assert ndcg_at(["x", "a"], grades) < 1.0
    assert recall_at(["b", "a"], grades, 1) == 0.0 and recall_at(["a"], grades, 10) == 1.0


def test_eval_reports_every_channel(tmp_path: Path, retrieval_settings: Settings) -> None:
    _write_set(tmp_path / "set")
    result = run_eval(tmp_path / "set", retrieval_settings)
    assert set(result["channels"]) == {"bm25", "dense", "hybrid"} and result["queries"] == 2
    assert result["channels"]["hybrid"]["recall@10"] == 1.0


def test_exclude_docid_is_left_out(tmp_path: Path, retrieval_settings: Settings) -> None:
    _write_set(tmp_path / "set", exclude=True)
    result = run_eval(tmp_path / "set", retrieval_settings)
    assert result["channels"]["hybrid"]["recall@100"] == 0.5  # q1's only answer was excluded


def test_bad_eval_folder_names_the_file(tmp_path: Path) -> None:
    _write_set(tmp_path / "set")
    (tmp_path / "set" / "queries.jsonl").write_text('{"qid": "q1", "text": "x"}\nnot json\n')
    with pytest.raises(InputError, match=r"queries.jsonl:2"):
        load_eval_set(tmp_path / "set")


def test_cli_context_search_and_eval(
    tmp_path: Path, library: CardStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAGCORE_HOME", str(library.settings.home))
    runner = CliRunner()
    out = runner.invoke(app, ["context", "image classification", "--section", "Method", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["section"] == "method"
    out = runner.invoke(app, ["context", "image classification", "--section", "摘要"])
    assert out.exit_code != 0 and "unknown section" in str(out.exception)
    _write_set(tmp_path / "set")
    out = runner.invoke(app, ["eval", "retrieval", str(tmp_path / "set"), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["queries"] == 2
