"""Files the program writes: one guard for every output path and one atomic writer.

Every ``-o`` of the command line and every file the app's dialogs write goes through
``atomic_output`` (or ``check_output`` first, to refuse a bad path before any work):

- the guard refuses the shop's database and its ``-wal``, ``-shm`` and ``-journal``
  files (compared by resolved path and by device and inode, so a symbolic or hard link
  to them is caught too), an existing file that is not a regular one (a device such as
  ``/dev/full``, a pipe, a socket), a folder, a folder that does not exist or cannot be
  written, and a name the system cannot take;
- the writer writes a temporary file beside the target, created readable by its owner
  only, and renames it over the target at the end, so the target is whole or untouched;
- a temporary file is named ``.NAME.shoptui-partial-PID``; one left behind by a killed
  writer (its process gone) is removed at the next write into the same folder.

Files the program creates are private (0600; folders 0700) whatever the umask. A file
system that cannot keep permissions (a FAT USB stick) still gets the file, with a warning.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import peewee

from . import db as dbmod
from .errors import ShopError, ValidationError
from .i18n import _
from .private_files import (  # noqa: F401 (re-exported: the permissions live in a leaf that db can use)
    PRIVATE_FILE,
    PRIVATE_FOLDER,
    _create_private,
    _set_mode,
    create_private_file,
    make_private,
    make_private_folder,
)

log = logging.getLogger(__name__)

# The files SQLite keeps beside a database while it is open or after a crash.
DATABASE_SIDE_FILES = ("-wal", "-shm", "-journal")
PARTIAL_MARK = ".shoptui-partial-"
_PARTIAL = re.compile(r"^\..*" + re.escape(PARTIAL_MARK) + r"(?P<pid>\d+)(?:-wal|-shm|-journal)?$")
_NAME_KEPT = 100  # of the target's name in the temporary one, so it stays within NAME_MAX


class _Bound(enum.Enum):
    """The default of ``database`` below (a one-member enum, so that a type checker knows it)."""

    BOUND = "the database the models are bound to"


_BOUND: Final = _Bound.BOUND


# -- the guard ----------------------------------------------------------------------------


def database_files(database: str | os.PathLike | None) -> list[Path]:
    """The database file and the files SQLite keeps beside it; none for PostgreSQL."""
    if database is None:
        return []
    text = os.fspath(database)
    if not text or not dbmod.is_sqlite(text):
        return []
    path = dbmod.sqlite_path(text)
    if str(path) in ("", ":memory:"):
        return []
    return [path] + [Path(f"{path}{suffix}") for suffix in DATABASE_SIDE_FILES]


def bound_database() -> str | None:
    """The file of the SQLite database the models are bound to, if any."""
    bound = dbmod.database.obj
    return bound.database if isinstance(bound, peewee.SqliteDatabase) else None


def check_output(path: str | os.PathLike, database: str | os.PathLike | None | _Bound = _BOUND) -> Path:
    """``path`` as a file the program may write, or ``ValidationError`` (field ``path``)
    with one sentence saying why not.

    ``database``: the database whose files must never be written over (a path or URL);
    by default the database the models are bound to."""
    text = os.fspath(path).strip() if isinstance(path, str) else os.fspath(path)
    if not text:
        raise ValidationError(_("Give the name of the file to write."), "path")
    target = Path(text).expanduser()
    protected = database_files(bound_database() if database is _BOUND else database)
    try:
        if "\x00" in str(target):  # pathlib's tests answer False for it instead of failing
            raise ValueError("embedded null byte")
        info = _stat(target)
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise ValidationError(_("{path} is a folder; give the name of a file.").format(path=target), "path")
        if _is_database_file(target, info, protected):
            raise ValidationError(
                _("{path} is the shop's database or one of its files; choose another name.").format(path=target), "path"
            )
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise ValidationError(
                _("{path} is not an ordinary file (it is a device, a pipe or a socket); choose another name.").format(
                    path=target
                ),
                "path",
            )
        folder = target.parent
        if not folder.is_dir():
            raise ValidationError(_("The folder {folder} does not exist.").format(folder=folder), "path")
        writable = os.access(folder, os.W_OK | os.X_OK)
    except (OSError, ValueError):  # a name the system cannot take: a NUL, too long
        raise ValidationError(
            _("{path} is not a file name this computer can use.").format(path=target), "path"
        ) from None
    if not writable:
        raise ValidationError(
            _("The folder {folder} cannot be written to; choose another one.").format(folder=folder), "path"
        )
    return target


def _stat(path: Path) -> os.stat_result | None:
    """The file at ``path`` (through links), or None when there is none (also a dangling link)."""
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None  # a component is a file: the folder check says so


def _is_database_file(target: Path, info: os.stat_result | None, protected: list[Path]) -> bool:
    resolved = target.resolve()
    for path in protected:
        if path.resolve() == resolved:
            return True
        if info is not None:
            other = _stat(path)
            if other is not None and (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
                return True
    return False


# -- the writer ---------------------------------------------------------------------------


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, database: str | os.PathLike | None | _Bound = _BOUND) -> Iterator[Path]:
    """Write a file whole or not at all: yields a temporary path beside the target (an
    empty private file) for the caller to fill; on success it is renamed over the target.

    The target is checked by ``check_output`` (before and again just before the rename).
    An ``OSError`` while writing becomes one sentence (``ValidationError`` on ``path``);
    whatever happens, the temporary file (and an SQLite journal beside it) is removed.
    """
    target = check_output(path, database)
    clean_leftovers(target.parent)
    name = target.name[:_NAME_KEPT]
    partial = target.with_name(f".{name}{PARTIAL_MARK}{os.getpid()}")
    _remove_with_side_files(partial)
    try:
        try:
            _create_private(partial)
            yield partial
            check_output(target, database)  # it may have changed while we wrote
            make_private(partial)
            _sync(partial)
            os.replace(partial, target)
            _sync_folder(target.parent)
        except ShopError:
            raise
        except OSError as exc:
            raise ValidationError(
                _("The file {path} cannot be written: {reason}").format(path=target, reason=exc.strerror or exc), "path"
            ) from None
    finally:
        _remove_with_side_files(partial)


def write_output(
    path: str | os.PathLike,
    data: bytes | str,
    *,
    encoding: str = "utf-8",
    database: str | os.PathLike | None | _Bound = _BOUND,
) -> Path:
    """Write ``data`` (text with ``encoding``, newlines as given) to ``path`` atomically."""
    target = check_output(path, database)
    with atomic_output(target, database) as partial:
        if isinstance(data, bytes):
            partial.write_bytes(data)
        else:
            partial.write_text(data, encoding=encoding, newline="")
    return target


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files of writers that were killed (their process is gone)."""
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = _PARTIAL.match(name)
        if match is None or process_alive(int(match["pid"])):
            continue
        with contextlib.suppress(OSError):
            (folder / name).unlink()
            removed.append(folder / name)
    return removed


def process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return False
    return True


def _windows_process_alive(pid: int) -> bool:
    # os.kill(pid, 0) would terminate the process on Windows; ask for its exit code instead.
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _remove_with_side_files(path: Path) -> None:
    for suffix in ("", *DATABASE_SIDE_FILES):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def _sync(path: Path) -> None:
    """The bytes on the disk before the rename makes them the target."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    if os.name == "nt":
        return  # no handle on a folder there; NTFS journals the rename
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
