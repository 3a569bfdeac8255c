"""prioritizer — transparent prioritisation and allocation for economic-security policy."""

__version__ = "0.1.0"
