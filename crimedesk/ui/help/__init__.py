"""Help ▸ User guide and Help ▸ About: text shipped with the app, shown without any network."""
