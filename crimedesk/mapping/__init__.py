"""Map pages and layers (folium, pure: no Qt) and the local web assets they load."""
