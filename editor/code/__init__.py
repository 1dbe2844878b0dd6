"""Python code both ways: the code generator and the reader of model code (never run)."""
