"""Writing output files: through a temporary file in the same folder, renamed over the output
only when everything is written, so an interrupted or failing run never leaves half a file and
never touches an existing output. Every failure of the file system (the parent is a file, no
permission, a name too long, a full disk) is one located E-OUTPUT, never a traceback."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..base.errors import OutputError, Problem

_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EROFS: "文件系统是只读的",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.ENOTDIR: "路径中的上级是文件，不是文件夹",
    errno.EEXIST: "路径中的上级是文件，不是文件夹",
    errno.EISDIR: "输出位置是一个文件夹",
    errno.ENOENT: "这个位置不能建立文件",
}


def exists(path: Path) -> bool:
    """Whether something (a file, a folder, a link, even a broken one) is at path. A path the
    system cannot even look up (a name too long, a parent that is a file) is not there: writing
    to it then says why, as E-OUTPUT, instead of Path.exists raising."""
    return os.path.lexists(path)


def output_problem(path: Path, error: OSError) -> Problem:
    """The E-OUTPUT problem for an OSError met while writing path."""
    reason = _REASONS.get(error.errno or 0) or f"无法写入：{error.strerror or error}"
    return Problem(
        "E-OUTPUT",
        f"{reason}，未写出（原有的文件未改动）",
        file=str(path),
        suggestion="换一个可以写入的位置（-o）" if error.errno != errno.ENOSPC else "腾出磁盘空间后重试",
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed over it when the block succeeds and removed
    otherwise; an OSError becomes OutputError (E-OUTPUT)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        _remove_stale_temporaries(path)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
    except OSError as error:
        raise OutputError([output_problem(path, error)]) from None
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise OutputError([output_problem(path, error)]) from None
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


_STARTED = time.time()


def _remove_stale_temporaries(path: Path) -> None:
    """Remove what a killed earlier run left: our own temporary names next to path (mkstemp's
    eight characters between `.NAME.` and `.tmp`), last written before this process started."""
    pattern = re.compile(re.escape(f".{path.name}.") + r"[a-z0-9_]{8}\.tmp")
    for candidate in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if pattern.fullmatch(candidate.name) and candidate.stat().st_mtime < _STARTED:
                candidate.unlink()


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file (see atomic_path), synced to the disk before
    it replaces the old file."""
    with atomic_path(path) as temporary, temporary.open("wb") as handle:
        _write(handle, data)
        handle.flush()
        os.fsync(handle.fileno())


def _write(handle: BinaryIO, data: bytes) -> None:
    handle.write(data)


def refuse_inputs_as_output(output: Path, inputs: Iterable[Path]) -> None:
    """E-OUTPUT when the output would replace one of the inputs (batch flat.csv -o flat.csv)."""
    if not output.exists():
        return
    for source in inputs:
        with contextlib.suppress(OSError):
            if source.exists() and os.path.samefile(source, output):
                raise OutputError(
                    [
                        Problem(
                            "E-OUTPUT",
                            "输出文件就是输入文件，写出会覆盖输入，未写出",
                            file=str(output),
                            suggestion="用另一个文件名（-o）",
                        )
                    ]
                )


MAX_NAME_LENGTH = 80
"""Characters kept of a key in a file name (a file system allows 255 bytes: 80 CJK characters
in UTF-8 are 240)."""

_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
"""Names Windows reserves for devices, whatever the extension."""


def unique_file_names(keys: Iterable[str]) -> dict[str, str]:
    """A file name (without extension) for each key: letters, digits, CJK, - and _ kept, anything
    else "_", at most MAX_NAME_LENGTH characters, never a Windows device name, and different for
    different keys even where a file system ignores case (P/1 and P_1 become P_1 and P_1-2)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for key in keys:
        base = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in key)[:MAX_NAME_LENGTH] or "_"
        if base.upper() in _RESERVED:
            base = "_" + base
        name, number = base, 1
        while name.casefold() in taken:
            number += 1
            name = f"{base}-{number}"
        taken.add(name.casefold())
        names[key] = name
    return names
