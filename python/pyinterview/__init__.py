"""pyinterview: take-home Python exercises, checked and graded in a sandbox.

The command-line tool is Rust (``pyinterview._native``); ``pyinterview`` on
the command line, or ``python -m pyinterview``, runs it in this Python.
"""
