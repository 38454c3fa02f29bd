"""Keep the index in step with the database: a saved post is indexed, a deleted one removed.

Both wait for the transaction to commit, so that a rolled-back change never reaches the index.
"""

from contextlib import suppress
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from elasticsearch import NotFoundError

from .documents import PostDocument
from .models import Post


@receiver(post_save, sender=Post)
def index_post(sender: type[Post], instance: Post, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: the fixture's other objects may not be there yet
        return
    document = PostDocument.from_post(instance)
    transaction.on_commit(document.save)


@receiver(post_delete, sender=Post)
def unindex_post(sender: type[Post], instance: Post, **kwargs: Any) -> None:
    document = PostDocument(meta={"id": instance.pk})

    def delete() -> None:
        with suppress(NotFoundError):  # never indexed (saved by loaddata, say)
            document.delete()

    transaction.on_commit(delete)
