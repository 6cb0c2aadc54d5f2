"""Speech in and out: only the voice channel uses this package."""
