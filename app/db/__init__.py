"""Storage: engine and sessions, the embedded server, the Writer, the audit log and the outbox."""
