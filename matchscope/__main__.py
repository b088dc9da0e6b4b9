import sys

from matchscope.cli import main

sys.exit(main())
