"""Core use cases: one function per use case, one transaction, audit event inside it."""
