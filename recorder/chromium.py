"""Finding a Chromium or Chrome to drive, and installing one where none is found.

No Playwright here: `ielts browser` and the choice of a headed or headless window cost a command
nothing. Order of the search: --browser, $IELTS_RECORDER_BROWSER, the Chromium that
``playwright install chromium`` downloaded, then the PATH (and the usual macOS folders).
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import BrowserNotFound

BROWSER_ENV = "IELTS_RECORDER_BROWSER"
PATH_CANDIDATES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)
MAC_CANDIDATES = (
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
INSTALL_HELP = (
    "Install one with:\n"
    f"  {Path(sys.executable).name} -m playwright install chromium\n"
    "or, on Debian/Ubuntu:  sudo apt-get install -y chromium\n"
    "or, on macOS:          brew install --cask chromium\n"
    f"or point ${BROWSER_ENV} (or --browser) at a Chromium or Chrome executable."
)


def playwright_managed_chromium() -> Path | None:
    """The Chromium that ``playwright install chromium`` put in its cache, if it is there."""
    base = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if base in (None, "", "0"):
        home = Path.home()
        base_path = {
            "Darwin": home / "Library" / "Caches" / "ms-playwright",
            "Windows": Path(os.environ.get("LOCALAPPDATA", home)) / "ms-playwright",
        }.get(platform.system(), home / ".cache" / "ms-playwright")
    else:
        base_path = Path(base)
    patterns = (
        "chromium-*/chrome-linux*/chrome",
        "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
        "chromium-*/chrome-mac*/Google Chrome for Testing.app/Contents/MacOS/*",
        "chromium-*/chrome-win*/chrome.exe",
    )
    for pattern in patterns:
        found = sorted(base_path.glob(pattern))
        if found:
            return found[-1]
    return None


def find_browser(explicit: str | None = None) -> Path:
    """The browser to drive: explicit, $IELTS_RECORDER_BROWSER, Playwright's own, then PATH."""
    for origin, value in (
        ("--browser", explicit),
        (f"${BROWSER_ENV}", os.environ.get(BROWSER_ENV)),
    ):
        if value:
            path = Path(value).expanduser()
            resolved = path if path.is_file() else shutil.which(value)
            if not resolved:
                raise BrowserNotFound(f"{origin} names {value}, which is not an executable file")
            return Path(resolved)
    managed = playwright_managed_chromium()
    if managed:
        return managed
    for name in PATH_CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    if platform.system() == "Darwin":
        for candidate in MAC_CANDIDATES:
            if Path(candidate).is_file():
                return Path(candidate)
    raise BrowserNotFound("no Chromium or Chrome found. " + INSTALL_HELP)


def install_browser(echo: Callable[[str], None] = print) -> Path:
    """Make sure a browser is there: Playwright's download, else the OS package when root."""
    with contextlib.suppress(BrowserNotFound):
        return find_browser()
    echo("No browser found: trying 'playwright install chromium'...")
    with contextlib.suppress(subprocess.SubprocessError, OSError):
        subprocess.run(
            [sys.executable, "-m", "playwright", "install", "chromium"],
            check=True,
            timeout=600,
            capture_output=True,
        )
    with contextlib.suppress(BrowserNotFound):
        return find_browser()
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        echo("Playwright's download is not available here: installing Debian's chromium package...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([apt, "update", "-qq"], check=False, env=env)
        subprocess.run([apt, "install", "-y", "-qq", "chromium"], check=False, env=env)
        with contextlib.suppress(BrowserNotFound):
            return find_browser()
    raise BrowserNotFound("could not install a browser automatically. " + INSTALL_HELP)


def has_display() -> bool:
    """Whether a headed window can be shown (Linux needs an X or Wayland display)."""
    if platform.system() in ("Darwin", "Windows"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
