"""The library of record: cards, the Chroma store, its snapshot and change log, embedders,
the papers table and importing card files."""
