"""Files from outside: project files and model files, checked before anything reads them."""
