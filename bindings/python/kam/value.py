"""The value part of the binding (written with the value module)."""
__all__ = []
