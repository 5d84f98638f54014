"""Issue 9: the city-scale data generator and `make bench` (see docs/performance.md)."""
