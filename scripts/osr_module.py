"""A script whose hot loop is module-level code, for on-stack replacement.

    farm-bench -n 5 --vs "python scripts/osr_module.py" -- python -m splice run scripts/osr_module.py

The loop runs once, in the module's code (about 1.7 s plain at the default
size): only on-stack replacement (runtime/osr.py) runs it compiled.  Its
names live in the module's dict, so it runs as the first tier compiles it.
``N`` on the command line sets the loop's length.
"""

import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000_000
total = 0
for i in range(n):
    total += i % 7
print(total)
