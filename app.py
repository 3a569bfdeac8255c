"""Streamlit entry point: ``streamlit run app.py`` (or ``prioritizer app``)."""

from prioritizer.app.main import main

main()
