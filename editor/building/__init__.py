"""From a project to Keras: the build, the quick build of big graphs, losses, the palette read from Keras, diagrams, per-node cost, the time budget."""
