"""Clause numbers and references (pure, no database); the oracle is written out by hand."""
