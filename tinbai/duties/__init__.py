"""The editorial board's periodic duties (REGULATIONS §6 and §8): statistics and reports,
quotas, chasing the units, the daily posting duty, royalties.

Pure functions over plain records (records.py) that thin queries read (queries.py); the
exports (.xlsx, .docx, .csv, .json) in their own modules; the periodic jobs that send
through the outbox in jobs.py.
"""
