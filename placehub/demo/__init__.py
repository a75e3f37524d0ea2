"""A synthetic borough: gazetteer, small areas, residents, partner files with realistic mess, the truth."""
