"""Tawasul's rules, as plain functions that tests call without HTTP."""
