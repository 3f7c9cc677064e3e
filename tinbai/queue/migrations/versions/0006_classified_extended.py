"""items held for a state-secret mark, and deadlines a reviewer extended (issue 14)

Revision ID: 0006
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (SQLite and PostgreSQL both do it in place): a batch would copy and drop the
    # item table, which the attachments' and events' foreign keys forbid once items exist
    op.add_column('item', sa.Column('classified', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('item', sa.Column('deadline_extended', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('item') as batch:
        batch.drop_column('deadline_extended')
        batch.drop_column('classified')
