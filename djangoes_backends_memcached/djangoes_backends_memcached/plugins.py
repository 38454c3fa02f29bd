"""Where pylibmc's libsasl2 finds its mechanisms: what ``username``/``password`` need.

pylibmc's wheels bundle a libsasl2 built to look for its plugins (PLAIN is one: ``libplain.so``)
in ``/usr/lib64/sasl2:/etc/sasl2`` only, and load them once, when pylibmc is imported. Debian and
Ubuntu keep them elsewhere (``/usr/lib/<arch>/sasl2``, package ``libsasl2-modules``), so with
nothing done the client finds no mechanism and cannot authenticate. :func:`find_plugins` points
``SASL_PATH`` at the system's plugins, if it has some and ``SASL_PATH`` is not set already; the
package runs it before anything here imports pylibmc.
"""

from __future__ import annotations

import glob
import os
import platform

__all__ = ["PLUGIN", "find_plugins", "plain_available", "plugin_directories"]

#: The plugin of the PLAIN mechanism, the one the gateway takes.
PLUGIN = "libplain.so"
#: Where the wheel's libsasl2 looks unless told otherwise.
WHEEL_DEFAULT = ("/usr/lib64/sasl2", "/etc/sasl2")
#: Where distributions put the plugins: Debian and Ubuntu (multiarch), Alpine and Arch.
CANDIDATES = ("/usr/lib/*-linux-gnu/sasl2", "/usr/lib/sasl2", "/usr/local/lib/sasl2")


def plugin_directories() -> list[str]:
    """The directories of this machine that hold a PLAIN plugin, this machine's arch first."""
    found = [path for pattern in CANDIDATES for path in sorted(glob.glob(pattern))]
    found = [path for path in found if os.path.exists(os.path.join(path, PLUGIN))]
    machine = platform.machine()
    return sorted(found, key=lambda path: machine not in path)


def find_plugins() -> str | None:
    """Set ``SASL_PATH`` to the system's plugins if the wheel's default finds none and it is
    unset; the path in force (None: libsasl2's default)."""
    if "SASL_PATH" in os.environ:
        return os.environ["SASL_PATH"]
    if any(os.path.exists(os.path.join(path, PLUGIN)) for path in WHEEL_DEFAULT):
        return None
    directories = plugin_directories()
    if directories:
        os.environ["SASL_PATH"] = ":".join(directories)
        return os.environ["SASL_PATH"]
    return None


def plain_available() -> bool:
    """Whether pylibmc's libsasl2 finds a PLAIN plugin (where ``SASL_PATH``, or its default,
    says to look)."""
    path = os.environ.get("SASL_PATH")
    directories = path.split(":") if path else WHEEL_DEFAULT
    return any(os.path.exists(os.path.join(d, PLUGIN)) for d in directories)
