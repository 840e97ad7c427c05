"""Files and folders the program creates are private (0600; folders 0700) whatever the
umask; a file system that cannot keep permissions (a FAT USB stick) still gets the file,
with a warning. A leaf module, so that ``db`` can create a new database file private
without importing ``files`` (whose guard reads ``db``); ``files`` re-exports these.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from .i18n import _

log = logging.getLogger("shoptui.files")  # the logger these warnings always came from

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


# -- permissions ----------------------------------------------------------------------------


def _create_private(path: Path) -> None:
    # Created 0600 (less if the umask takes more away), so it is never readable by others,
    # not even for a moment; make_private() says so once the file is written.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    os.close(fd)


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty and private if it does not exist (a new database, before
    SQLite opens it, so that its -wal and -shm files get the same mode). True if created."""
    try:
        _create_private(path)
    except OSError:  # it exists, or the folder is read-only: opening it says what is wrong
        return False
    make_private(path)
    return True


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents) if missing; the folder itself 0700."""
    if folder.is_dir():
        return
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    _set_mode(folder, PRIVATE_FOLDER)


def make_private(path: Path) -> None:
    """Readable and writable by the owner only; a file system that cannot say so gets a warning."""
    _set_mode(path, PRIVATE_FILE)


def _set_mode(path: Path, mode: int) -> None:
    if os.name == "nt":
        return  # Windows keeps access lists, not these bits: a user's files are theirs already
    try:
        os.chmod(path, mode)
        kept = stat.S_IMODE(os.stat(path).st_mode) == mode
    except OSError:
        kept = False
    if not kept:
        log.warning(
            _("The file system of {path} cannot keep it private; other users of this computer may read it.").format(
                path=path
            )
        )
