# Dashboards, reminders and notifications arrive with their own issues.
