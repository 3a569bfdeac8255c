"""The one door between the command line / app and the library.

Every CLI command and every app page that reads case rows or records anything calls these
functions, never the loaders, the audit store or the services directly (an import-linter
contract in ``pyproject.toml`` fails CI otherwise). Each call:

1. establishes who is asking (:mod:`.caller`: a ``login`` session, no session, sign-in off,
   or the app's signed-in identity);
2. checks the action is registered (:mod:`.registry`) and the role may take it, and refuses a
   write without a session (:mod:`.gate`);
3. filters case rows, snapshots and messages to the reader's clearance (:mod:`.cases`);
4. records the action — runs as Runs, exports and every refusal as chained events.
"""

from __future__ import annotations

from prioritizer.door.caller import (
    SIGN_IN_HINT,
    Caller,
    SignInRequired,
    account_flag,
    app_caller,
    cli_caller,
    has_accounts,
    read_session_file,
    session_file,
    store_for,
    write_session_file,
)
from prioritizer.door.cases import check_folder, load_case, load_whole, redact, tier_facts, visible
from prioritizer.door.gate import enter, record_access
from prioritizer.door.records import (
    approve,
    comment,
    discussion,
    export_version,
    save_version,
    version_files,
    version_tier,
    versions,
)
from prioritizer.door.registry import ACTIONS, Action, action
from prioritizer.door.runs import (
    ClearedStore,
    cleared,
    compute,
    diff,
    replay,
    report,
    run_tier,
    save,
    stored_run,
    visible_runs,
)

__all__ = [
    "ACTIONS",
    "SIGN_IN_HINT",
    "Action",
    "Caller",
    "ClearedStore",
    "SignInRequired",
    "account_flag",
    "action",
    "app_caller",
    "approve",
    "check_folder",
    "cleared",
    "cli_caller",
    "comment",
    "compute",
    "diff",
    "discussion",
    "enter",
    "export_version",
    "has_accounts",
    "load_case",
    "load_whole",
    "read_session_file",
    "record_access",
    "redact",
    "replay",
    "report",
    "run_tier",
    "save",
    "save_version",
    "session_file",
    "store_for",
    "stored_run",
    "tier_facts",
    "version_files",
    "version_tier",
    "versions",
    "visible",
    "visible_runs",
    "write_session_file",
]
