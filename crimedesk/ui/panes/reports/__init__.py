"""The Reports tab: PDF reports for command staff, previewed, saved, printed and listed."""
