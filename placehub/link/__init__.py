"""Person linkage across sources (Splink on DuckDB or Spark), stable person ids, households."""
