"""Writing: editing a base, locating words in its sources, and safe (atomic, locked) writes."""
