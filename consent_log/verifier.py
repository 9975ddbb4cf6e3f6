"""The standalone verifier (``tools/jetu_verify.py``), loaded from its file.

Every check of a signature or a proof is done by that one file, the same one an outside expert
runs; the application loads it rather than keeping a second implementation.
"""

import importlib.util
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "tools" / "jetu_verify.py"
_spec = importlib.util.spec_from_file_location("jetu_verify", PATH)
jetu_verify = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(jetu_verify)
