"""`python -m nbport` runs the command-line interface."""

from nbport.cli import main

if __name__ == "__main__":
    main()
