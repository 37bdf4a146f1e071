"""Developer tools: the benchmark and the browser check (not shipped in the package)."""
