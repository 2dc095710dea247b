"""Reports and exports (Qt-free): PDF reports for command staff, filtered incidents out to files."""
