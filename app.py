"""RAG Paper Studio: `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="RAG Paper Studio", page_icon="📝", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/library.py", title="文献库 Library", icon="📚", default=True),
    ]
)
navigation.run()
