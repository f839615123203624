"""Output: tables, lines and charts, the views of each command, the JSON contract, export and Datasette."""
