"""What importing two dozen standard-library packages costs under the
automatic mode: CPU time of the imports, and the functions compiled.

    python -m splice run scripts/import_compiles.py
"""

import time

start = time.process_time()
import argparse, ast, asyncio, concurrent.futures, csv, dataclasses, decimal, doctest, email.mime.multipart  # noqa: E401,E402,F401
import http.client, inspect, json, logging.handlers, multiprocessing, pdb, pydoc, sqlite3, statistics  # noqa: E401,E402,F401
import tarfile, tokenize, typing, unittest, urllib.request, xml.dom.minidom, zipfile  # noqa: E401,E402,F401

import splice  # noqa: E402

stats = splice.stats()
print(f"imports: {(time.process_time() - start) * 1000:.0f} ms CPU, {stats['compiles']} compiles: "
      f"{sorted(stats['compile_times_s'])}")
