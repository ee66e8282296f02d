"""A script whose hot loop is in a function called once, for on-stack replacement.

    farm-bench -n 7 --vs "python scripts/osr_main.py" -- python -m splice run scripts/osr_main.py

``main()`` runs its loop once (about 0.5 s plain at the default size):
splice compiles it while it runs, and only on-stack replacement
(runtime/osr.py) lets that call use the native code.  ``N`` on the command
line sets the loop's length.
"""

import sys


def main(n: int) -> float:
    total = 0.0
    for i in range(n):
        total += (i % 7) * 0.5
    return total


if __name__ == "__main__":
    print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8_000_000))
