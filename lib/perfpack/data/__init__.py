"""Where things live and what they look like: paths, contracts, reference tables,
processed tables."""
