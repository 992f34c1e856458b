"""Training code (not needed at run time): data readers, synthetic shifts, the training loop of the learnt
divergence model. Nothing here is imported by the CLI."""
