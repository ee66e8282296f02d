"""Packaging glue that pyproject.toml cannot express: the start-up hook file.

``splice_autostart.pth`` lands in site-packages with both ``pip install .``
and ``pip install -e .``; at every interpreter start ``site`` runs its one
line, which costs one environment lookup unless ``SPLICE`` is set, and then
starts the automatic mode (``splice.runtime.auto.autostart``), in every
Python process and subprocess of that environment.
"""

import os

from setuptools import setup
from setuptools.command.build_py import build_py

PTH_NAME = "splice_autostart.pth"
PTH_LINE = ('import os; os.environ.get("SPLICE", "") not in ("", "0") and '
            '__import__("splice.runtime.auto").runtime.auto.autostart()\n')


class build_py_with_pth(build_py):
    """build_py that also writes the .pth at the root of what gets installed.

    A regular wheel installs everything in ``build_lib``; an editable wheel
    (PEP 660) only links the sources, so there the file is written where the
    editable wheel's own files are collected (the ``install`` command's
    ``install_lib``, which setuptools points at the unpacked wheel).
    """

    def run(self) -> None:
        super().run()
        root = self.get_finalized_command("install").install_lib if self.editable_mode else self.build_lib
        os.makedirs(root, exist_ok=True)
        with open(os.path.join(root, PTH_NAME), "w", encoding="utf-8") as f:
            f.write(PTH_LINE)

    def get_outputs(self, include_bytecode: bool = True) -> list:
        extra = [] if self.editable_mode else [os.path.join(self.build_lib, PTH_NAME)]
        return super().get_outputs(include_bytecode) + extra


setup(cmdclass={"build_py": build_py_with_pth})
