"""Type stubs of the compiled extension module (built from the Rust binding crate)."""

__version__: str

def self_check() -> bool:
    """Runs the extension's self-check; raises ``RuntimeError`` when it fails."""

def call_count() -> int:
    """Calls the Rust backend of this extension has served in this process."""
