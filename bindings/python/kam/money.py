"""The money part of the binding (written with the money module)."""
__all__ = []
