"""Questions over a loaded base, by subject, with name matching and read-only SQL; plain data out."""
