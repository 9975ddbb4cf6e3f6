"""The standalone verifier, imported by path as an outside expert would run it."""

import importlib.util
from pathlib import Path

PATH = Path(__file__).resolve().parents[2] / "tools" / "jetu_verify.py"
_spec = importlib.util.spec_from_file_location("jetu_verify", PATH)
jetu_verify = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(jetu_verify)
