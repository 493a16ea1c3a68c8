"""Analysis steps, one per module. Each is a pure function from an analysis record to the same record, enriched."""
