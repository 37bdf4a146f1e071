"""Turning results into HTML, charts and prose that are safe to publish."""
