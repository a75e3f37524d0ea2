"""Errors a council analyst can fix while matching or reviewing."""

from placehub.errors import NotFound, PlacehubUserError


class BadThresholds(PlacehubUserError):
    """A threshold is out of its range."""


class NothingToMatch(PlacehubUserError):
    """The source has no current records, or the gazetteer is not loaded."""


class ReviewItemNotFound(NotFound):
    """No review item with that id."""


class UnknownUprn(PlacehubUserError):
    """A reviewer named a UPRN that is not in the gazetteer."""
