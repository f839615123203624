"""What validation checks beyond types, one module per concern; ``store.validate`` reads the files and runs them."""
