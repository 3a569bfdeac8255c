"""Streamlit UI layer: the only package that imports streamlit."""
