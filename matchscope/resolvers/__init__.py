"""Root query, mutation and subscription resolvers: thin, they call services."""
