"""The embedded synthetic demo force."""
