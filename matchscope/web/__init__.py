"""Serving of the built web UI (index.html, GraphiQL, hashed assets), of item images and of their thumbnails."""
