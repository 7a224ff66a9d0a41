"""The library of record: cards, the Chroma store, its snapshot and change log, embedders,
and the papers table."""
