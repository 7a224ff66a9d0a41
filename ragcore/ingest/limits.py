"""Limits of what the ingest reads, in a module of their own: the studio's upload limit is
set from them when the server starts, and importing the readers (PyMuPDF) costs ~1.4 s."""

from __future__ import annotations

# Larger than any real paper's text; a PDF with many scans can be big, hence one shared limit.
MAX_FILE_BYTES = 40 * 1024 * 1024
