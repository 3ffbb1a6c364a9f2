"""The rule catalogue, by scope. Importing this package registers every rule in ``RULES``."""

from xxgk.rules import arith, cells, history, meta, structure, text
from xxgk.rules.registry import RULES, Context, Rule

__all__ = ["RULES", "Context", "Rule", "arith", "cells", "history", "meta", "structure", "text"]
