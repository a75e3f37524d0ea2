"""Understanding places: composite indices (SPI, IMD), space-time scan statistics, aggregates."""
