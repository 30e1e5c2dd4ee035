"""The maths: models with a probed path, probes, training, the history, analysis."""
