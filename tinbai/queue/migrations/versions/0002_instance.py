"""instance heartbeats for multi-instance mode (tinbai.queue.lease)

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import tinbai.queue.models


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('instance',
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('host', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('started_at', tinbai.queue.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seen_at', tinbai.queue.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('owner')
    )


def downgrade() -> None:
    op.drop_table('instance')
