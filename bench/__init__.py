"""Tawasul's HTTP benchmark: app servers, nginx in front, a load generator (``make bench``)."""
