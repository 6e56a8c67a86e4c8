"""Document delivery by Saudi Post.

``address``: the national address, checked one field at a time; ``pipeline``: who
may move a delivery from which status to which, and the status words;
``tracking``: tracking numbers; ``requests``: the beneficiary's documents and
deliveries, requesting one, changing its address; ``moves``: moving a delivery
along the pipeline; ``worklists``: the officer's list and the branch desk's
returned documents.
"""
