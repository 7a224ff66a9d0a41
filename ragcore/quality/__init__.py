"""The paper scorecard: measures a finished paper (a project or an exported PAPER.md).

One small module per figure; `scorecard.score_project` and `scorecard.score_file` run them all.
The figures are defined in docs/quality.md.
"""
