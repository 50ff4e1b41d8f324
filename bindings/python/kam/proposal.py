"""The proposal part of the binding (written with the proposal module)."""
__all__ = []
