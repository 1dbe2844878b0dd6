"""What the tests and the benchmarks both use, so that neither imports the other: random
and big projects (randomgraphs, big_graphs), the app's server and headless Chromium
(browser), and clicking nodes on the page's canvas (canvas)."""
