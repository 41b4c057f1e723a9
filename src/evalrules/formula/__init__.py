"""Safe formulas: parsed once, checked, compiled; simpleeval is the reference semantics."""
