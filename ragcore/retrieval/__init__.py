"""Retrieval: lexical and hybrid search per summary type, the evidence model, snippets,
trends, the section plan and the section context builder; retrieval evaluation."""
