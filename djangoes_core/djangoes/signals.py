"""djangoes' signals, as ``django.db.backends.signals``."""

from django.dispatch import Signal

#: Sent when a connection is made, once per alias in each thread (``connections``) or event
#: loop (``aconnections``): ``sender`` is the backend class, ``connection`` the new connection,
#: its client ready. As Django's ``connection_created``: where to set up a fresh connection.
connection_created = Signal()

#: Sent by a rebuild (``djangoes.rebuild.Rebuild``) as it reaches each of its steps: ``sender``
#: is the ``Rebuild`` class, ``rebuild`` the rebuild, ``step`` one of ``Rebuild.STEPS``. For
#: logs and metrics; a receiver that raises fails the rebuild, which then undoes itself.
rebuild_step = Signal()
