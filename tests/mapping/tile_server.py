"""A local XYZ tile server for tests: ``python tests/mapping/tile_server.py LOG [--throttle-first]``.

Serves /{z}/{x}/{y}.png as small PNGs (colour by zoom) on 127.0.0.1 at a free port, printed on the
first line of stdout. Every request is logged to LOG as a JSON line (monotonic time, path,
User-Agent). With ``--throttle-first``, the first request gets 429 with ``Retry-After: 1``.
"""

from __future__ import annotations

import io
import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

TILE = re.compile(r"^/(\d+)/(\d+)/(\d+)\.png$")


def png(z: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (20 * z % 256, 120, 200)).save(out, "PNG")
    return out.getvalue()


class Handler(BaseHTTPRequestHandler):
    log_path = ""
    throttle_first = False
    served = 0

    def do_GET(self) -> None:
        with open(self.log_path, "a") as log:
            log.write(
                json.dumps({"t": time.monotonic(), "path": self.path, "ua": self.headers["User-Agent"]})
            )
            log.write("\n")
        Handler.served += 1
        if Handler.throttle_first and Handler.served == 1:
            self._answer(429, b"slow down", {"Retry-After": "1"})
            return
        match = TILE.match(self.path)
        if match is None:
            self._answer(404, b"no such tile", {})
            return
        self._answer(200, png(int(match.group(1))), {"Content-Type": "image/png"})

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


def main() -> None:
    Handler.log_path = sys.argv[1]
    Handler.throttle_first = "--throttle-first" in sys.argv
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
