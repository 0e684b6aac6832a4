"""PDF reports with ReportLab: the formal visit report (Section 11: "a formal quality assurance
report will be produced and distributed to the provider and key professionals")."""
