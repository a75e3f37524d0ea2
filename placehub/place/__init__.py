"""The place: its gazetteer (UPRNs), small areas (LSOA, MSOA, ward) and boundaries."""
