from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from blog import sample
from blog.documents import PostDocument
from blog.models import Post

FIELDS = ["title", "author", "category", "tags", "body", "published"]


class Command(BaseCommand):
    help = (
        "Create the sample posts (the same ones on every run; run again, they are replaced) "
        "and index every post."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--count", type=int, default=300, help="How many sample posts (default: 300)."
        )

    def handle(self, *args: Any, count: int, **options: Any) -> None:
        posts = [Post(**fields) for fields in sample.posts(count)]
        Post.objects.bulk_create(
            posts, update_conflicts=True, unique_fields=["slug"], update_fields=FIELDS
        )
        # Sample posts of an earlier, larger run (their receivers remove them from the index).
        Post.objects.filter(slug__startswith=sample.SLUG_PREFIX).exclude(
            slug__in=[post.slug for post in posts]
        ).delete()
        indexed, _ = PostDocument.bulk(
            (PostDocument.from_post(post) for post in Post.objects.order_by("pk").iterator()),
            refresh=True,
        )
        self.stdout.write(f"{count} sample posts saved, {indexed} posts indexed.")
