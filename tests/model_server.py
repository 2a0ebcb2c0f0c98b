"""A local stand-in for download.openmmlab.com on 127.0.0.1, for the download tests:
serves a folder laid out as OpenMMLab's (``/mmpose/v1/projects/...``), counts the
requests per path, and answers some paths with faults:

- ``/truncated/<path>``: a Content-Length of the whole file, half the body, then close;
- ``/missing/...``: 404 (as any path not in the folder).

Zips are made as OpenMMLab's are: one top folder holding an MMDeploy SDK folder.
"""
from __future__ import annotations

import collections
import http.server
import os
import os.path as osp
import shutil
import threading
import zipfile
from typing import Optional

OPENMMLAB_ZIPS = '/mmpose/v1/projects/rtmposev1/onnx_sdk/'


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        self.server.hits[self.path] += 1
        if self.path.startswith('/truncated/'):
            path = self.translate_path(self.path[len('/truncated'):])
            if not osp.isfile(path):
                self.send_error(404)
                return
            data = open(path, 'rb').read()
            self.send_response(200)
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


class ModelServer:
    """``with ModelServer(root) as server``: ``server.url`` is ``http://127.0.0.1:PORT``."""

    def __init__(self, root: str) -> None:
        self.root = root
        handler = lambda *a, **k: _Handler(*a, directory=root, **k)  # noqa: E731
        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        self.httpd.hits = collections.Counter()
        self.url = f'http://127.0.0.1:{self.httpd.server_address[1]}'
        self.thread: Optional[threading.Thread] = None

    @property
    def hits(self) -> collections.Counter:
        return self.httpd.hits

    def __enter__(self) -> 'ModelServer':
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def zip_sdk_folder(folder: str, zip_path: str, strip_meta: bool = False) -> str:
    """``folder`` (an SDK folder) zipped as OpenMMLab publishes: under one top folder
    named after the zip. ``strip_meta``: drop our embedded keypoint meta from its ONNX
    file, as OpenMMLab's exports carry none."""
    top = osp.splitext(osp.basename(zip_path))[0]
    os.makedirs(osp.dirname(zip_path), exist_ok=True)
    tmp = zip_path + '.dir'
    shutil.copytree(folder, osp.join(tmp, top))
    if strip_meta:
        import onnx
        for f in os.listdir(osp.join(tmp, top)):
            if f.endswith('.onnx'):
                path = osp.join(tmp, top, f)
                model = onnx.load(path)
                del model.metadata_props[:]
                onnx.save(model, path)
    with zipfile.ZipFile(zip_path, 'w', zipfile.ZIP_DEFLATED) as z:
        for dirpath, _, files in os.walk(tmp):
            for f in files:
                full = osp.join(dirpath, f)
                z.write(full, osp.relpath(full, tmp))
    shutil.rmtree(tmp)
    return zip_path
