import os
import re
from html import unescape
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from blog.search import FACETS, Results, search
from djangoes import connection

#: What the demo searches for: a query and filters.
SEARCHES = [
    ("lantern", {}),
    ("coffee bread", {}),
    ("river", {"category": ["Travel"]}),
    ("winter", {"tag": ["beginners"]}),
]
TOP_HITS = 3
_EM = re.compile(r"<em>(.*?)</em>")


class Command(BaseCommand):
    help = (
        "Build the example from nothing (database, index, sample posts), print a few searches, "
        "and optionally serve the search page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--count", type=int, default=300, help="How many sample posts (default: 300)."
        )
        parser.add_argument(
            "--serve", action="store_true", help="Then serve the search page on 127.0.0.1."
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="The port of --serve (default: 8000)."
        )

    def handle(self, *args: Any, count: int, serve: bool, port: int, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']} (migrated)")
        self.stdout.write(f"Elasticsearch: {self.describe_server()}")
        self.create_indices()
        call_command("load_posts", count=count, stdout=self.stdout)
        for query, filters in SEARCHES:
            self.show(search(query, filters))
        if serve:
            if "DJANGOES_DEBUG" not in os.environ:
                settings.DEBUG = True  # a local demo: Django's error pages (the default is off)
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        else:
            self.stdout.write(
                "\nServe the search page on http://127.0.0.1:8000/ with: .uv/bin/uv run "
                "--locked --all-packages --all-extras python example/manage.py demo --serve"
            )

    def describe_server(self) -> str:
        server = connection.server
        if server["ENGINE"] == "embedded":
            return f"the embedded engine, in this process, data in {server['PARAMS']['path']}"
        hosts = ", ".join(str(host) for host in server["HOSTS"])
        return f"Elasticsearch at {hosts} ({server['ENGINE']} transport)"

    def create_indices(self) -> None:
        """(Re)create the connection's indices, dropping what was there: the posts' index from
        PostDocument, the DOCUMENT its ES_INDICES entry names."""
        indices = connection.client.indices
        for name, body in connection.get_indices_with_settings().items():
            aliases = list(body.get("aliases", {}))
            old = {name}  # and the indices its aliases point to, e.g. after a rebuild
            for alias in aliases:
                if indices.exists_alias(name=alias):
                    old.update(indices.get_alias(name=alias))
            indices.delete(index=sorted(old), ignore_unavailable=True)
            indices.create(index=name, **body)
            self.stdout.write(f"Index: {name} created, aliases: {', '.join(aliases) or 'none'}")

    def show(self, results: Results) -> None:
        where = "".join(
            f" in {name} {' or '.join(values)}" for name, values in results.filters.items()
        )
        total = f"{results.total} post{'s' if results.total != 1 else ''}"
        self.stdout.write(
            self.style.MIGRATE_HEADING(f'\nSearch "{results.query}"{where} ({total})')
        )
        for number, hit in enumerate(results.hits[:TOP_HITS], 1):
            self.stdout.write(
                f"  {number}. {_plain(hit.title)}  "
                f"[{hit.category}, by {hit.author}, {hit.published.isoformat()}]"
            )
            self.stdout.write(f"     {_plain(hit.summary)}")
        for name, buckets in results.facets.items():
            if not buckets:
                continue
            counts = ", ".join(f"{bucket.value} {bucket.count}" for bucket in buckets)
            self.stdout.write(f"  {FACETS[name].label}: {counts}")


def _plain(html: str) -> str:
    """A highlight for a terminal: matches in *stars*, entities decoded."""
    return unescape(_EM.sub(r"*\1*", html))
