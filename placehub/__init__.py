"""placehub: a place's shared data, reconciled, governed, acted on and opened up."""

__version__ = "0.1.0"
