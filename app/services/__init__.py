"""Use cases: load facts, ask the policies, write through the Writer."""
