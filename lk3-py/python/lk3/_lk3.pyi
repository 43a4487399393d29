__version__: str

def diagram(format: str = "json") -> str:
    """The rule set as ``json``, ``mermaid`` or ``dot``."""
