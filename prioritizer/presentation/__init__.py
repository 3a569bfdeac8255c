"""Presentation: what a service returned, shown to a reader in the reader's language.

Services return data (a result dict, and at most a table of field-named columns that ``--format
csv`` writes as it is, because scripts read those names). Everything a person reads — table headers,
enumerated cells, names, headlines — is made here, from the result and the reader's language, for
the command line; the app and the reports use the same text layer (:mod:`prioritizer.text`) and
:func:`prioritizer.text.tables.present` underneath.

The reader's language is chosen by the caller: ``cli_lang()`` (``--lang``, else
``$PRIORITIZER_LANG``) on the command line, the session's choice in the app, the report's ``--lang``.
Nothing here keeps a language between calls.
"""

from prioritizer.presentation.tables import command_table, localise_names, table_string

__all__ = ["command_table", "localise_names", "table_string"]
