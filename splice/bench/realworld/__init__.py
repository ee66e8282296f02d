"""Workloads of popular pure-Python libraries that pyperformance lacks
(``splice bench --suite realworld``): each module names its workload
(``NAME``), pins its library (``REQUIREMENTS``, a pip requirements file)
and defines ``bench()``, one run on deterministic generated input, whose
result is compared across runtimes."""
