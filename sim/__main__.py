"""`python -m sim` is the `hotline` command."""

from .cli import main

raise SystemExit(main())
