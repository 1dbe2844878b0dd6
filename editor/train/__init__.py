"""Training on synthetic data: settings, what a run costs, the engine, its progress, the data, several workers."""
