"""Interactive demos for the chapters: a figure, some controls, your functions.

The demos call your ``nnlib`` functions. Until an exercise is done, a demo
that needs it says which one to finish instead of failing.
"""
