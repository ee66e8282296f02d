"""``splice bench``: the benchmark suite side by side under several runtimes.

Modules: `suite` (what is run), `runtimes` (the rows), `child` (the measured
process), `runner` (starting processes, interleaving, output checks),
`stats` (medians, spread, ratios), `results` (the data model), `report`
(table, JSON, plot), `cli` (``main(argv)``). See docs/benchmarks.md.
"""
