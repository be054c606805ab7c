// The report module: see README.md.
