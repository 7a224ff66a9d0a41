"""Drafting: the paper brief, section writing, citation and grounding checks, section versions,
and the headless pipeline. See docs/drafting.md."""
