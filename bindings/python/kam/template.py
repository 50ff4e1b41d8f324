"""The template part of the binding (written with the template module)."""
__all__ = []
