"""Django's test client on the example site, in a process of its own (the site's settings).

``python tests/example_client.py`` builds the demo (``manage.py demo``'s database, index and
sample posts, in ``DJANGOES_EXAMPLE_DIR``), prints ``ready``, then answers one GET per line of
stdin (a path with its query string) with one JSON line: ``status``, ``location`` (a redirect's
target) and ``html``. tests/test_example_search.py drives it; the suite's own process has other
Django settings, so the site cannot run there.
"""

from __future__ import annotations

import json
import os
import sys
from io import StringIO
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "example"


def main() -> None:
    sys.path.insert(0, str(EXAMPLE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blogsite.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # allows the test client's host, "testserver"
    call_command("demo", count=int(os.environ.get("EXAMPLE_POSTS", "300")), stdout=StringIO())
    client = Client()
    print("ready", flush=True)
    for line in sys.stdin:
        response = client.get(line.strip())
        answer = {
            "status": response.status_code,
            "location": response.get("Location"),
            "html": response.content.decode(),
        }
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
