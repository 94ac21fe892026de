"""Weighing replies: readers' recommendations and the "best" order they give (issue 10)."""
