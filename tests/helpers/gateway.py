"""A real SMS gateway stand-in: an HTTP server on the loopback that records what it is sent."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway:
    """Answers each POST with the next of ``statuses`` (then 200), keeping the headers and raw body."""

    def __init__(self):
        self.received = []
        self.statuses = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                gateway.received.append((dict(self.headers), body))
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
