"""Results and sweep folders on disk: atomic files, manifests, provenance, resume and reproduce."""
