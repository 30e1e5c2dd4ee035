"""Runs: their folders and bundles, the live run, the scheduler, comparisons."""
