"""libkam for Python: key account management (finance, segmentation, stakeholder typing,
templates and proposals) through ctypes. No compiled extension, no third-party dependency;
numpy is used zero-copy when present.

Load order: the library is found through $KAM_LIBRARY, next to this package, or the system
library path (libkam.so.0).
"""
from ._native import (KamError, InvalidArgument, OutOfMemory, Overflow, ParseError, NoSolution,
                      NoConvergence, IncompleteState, NotFound, AlreadyExists, LimitReached,
                      CallbackError)
from .finance import *  # noqa: F401,F403
from .value import *  # noqa: F401,F403
from .portfolio import *  # noqa: F401,F403
from .dmu import *  # noqa: F401,F403
from .template import *  # noqa: F401,F403
from .money import *  # noqa: F401,F403
from .proposal import *  # noqa: F401,F403
from .plan import *  # noqa: F401,F403
from .partial import *  # noqa: F401,F403
from .retention import *  # noqa: F401,F403

__version__ = "0.1.0"


def version():
    """The runtime library version ("0.1.0")."""
    from ._native import version_string
    return version_string().decode()
