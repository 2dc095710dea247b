"""Import pipeline: read a file in chunks, map it through a profile, validate, clean and store it.

Every stage is a plain function on a :class:`~crimedesk.ingest.batch.Batch`; the pipeline accounts
for every row (inserted + updated + unchanged + rejected = read) and runs in one transaction.
"""
