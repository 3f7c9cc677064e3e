"""the duplicate search reads fingerprints by kind, value and profile, in item order (issue 18)

The search reads at most a few dozen rows per band and per sentence (tinbai.queue.history); with
the profile in the index those reads stop after their LIMIT even when another profile holds
thousands of rows of the same value (a greeting every agency uses), and with item_id the earliest
items come first without a sort. The old (kind, value) index is this one's prefix.

Revision ID: 0008
Revises: 0007
"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_fingerprint_lookup', 'fingerprint', ['kind', 'value', 'profile', 'item_id'])
    op.drop_index('ix_fingerprint_kind_value', table_name='fingerprint')


def downgrade() -> None:
    op.create_index('ix_fingerprint_kind_value', 'fingerprint', ['kind', 'value'])
    op.drop_index('ix_fingerprint_lookup', table_name='fingerprint')
