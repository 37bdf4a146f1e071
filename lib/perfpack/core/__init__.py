"""Calculations with no I/O: windows, change, statistics, SPC, projections, disclosure."""
