"""``site-builder serve``: build, serve the output folder, rebuild on every change and reload the browser.

The site is served by a small WSGI application under livereload's server,
which adds its reload script to every page. A rebuild that fails leaves the
last good site in place; its problems are printed, and every page served
shows them in a notice until a rebuild succeeds.
"""

from __future__ import annotations

import html
import mimetypes
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Callable, Iterable

from livereload.watcher import Watcher as LiveReloadWatcher
from tornado.ioloop import IOLoop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from site_builder.config import load_config
from site_builder.exceptions import SiteBuilderError
from site_builder.render import build
from site_builder.render.incremental import BuildState, state_path
from site_builder.render.edited import write_edited_article
from site_builder.render.site import Site
from site_builder.render.theme import DEFAULT_THEME, theme_folders

NOTICE_ID = "site-builder-notice"

NOTICE = (
    '<div id="' + NOTICE_ID + '" role="alert" style="position:fixed;z-index:2147483647;left:0;right:0;bottom:0;'
    "max-height:50vh;overflow:auto;margin:0;padding:1em 1.5em;background:#fff4f4;color:#7a0000;"
    'border-top:4px solid #c00;font:14px/1.5 monospace;white-space:pre-wrap">'
    "<strong>The last change could not be built; this is the last good version.</strong>\n{message}</div>"
)
"""Shown at the foot of every page while the last rebuild failed."""

Response = tuple[str, list[tuple[str, str]], bytes]

GATHER_SECONDS = 0.03
"""How long after a first change the rebuild waits for the changes that come with it."""


class Editor:
    """The state of a serve session: the build cache, and the problems of the last build if it failed."""

    def __init__(self, content: Path, out: Path, config: Path, log: Callable[[str], None]):
        self.content, self.out, self.config = content, out, config
        self.state = BuildState.load(state_path(content, out, config))
        self.error: str | None = None
        self.log = log
        self.sites: list[Site] = []
        """Those of the last build that had anything to do."""

    def rebuild(self, changed: Iterable[Path] = ()) -> bool:
        """Build; on failure keep the last good output and remember the problems. Whether it succeeded.

        When ``changed`` is one article whose body alone changed, its page is written first, at once."""
        start = time.perf_counter()
        self._write_edited(list(changed), start)
        try:
            report = build(self.content, self.out, self.config, self.state, sites=not self.sites)
        except SiteBuilderError as error:
            return self._failed(str(error))
        except Exception:  # a bug, or the system's (a full disk): said like a problem, and the session goes on
            return self._failed(traceback.format_exc())
        self.error = None
        self.sites = report.sites or self.sites
        self.log(f"built in {time.perf_counter() - start:.2f} s: {report.summary().splitlines()[0]}")
        return True

    def _failed(self, error: str) -> bool:
        self.error = error
        self.log(f"build failed, still serving the last good site:\n{error}")
        return False

    def _write_edited(self, changed: list[Path], start: float) -> None:
        # Editors that save by renaming a temporary file report that file too.
        changed = [path for path in changed if path.suffix == ".md" and path.parent.resolve() == self.content.resolve()]
        if self.error or len(changed) != 1:
            return
        try:
            written = write_edited_article(changed[0], self.sites, self.state, self.out)
        except (SiteBuilderError, OSError) as error:
            # The rebuild that follows says what is wrong, if anything is.
            self.log(f"could not write {changed[0].name}'s page ahead of the rebuild: {error}")
            return
        if written:
            self.log(f"{', '.join(written)} written in {time.perf_counter() - start:.3f} s; rebuilding the rest")

    def watched(self) -> list[Path]:
        """The content, the configuration, the theme folders and the seeds."""
        try:
            config = load_config(self.config)
            folders = [*theme_folders(config), config.seeds]
        except SiteBuilderError:
            folders = [DEFAULT_THEME]
        return [self.content, self.config, *folders]


def site_file(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside ``root``, or ``None``: nothing outside ``root`` is ever served."""
    relative = url_path.lstrip("/")
    if any(part.startswith(".") for part in relative.split("/") if part):
        return None
    root = root.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def respond(root: Path, url_path: str, notice: str | None) -> Response:
    """Status, headers and body for a GET of ``url_path``; HTML gets the notice when there is one."""
    status, target = "200 OK", site_file(root, url_path)
    if target and target.name == "index.html" and not url_path.endswith(("/", ".html")):
        # Pages link relatively: /authors/a must become /authors/a/ for their links to work.
        return "301 Moved Permanently", [("Location", url_path + "/")], b""
    if target is None:
        status, target = "404 Not Found", site_file(root, "/404.html")
    if target is None:
        body, kind = b"not found", "text/plain; charset=utf-8"
    else:
        body = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/xml"):
            kind += "; charset=utf-8"
    if notice and kind.startswith("text/html"):
        body = body.replace(b"</body>", NOTICE.format(message=html.escape(notice)).encode() + b"</body>", 1)
    return status, [("Content-Type", kind), ("Cache-Control", "no-store")], body


def wsgi_app(root: Path, notice: Callable[[], str | None]) -> Callable:
    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        # WSGI hands the path over as Latin-1; the URL itself is UTF-8.
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        status, headers, body = respond(root, path, notice())
        start_response(status, headers)
        return [body]

    return app


class Watcher(LiveReloadWatcher):
    """livereload's watcher, told of changes by the system (inotify on Linux) instead of polling every 0.8 s.

    Each change to ``paths`` (folders, watched whole, or files) calls ``rebuild`` on the server's loop with the
    paths changed, :data:`GATHER_SECONDS` after it; changes that come while it runs call it once more after it.
    """

    def __init__(self, paths: list[Path], rebuild: Callable[[set[Path]], None]):
        super().__init__()
        self.paths, self.rebuild = [p.resolve() for p in paths], rebuild
        self.observer = Observer()
        self.pending = False
        self.changed: set[Path] = set()
        """The paths changed since the last rebuild began (written on the observer's thread, taken on the loop's)."""
        self.loop: IOLoop | None = None
        # A task, so that livereload does not watch the working folder on its own.
        self._tasks["site-builder"] = {"func": None, "delay": "forever", "ignore": None}

    def start(self, callback: Callable[[], None]) -> bool:
        """Called by livereload on its loop: watch from now on. ``True``: it need not poll."""
        self.loop = IOLoop.current()
        handler = FileSystemEventHandler()
        handler.on_any_event = self._changed
        for path in self.paths:
            folder = path if path.is_dir() else path.parent
            if folder.is_dir():
                self.observer.schedule(handler, str(folder), recursive=path.is_dir())
        self.observer.daemon = True
        self.observer.start()
        return True

    def _changed(self, event: FileSystemEvent) -> None:
        """On the observer's thread: hand the rebuild to the loop, unless one is waiting to start already."""
        if event.event_type in ("opened", "closed_no_write") or not self._watched(event):
            return
        self.changed.update(Path(os.fsdecode(name)) for name in (event.src_path, getattr(event, "dest_path", "")) if name)
        if not self.pending and self.loop:
            self.pending = True
            # One save is several events (truncate, write, close): the rebuild starts once they are all in.
            self.loop.add_callback(self.loop.call_later, GATHER_SECONDS, self._run)

    def _watched(self, event: FileSystemEvent) -> bool:
        """Whether the event is about a watched path (a configuration file's folder holds the output too)."""
        for name in (event.src_path, getattr(event, "dest_path", "")):
            path = Path(os.fsdecode(name)) if name else None
            if path and any(path == p or (p.is_dir() and path.is_relative_to(p)) for p in self.paths):
                return True
        return False

    def _run(self) -> None:
        self.pending = False
        changed, self.changed = self.changed, set()
        self.rebuild(changed)


def serve(content: Path, out: Path, config: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Build, then serve ``out`` on ``host:port`` until interrupted, rebuilding on every change."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler

    editor = Editor(content, out, config, lambda message: print(message, file=sys.stderr, flush=True))
    editor.rebuild()

    def rebuild(changed: set[Path]) -> None:
        editor.rebuild(changed)
        # Reload after every rebuild, failed ones too (the pages then show the notice).
        LiveReloadHandler.reload_waiters()

    server = Server(app=wsgi_app(out, lambda: editor.error), watcher=Watcher(editor.watched(), rebuild))
    print(f"serving {out}/ at http://{host}:{port}/ — rebuilding on changes; Ctrl-C stops", file=sys.stderr, flush=True)
    try:
        server.serve(port=port, host=host, debug=False, restart_delay=0)
    finally:
        editor.state.save()
