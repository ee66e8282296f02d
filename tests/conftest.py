"""Suite-wide settings.

Hypothesis runs derandomized by default, so CI and a developer see the same
examples on every run (a failure reproduces exactly); set
``HYPOTHESIS_PROFILE=explore`` to draw fresh examples, and use
``python -m splice conformance --fuzz`` for long randomized searches.

A suite started in the background by a non-interactive shell (``cmd &``)
inherits SIGINT ignored, and so would every child process, where CPython
then raises no KeyboardInterrupt at all (plain and compiled alike): the
tests of interrupts would fail for the way they were started.  SIGINT gets
Python's default handler here, which a child's exec resets to the default.

The warm-start cache goes to a directory of the run's own (children
inherit it): a run neither reads what an earlier one left nor leaves
anything in the user's cache.
"""

import os
import signal
import tempfile

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

os.environ["SPLICE_CACHE_DIR"] = tempfile.mkdtemp(prefix="splice-test-cache-")
