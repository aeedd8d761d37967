"""Topic models over the coded segments, tied back to the codebook."""
