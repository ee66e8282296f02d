"""The generated stencil tables, one module per CPython version and ABI
(``cpython_311_release``), each with its disassembly listing (``.lst``)
beside it.  ``build.py`` writes them; nothing here is edited by hand."""
