"""ILONet: the REST backend of the European network of immigration liaison officers."""
