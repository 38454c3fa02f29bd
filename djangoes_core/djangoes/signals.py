"""djangoes' signals, as ``django.db.backends.signals``."""

from django.dispatch import Signal

#: Sent when a connection is made, once per alias in each thread (``connections``) or event
#: loop (``aconnections``): ``sender`` is the backend class, ``connection`` the new connection,
#: its client ready. As Django's ``connection_created``: where to set up a fresh connection.
connection_created = Signal()
