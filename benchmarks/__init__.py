"""Speed figures, each measured against a baseline in the same run (see README)."""
