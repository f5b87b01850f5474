"""The HTTP layer: parse, call one service function, return."""
