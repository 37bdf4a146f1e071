"""One module family per theme: analyse(tables, spec, period, window) -> result."""
