"""``amif-rules workbench``: the service on a free loopback port, with the workbench page opened
in the browser (``--no-browser``: only the address is printed). Ctrl-C stops it cleanly.

The service is the same as ``amif-rules serve`` (one worker, no token: it listens on
127.0.0.1 only); its modules are imported only when this command runs.
"""

from __future__ import annotations

import argparse
import threading
import time
from typing import Any

from ..languages import LANGUAGES
from . import exits
from .serve import add_workbench_options

COMMAND_NAME = "workbench"


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Add ``workbench`` to the ``amif-rules`` sub-commands."""
    parser = commands.add_parser(
        "workbench",
        help="open the workbench in the browser: read a call, draft it, try it, test it, weigh its impact",
        description="Start the service on 127.0.0.1 (a free port unless --port says one) and open the workbench page "
        "in the browser. Drafts are files of the workspace folder, which amif-rules lint and test read. Ctrl-C stops it.",
    )
    add_workbench_options(parser)
    parser.add_argument("--port", type=int, default=0, help="the port (default: a free one)")
    parser.add_argument("--no-browser", action="store_true", help="print the address, do not open a browser")
    parser.add_argument("--lang", choices=LANGUAGES, help="the page's language (default: the one chosen last, else nl)")
    return parser


def _bound_port(server: Any) -> int | None:
    """The port uvicorn listens on (the system's choice when asked for port 0)."""
    for listening in getattr(server, "servers", ()):
        for sock in listening.sockets:
            port: int = sock.getsockname()[1]
            return port
    return None


def execute(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C (or SIGTERM): requests in flight finish, then the command exits 0."""
    import uvicorn

    from ..service import Settings, create_app

    app = create_app(Settings(port=args.port, workspace=args.workspace, sources=args.sources))
    folder = app.state.workbench.workspace.folder
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning"))

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        port = _bound_port(server)
        if not server.started or port is None:
            return
        url = f"http://127.0.0.1:{port}/" + (f"?lang={args.lang}" if args.lang else "")
        print(f"amif-rules workbench: {url}  (drafts in {folder}; Ctrl-C stops it)", flush=True)
        if not args.no_browser:
            import webbrowser  # only when a browser is to be opened: not at the parser's start

            webbrowser.open(url)

    threading.Thread(target=announce, name="amif-workbench-announce", daemon=True).start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    return exits.OK


COMMAND = exits.Command(COMMAND_NAME, add_parser, execute)
