#!/usr/bin/env python
from mhr.__main__ import main

if __name__ == "__main__":
    main()
