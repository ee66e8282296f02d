"""The runtime: executable memory, the native entry, the registry of compiled
functions and the automatic mode.  Importing this package loads nothing."""
