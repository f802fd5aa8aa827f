"""Visible checks, one module per ``nnlib`` module; read them to see what is tested."""
