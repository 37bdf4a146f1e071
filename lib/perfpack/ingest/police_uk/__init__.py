"""Any force from public data.police.uk downloads: read the archive as users get it, map it onto
the canonical tables, say what it covers, and ingest it.

- :mod:`.discover`: the month files of a zip archive or folder;
- :mod:`.input_checks`: what a download may hold, each fault one line with file, line, column;
- :mod:`.read`: reading the CSVs with pyarrow, and the array helpers;
- :mod:`.street`, :mod:`.stop_search`: the canonical ``crimes`` and ``stop_searches`` tables;
- :mod:`.areas`: local authorities, each force's own areas and populations;
- :mod:`.coverage`: what the download covers and what did not map cleanly;
- :mod:`.ingest`: one force (or every force in one folder) written with its manifest;
- :mod:`.national`: every force, one processed folder each.

What is read at report time (the file names beside the canonical tables, the national
comparator) is in :mod:`perfpack.data.public_tables`.
"""
