"""A synthetic borough: gazetteer, small areas, residents, partner files with realistic mess, and the truth."""
