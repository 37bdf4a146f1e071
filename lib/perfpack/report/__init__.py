"""Plan, execute, publish: the batch, the overview, figures.csv, provenance, PDF."""
