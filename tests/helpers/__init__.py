"""What several test modules share: pages, accounts, and each service's ways to make and read records.

Test modules import from here, never from each other; fixtures live in conftest.py.
"""
