"""The server's TLS: a certificate and its key, TLS 1.2 at least.

Kept apart from the server so that the command line can load (and refuse) the files before
anything is bound, and tests can hand the server a context of their own.
"""

from __future__ import annotations

import os
import ssl

__all__ = ["MINIMUM_VERSION", "TlsFilesError", "server_context"]

#: Older versions are refused at the handshake, as Elasticsearch does by default.
MINIMUM_VERSION = ssl.TLSVersion.TLSv1_2


class TlsFilesError(ValueError):
    """The certificate or key cannot be used: the message names the files, never their text."""


def server_context(
    certfile: str | os.PathLike[str], keyfile: str | os.PathLike[str] | None = None
) -> ssl.SSLContext:
    """A server-side context presenting ``certfile`` (a PEM chain, the key in it or in
    ``keyfile``), with the default context's ciphers and TLS 1.2 at least."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = MINIMUM_VERSION
    try:
        context.load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as exc:
        files = f"--certfile {os.fspath(certfile)}"
        if keyfile is not None:
            files += f" --keyfile {os.fspath(keyfile)}"
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise TlsFilesError(
            f"cannot use the TLS certificate and key ({files}): {reason}; give a PEM "
            "certificate chain and its unencrypted PEM private key"
        ) from None
    return context
