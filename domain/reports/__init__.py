"""Reports: what the services received, did and delivered, day by day.

The acts add to daily tallies (``tally.py``) in their own transactions; the
report of a period adds those rows up (``requests.py``, ``appointments.py``,
``deliveries.py``), so a page costs the same with a thousand records or a
million.
"""
