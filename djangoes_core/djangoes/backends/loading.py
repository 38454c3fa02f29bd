"""Finding a backend class from ``ENGINE``: a short name, or a dotted path.

Short names are entry points of the ``djangoes.backends`` group, which every transport
distribution registers (``embedded = "djangoes_backends_embedded:SimpleEmbeddedBackend"``),
loaded with stevedore; a dotted path is imported as Django imports its backends.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from django.utils.module_loading import import_string

from ..compat import LEGACY_BACKENDS
from ..errors import SettingError
from .abstracts import Base

NAMESPACE = "djangoes.backends"

#: Transports djangoes ships, by short name: the extra that installs each.
KNOWN = {
    "http": "http",
    "requests": "requests",
    "thrift": "thrift",
    "memcached": "memcached",
    "embedded": "embedded",
    "opensearch": "opensearch",
}


def installed() -> list[str]:
    """The short names of the backends installed in this environment."""
    return sorted(ep.name for ep in entry_points(group=NAMESPACE))


def missing(name: str, alias: str | None = None) -> SettingError:
    where = f"ES_SERVERS[{alias!r}]['ENGINE']" if alias else "ENGINE"
    install = f'pip install "djangoes[{KNOWN[name]}]"'
    return SettingError(
        "E009",
        f"{where} is {name!r}, whose distribution is not installed: {install}",
        hint=f"Run {install}, or choose another ENGINE.",
    )


def load_backend(engine: str, alias: str | None = None) -> type[Base]:
    """The backend class ``engine`` names; ImproperlyConfigured says what to do if none."""
    engine = LEGACY_BACKENDS.get(engine, engine)  # 0.3's dotted names
    where = f"ES_SERVERS[{alias!r}]['ENGINE']" if alias else "ENGINE"
    backend: object
    if "." not in engine:
        backend = _load_entry_point(engine, alias)
    else:
        try:
            backend = import_string(engine)
        except ImportError as error:
            raise SettingError(
                "E010", f"{where} {engine!r} could not be imported: {error}"
            ) from error
    if not (isinstance(backend, type) and issubclass(backend, Base)):
        raise SettingError(
            "E010",
            f"{where} {engine!r} is not a djangoes backend (a subclass of "
            "djangoes.backends.abstracts.Base)",
        )
    return backend


def _load_entry_point(name: str, alias: str | None) -> object:
    """What the entry point ``name`` names (``load_backend`` checks that it is a backend)."""
    from stevedore import driver
    from stevedore.exception import NoMatches

    try:
        manager: driver.DriverManager[object] = driver.DriverManager(
            NAMESPACE, name, invoke_on_load=False, on_load_failure_callback=_reraise
        )
    except NoMatches:
        if name in KNOWN:
            raise missing(name, alias) from None
        where = f"ES_SERVERS[{alias!r}]['ENGINE']" if alias else "ENGINE"
        choices = ", ".join(installed()) or "none"
        raise SettingError(
            "E010",
            f"{where} {name!r} is not an installed djangoes backend (installed: {choices}; "
            "or give the dotted path of a backend class)",
        ) from None
    return manager.driver


def _reraise(manager: object, entry_point: object, error: BaseException) -> None:
    raise SettingError("E010", f"djangoes backend {entry_point} failed to load: {error}") from error
