"""Tooling around the product, out of the domain packages: the demo builder, the load run and the book bench."""
