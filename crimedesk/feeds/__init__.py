"""Live feeds (Qt-free): portal subscriptions, Kafka topics and MQTT sensor alerts.

Every batch of events goes through the file import's validation, cleaning, region join and dedupe
(crimedesk.ingest) in one transaction that also advances the feed's resume point, so a crash
anywhere resumes exactly where the last commit ended. Adapters register in :mod:`.registry`.
"""
