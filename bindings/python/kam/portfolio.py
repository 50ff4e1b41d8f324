"""The portfolio part of the binding (written with the portfolio module)."""
__all__ = []
