"""Shared pytest setup: the binding is imported from bindings/python with the library from
$KAM_LIBRARY (ctest sets both)."""
import os
import sys

_ROOT = os.environ.get("KAM_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
sys.path.insert(0, os.path.join(_ROOT, "bindings", "python"))
