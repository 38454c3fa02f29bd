"""Keep the index in step with the database: a saved post is indexed, a deleted one removed.

Both wait for the transaction to commit, so that a rolled-back change never reaches the index.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from djangoes import connection

from .models import Post
from .search import document


@receiver(post_save, sender=Post)
def index_post(sender: type[Post], instance: Post, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: the fixture's other objects may not be there yet
        return
    doc_id, doc = str(instance.pk), document(instance)
    transaction.on_commit(lambda: connection.index(id=doc_id, document=doc))


@receiver(post_delete, sender=Post)
def unindex_post(sender: type[Post], instance: Post, **kwargs: Any) -> None:
    doc_id = str(instance.pk)
    transaction.on_commit(lambda: connection.options(ignore_status=404).delete(id=doc_id))
