"""`python -m capaian` runs the command line."""

from capaian.cli import main

main()
