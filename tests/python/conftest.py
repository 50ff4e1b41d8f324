"""Shared pytest setup: the binding is imported from bindings/python with the library from
$KAM_LIBRARY (ctest sets both), or, with KAM_PYTHON_INSTALLED=1, the installed package is
tested (tests/install/run.sh)."""
import os
import sys

_ROOT = os.environ.get("KAM_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
if os.environ.get("KAM_PYTHON_INSTALLED") != "1":
    sys.path.insert(0, os.path.join(_ROOT, "bindings", "python"))
