"""The users file: who may use a server, each name with a salted hash of the password.

One ``name:hash`` per line, as Elasticsearch's file realm keeps its ``users`` file; lines
starting with ``#`` are comments. The file never holds a password: ``djangoes-embedded users``
(:mod:`.users_command`) writes the hashes (:mod:`.passwords`). A server reads the file again
when it changes, so adding a user or changing a password needs no restart, and writes it
through a temporary file and a rename, readable by its owner only.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path

from .passwords import check_password, is_password_hash, make_password

__all__ = ["UsersFile", "UsersFileError", "check_username"]

#: Elasticsearch's rule for a user name: 1 to 507 printable characters, no leading or trailing
#: space; ``:`` is the file's separator, so it is refused as well.
_USERNAME = re.compile(r"[^\s:][^:\x00-\x1f\x7f]{0,505}[^\s:]|[^\s:]")


class UsersFileError(ValueError):
    """A users file that cannot be used: the message names the file and the line."""


def check_username(name: str) -> str:
    """``name``, or ValueError saying why it cannot be a user's name."""
    if not _USERNAME.fullmatch(name):
        raise ValueError(
            f"invalid user name {name!r}: 1 to 507 printable characters, no ':' and no "
            "leading or trailing space"
        )
    return name


class UsersFile:
    """The users of one file, read again whenever the file changes on disk."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._hashes: dict[str, str] = {}
        self.load()

    def __repr__(self) -> str:
        return f"<UsersFile {str(self.path)!r}>"

    def load(self) -> dict[str, str]:
        """The users and their hashes, read from the file if it changed since the last read.

        A missing file has no users (a server started before its first ``users add`` lets
        nobody in until then); an unreadable or malformed one raises :class:`UsersFileError`.
        """
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            stamp = None
        except OSError as error:
            raise UsersFileError(f"users file {str(self.path)!r}: {error.strerror}") from None
        else:
            stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        with self._lock:
            if stamp != self._stamp or stamp is None:
                self._hashes = self._read() if stamp is not None else {}
                self._stamp = stamp
            return self._hashes

    def _read(self) -> dict[str, str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsersFileError(f"users file {str(self.path)!r}: {error}") from None
        hashes: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            name, sep, encoded = line.partition(":")
            if not sep or not is_password_hash(encoded.strip()):
                # The line itself is not quoted: it could be a password typed by mistake.
                raise UsersFileError(
                    f"users file {str(self.path)!r}, line {number}: expected 'name:hash' with a "
                    "hash written by 'djangoes-embedded users'"
                )
            hashes[name] = encoded.strip()
        return hashes

    def names(self) -> list[str]:
        """The user names, sorted."""
        return sorted(self.load())

    def password_hash(self, name: str) -> str | None:
        """The stored hash of ``name``'s password, None for no such user."""
        return self.load().get(name)

    def check(self, name: str, password: str) -> bool:
        """Whether ``name`` is a user whose password is ``password`` (slow: a scrypt check)."""
        encoded = self.password_hash(name)
        return encoded is not None and check_password(password, encoded)

    def set_password(self, name: str, password: str) -> bool:
        """Add the user ``name``, or change its password; True if the user is new."""
        check_username(name)
        if not password:
            raise ValueError(f"user {name!r}: the password is empty")
        hashes = dict(self.load())
        new = name not in hashes
        hashes[name] = make_password(password)
        self._write(hashes)
        return new

    def remove(self, name: str) -> bool:
        """Remove the user ``name``; False if there was no such user."""
        hashes = dict(self.load())
        if hashes.pop(name, None) is None:
            return False
        self._write(hashes)
        return True

    def _write(self, hashes: dict[str, str]) -> None:
        """Replace the file at once (a reader sees the old file or the new one, never half)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"{name}:{encoded}\n" for name, encoded in sorted(hashes.items()))
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:  # mkstemp makes it 0600
                file.write(body)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.load()
