"""lk3: the LK3 service workflow (Permensos 16/2013) as typed state machines.

A thin Python layer over the Rust core (the compiled module ``lk3._lk3``).
"""

from ._lk3 import __version__, diagram

__all__ = ["__version__", "diagram"]
