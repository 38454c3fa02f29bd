"""Screenshots of the demo's search page, for the README and the docs (docs/_static/demo-*.png).

Builds the demo in a temporary directory, serves it on 127.0.0.1 (``manage.py demo --serve``)
and photographs a few pages with headless Chromium (Debian's ``chromium`` package:
``apt-get install chromium``). Run from the project's root after the README's set-up:

    .venv/bin/python scripts/screenshots.py [--out docs/_static] [--chromium /usr/bin/chromium]

tests/test_example_search.py runs it into a temporary directory when Chromium is installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: name: (the page's path and query, the window's width and height in pixels, the zoom)
SHOTS = {
    "demo-front": ("/", (1024, 800), 1.0),
    "demo-query": ("/?q=%22quiet+river%22+%7C+glacier+-winter", (1024, 800), 1.0),
    "demo-facets": ("/?q=lantern&category=Travel&category=Music", (1024, 800), 1.0),
    # Zoomed out, down to the pager below the ten hits.
    "demo-pages": ("/?q=lantern&page=2", (860, 1040), 0.75),
}
# Chromium without what it does on a first run: no network beyond the page, no GPU, no sync.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "_static")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="djangoes-screenshots-") as work:
        url, server = serve(Path(work))
        try:
            for name, (path, size, zoom) in SHOTS.items():
                target = args.out / f"{name}.png"
                screenshot(args.chromium, url + path, target, size, zoom, Path(work))
                print(f"{target} ({target.stat().st_size // 1024} KB)")
        finally:
            server.terminate()
            server.wait(30)


def serve(work: Path) -> tuple[str, subprocess.Popen[str]]:
    """``demo --serve`` on a free port, its data in ``work``; returns once it answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DJANGOES_EXAMPLE_DIR": str(work / "var"), "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGOES_ES_URL", None)
    command = [sys.executable, str(ROOT / "example" / "manage.py"), "demo", "--serve"]
    with (work / "server.log").open("w") as log:
        server = subprocess.Popen(
            [*command, "--port", str(port)], env=env, stdout=log, stderr=log, text=True
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=5).close()
            return url, server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                sys.exit(f"demo --serve did not answer:\n{(work / 'server.log').read_text()}")
            time.sleep(0.2)


def screenshot(
    chromium: str, url: str, target: Path, size: tuple[int, int], zoom: float, work: Path
) -> None:
    profile = tempfile.mkdtemp(prefix="chromium-", dir=work)
    result = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={target}",
            f"--force-device-scale-factor={zoom}",
            # The window's size in CSS pixels: the image is ``size`` pixels.
            f"--window-size={round(size[0] / zoom)},{round(size[1] / zoom)}",
            url,
        ],
        # Its crash reports and settings cache go to the work directory, not the home's.
        env={**os.environ, "HOME": profile, "XDG_CONFIG_HOME": profile, "XDG_CACHE_HOME": profile},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0 or not target.exists():
        sys.exit(f"chromium failed on {url} ({result.returncode}):\n{result.stderr}")


if __name__ == "__main__":
    main()
