"""Reading and validating inputs into the canonical processed tables."""
