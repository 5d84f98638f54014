"""The peer: a minimal django-helpdesk project, run by `make bench` from its own virtual environment."""
