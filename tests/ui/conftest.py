"""AppTest runs app.py in this process; the first test pays for importing TensorFlow."""
import os

os.environ.setdefault("KGS_STARTUP_PAUSE", "0")
