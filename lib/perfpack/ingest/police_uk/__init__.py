"""data.police.uk downloads: discover, check, read, canonicalise."""
