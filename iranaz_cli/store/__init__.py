"""Storage: where a base is, reading its YAML safely, validating it, anchoring quotes, and the cache."""
