"""The Streamlit page's pieces: session state, sidebar, panels, links, editor, exports, the Why tab, caches."""
