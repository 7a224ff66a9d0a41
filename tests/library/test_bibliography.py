"""The bibliography of record: citation keys, edits, and BibTeX / CSL-JSON / RIS import with
matching, bad entries listed by line, unmatched entries attached later."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragcore.errors import InputError
from ragcore.library.bibformats import read_bibtex, read_csl_json, read_ris, write_bibtex
from ragcore.library.bibimport import import_reference_text
from ragcore.library.bibliography import (
    BibliographyStore,
    Reference,
    reference_from_paper,
    suggested_key,
)
from ragcore.library.cards import Paper

# A Zotero / Better BibTeX style export with one broken entry, a duplicate key and an entry
# without a title among good ones.
BIB = r"""% exported by Better BibTeX
@inproceedings{nassar2022TableFormer,
  title = {{TableFormer}: Table Structure Understanding with Transformers},
  author = {Nassar, Ahmed and Livathinos, Nikolaos and Lysak, Maksym and Staar, Peter},
  booktitle = {Proceedings of the {IEEE}/{CVF} Conference on Computer Vision and Pattern Recognition},
  pages = {4614--4623},
  year = {2022},
  doi = {10.1109/CVPR52688.2022.00457},
  keywords = {Table structure recognition, Transformers},
  abstract = {Tables organize valuable content in a concise and compact representation.},
}

@article{broken2020,
  title = {An entry whose brace never closes,
  year = {2020}

@article{gao2022,
  title = {多模态网络环境异构标识空间管控架构研究},
  author = {郜帅 and 侯心迪 and 刘宁春 and 张宏科},
  journal = {通信学报},
  volume = {43}, number = {4}, pages = {1--14}, year = {2022},
  keywords = {多模态网络；标识空间；管控架构},
}

@misc{untitled2021, author = {Nobody, A.}, year = {2021}}

@article{gao2022, title = {A second entry with the same key}, year = {2023}}

@article{ye2023pace,
  title = {Learning Pace Synchronization for Open-World Semi-Supervised Learning},
  author = {Ye, Bo and Gan, Kai},
  journal = {arXiv preprint arXiv:2309.11930},
  year = {2023},
}
"""


@pytest.fixture
def records(tmp_path: Path) -> BibliographyStore:
    return BibliographyStore(tmp_path / "db.sqlite3")


def test_keys_are_readable_with_pinyin_for_chinese_authors() -> None:
    yang = Reference(
        paper_id="x",
        title="TableFormer: Table Structure Understanding",
        authors=["Yang, Fan"],
        year=2022,
    )
    gao = Reference(
        paper_id="y", title="多模态网络环境异构标识空间管控架构研究", authors=["郜帅"], year=2022
    )
    ouyang = Reference(paper_id="z", title="A study of things", authors=["欧阳修"], year=2020)
    assert suggested_key(yang) == "yang2022tableformer"
    assert suggested_key(gao) == "gao2022duomotai"
    assert suggested_key(ouyang) == "ouyang2020study"
    assert suggested_key(Reference(paper_id="2309.11930v2")) == "ref230911930v2"


def test_keys_are_stable_and_unique(records: BibliographyStore) -> None:
    first = Reference(paper_id="a", title="Deep learning", authors=["LeCun, Yann"], year=2015)
    second = first.model_copy(update={"paper_id": "b"})
    assert records.citation_key(first) == "lecun2015deep"
    assert records.citation_key(second) == "lecun2015deepa"
    # The key given out stays the paper's even when its metadata is corrected later.
    edited = records.edit(
        "a", None, **first.model_dump(exclude={"paper_id", "key"}) | {"year": 2016}
    )
    assert records.citation_key(edited) == "lecun2015deep"
    # A stand-in key from missing metadata is not kept: the real one comes with the metadata.
    bare = Reference(paper_id="c")
    assert records.citation_key(bare) == "refc"
    filled = records.edit("c", None, title="Gradient methods", authors=["Ng, A"], year=2010)
    assert records.citation_key(filled) == "ng2010gradient"


def test_a_user_key_cannot_be_another_papers(records: BibliographyStore) -> None:
    records.edit("a", None, title="One", key="mine2020")
    with pytest.raises(InputError, match="already belongs to paper a"):
        records.edit("b", None, title="Two", key="mine2020")
    with pytest.raises(InputError, match="citation key"):
        records.edit("b", None, key="has space")
    with pytest.raises(InputError, match="no field"):
        records.edit("b", None, colour="red")


def test_ingest_identifiers_are_not_titles() -> None:
    reference = reference_from_paper(Paper(paper_id="2309.11930v2", title="2309.11930v2"))
    assert reference.title == "" and reference.arxiv_id == "2309.11930"
    assert reference.type == "article" and reference.missing() == ["title", "authors", "year"]


def test_a_bib_with_errors_keeps_the_good_entries_and_lists_the_bad_by_line() -> None:
    parsed = read_bibtex(BIB)
    assert list(parsed.entries) == ["nassar2022TableFormer", "gao2022", "ye2023pace"]
    bad = [(b.line, b.key, b.reason) for b in parsed.bad]
    assert bad == [
        (13, "broken2020", "syntax error"),
        (25, "untitled2021", "no title"),
        (27, "gao2022", "duplicate key"),
    ]
    nassar = parsed.entries["nassar2022TableFormer"]
    assert nassar.type == "paper-conference" and nassar.pages == "4614-4623"
    assert nassar.title.startswith("TableFormer: Table") and nassar.authors[0] == "Nassar, Ahmed"
    assert nassar.venue.startswith("Proceedings of the IEEE/CVF")
    preprint = parsed.entries["ye2023pace"]
    assert preprint.type == "article" and preprint.arxiv_id == "2309.11930"
    assert parsed.entries["gao2022"].authors == ["郜帅", "侯心迪", "刘宁春", "张宏科"]


def test_bibtex_round_trip() -> None:
    parsed = read_bibtex(BIB)
    assert parsed.entries["gao2022"].keywords == ["多模态网络", "标识空间", "管控架构"]
    assert "keywords = {多模态网络, 标识空间, 管控架构}" in write_bibtex(
        [("gao2022", parsed.entries["gao2022"])]
    )
    again = read_bibtex(write_bibtex(list(parsed.entries.items())))
    assert not again.bad
    for key, reference in parsed.entries.items():
        assert again.entries[key].model_dump(exclude={"lang"}) == reference.model_dump(
            exclude={"lang"}
        )


def test_import_enriches_matches_and_keeps_the_rest(records: BibliographyStore) -> None:
    papers = [
        Paper(paper_id="2309.11930v2", title="2309.11930v2"),  # matched by arXiv id
        Paper(paper_id="tf", title="TableFormer: table structure understanding with transformers"),
        Paper(paper_id="other", title="Something else entirely"),
    ]
    saved: dict[str, Paper] = {}
    report = import_reference_text(
        "zotero.bib", BIB, records, papers, lambda p: saved.update({p.paper_id: p})
    )
    assert report.matched == {"nassar2022TableFormer": "tf", "ye2023pace": "2309.11930v2"}
    assert report.unmatched == ["gao2022"] and len(report.bad) == 3
    assert saved["2309.11930v2"].title.startswith("Learning Pace Synchronization")
    assert saved["tf"].keywords == ["Table structure recognition", "Transformers"]
    assert saved["tf"].abstract.startswith("Tables organize valuable content")
    pace = records.reference("2309.11930v2", None)
    assert records.citation_key(pace) == "ye2023pace"  # the user's own key from the .bib
    assert "line 13 (broken2020): syntax error" in "\n".join(report.lines())
    attached = records.attach("gao2022", "other")
    assert attached.paper_id == "other" and attached.venue == "通信学报"
    assert records.unmatched() == {}
    with pytest.raises(InputError, match="no imported entry"):
        records.attach("gao2022", "other")


def test_csl_json_and_ris_import() -> None:
    csl = json.dumps(
        [
            {
                "id": "lecun2015",
                "type": "article-journal",
                "title": "Deep learning",
                "author": [{"family": "LeCun", "given": "Yann"}, {"literal": "郜帅"}],
                "issued": {"date-parts": [[2015, 5]]},
                "container-title": "Nature",
                "DOI": "10.1038/nature14539",
            },
            {"id": "untitled", "type": "book"},
        ]
    )
    parsed = read_csl_json(csl)
    lecun = parsed.entries["lecun2015"]
    assert lecun.authors == ["LeCun, Yann", "郜帅"] and lecun.year == 2015
    assert lecun.doi == "10.1038/nature14539" and [b.key for b in parsed.bad] == ["untitled"]
    with pytest.raises(InputError, match="not CSL-JSON"):
        read_csl_json("{broken")
    ris = (
        "TY  - JOUR\nAU  - LeCun, Yann\nAU  - Bengio, Yoshua\nTI  - Deep learning\n"
        "T2  - Nature\nPY  - 2015\nVL  - 521\nSP  - 436\nEP  - 444\nDO  - 10.1038/nature14539\n"
        "ER  - \n\nTY  - THES\nAU  - 王明\nTI  - 基于深度学习的图像分类研究\nPY  - 2020\n"
        "PB  - 清华大学\nER  - \n"
    )
    entries = list(read_ris(ris).entries.values())
    assert entries[0].pages == "436-444" and entries[0].venue == "Nature"
    assert entries[1].type == "thesis" and entries[1].title == "基于深度学习的图像分类研究"


def test_a_file_with_no_entries_is_refused_plainly(records: BibliographyStore) -> None:
    for name, text in (
        ("empty.bib", "just prose, no entries"),
        ("x.ris", "TI  - no type"),
        ("x.json", "[]"),
    ):
        with pytest.raises(InputError, match="no reference entries"):
            import_reference_text(name, text, records, [], lambda p: None)
    with pytest.raises(InputError, match=r"\.bib, \.json"):
        import_reference_text("refs.docx", "x", records, [], lambda p: None)
