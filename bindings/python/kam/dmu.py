"""The dmu part of the binding (written with the dmu module)."""
__all__ = []
