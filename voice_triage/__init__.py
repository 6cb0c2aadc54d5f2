"""voice-triage: an offline assistant for numbness and tingling in the leg and foot."""

__version__ = "0.1.0"
