"""Helpers shared by the Streamlit pages (`pages/` holds only pages). All logic lives in
`ragcore`; this package turns it into widgets."""
