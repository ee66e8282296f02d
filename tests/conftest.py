"""Suite-wide settings.

Hypothesis runs derandomized by default, so CI and a developer see the same
examples on every run (a failure reproduces exactly); set
``HYPOTHESIS_PROFILE=explore`` to draw fresh examples, and use
``python -m splice conformance --fuzz`` for long randomized searches.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
