import sys

from matchscope.cli import main

if __name__ == "__main__":  # imported again, as a process started by multiprocessing's fork server or spawn does
    sys.exit(main())
