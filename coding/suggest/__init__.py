"""Learned suggestions: features, the model, its persistence, and the glue to the store."""
