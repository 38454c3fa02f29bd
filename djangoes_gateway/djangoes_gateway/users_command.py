"""``users``: the subcommand that manages a users file, as ``elasticsearch-users`` does.

::

    PROG users add NAME --file FILE [--password-stdin]
    PROG users passwd NAME --file FILE [--password-stdin]
    PROG users remove NAME --file FILE
    PROG users list --file FILE

A password is asked for on the terminal (twice, without echo) or read as one line from the
standard input with ``--password-stdin``; never taken as an argument, where the process list
and the shell's history would show it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from .users import UsersFile, UsersFileError

__all__ = ["add_users_command"]


def add_users_command(commands: Any, prog: str) -> None:
    """Add ``users`` to ``commands`` (an ``add_subparsers()`` result); it runs
    :func:`run_users`."""
    users = commands.add_parser(
        "users",
        help="add, remove and list the users a server lets in",
        description="Manage a users file: one 'name:hash' line per user, the hash a salted "
        "scrypt hash of the password (the file never holds a password). Servers started with "
        "--users FILE read it again whenever it changes.",
    )
    actions = users.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (
        ("add", "add a user (asks for the password)"),
        ("passwd", "change a user's password"),
        ("remove", "remove a user"),
        ("list", "list the user names"),
    ):
        action = actions.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        if name != "list":
            action.add_argument("name", metavar="NAME", help="the user's name")
        action.add_argument("--file", required=True, metavar="FILE", help="the users file")
        if name in ("add", "passwd"):
            action.add_argument(
                "--password-stdin",
                action="store_true",
                help="read the password as one line from the standard input instead of asking",
            )
        action.set_defaults(run=run_users, prog=prog)


def run_users(args: argparse.Namespace) -> int:
    """Run one ``users`` action; the exit status (1 for an error, said on stderr)."""
    try:
        users = UsersFile(args.file)
        if args.action == "list":
            for name in users.names():
                print(name)
            return 0
        if args.action == "remove":
            if not users.remove(args.name):
                return _fail(args, f"no user {args.name!r} in {args.file}")
            print(f"removed user {args.name!r} from {args.file}")
            return 0
        exists = users.password_hash(args.name) is not None
        if args.action == "add" and exists:
            return _fail(args, f"user {args.name!r} exists in {args.file}; use 'users passwd'")
        if args.action == "passwd" and not exists:
            return _fail(args, f"no user {args.name!r} in {args.file}; use 'users add'")
        password = _read_password(args)
        users.set_password(args.name, password)
    except (UsersFileError, ValueError, OSError) as error:
        return _fail(args, str(error))
    print(f"{'added' if args.action == 'add' else 'changed the password of'} user {args.name!r}")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("the same again: ") != first:
        raise ValueError("the two passwords differ; nothing changed")
    return first


def _fail(args: argparse.Namespace, message: str) -> int:
    print(f"{args.prog} users {args.action}: {message}", file=sys.stderr)
    return 1
