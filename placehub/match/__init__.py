"""Address → UPRN matching (uk_address_matcher), the review queue and remembered decisions."""
