"""Report sections: each module registers one :class:`~crimedesk.reports.sections.base.Section`."""
