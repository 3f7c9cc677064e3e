"""the board's directory (units, contributors), royalty credits, periodic duties done, refusal grounds

Revision ID: 0004
Revises: 0002
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

import tinbai.queue.models

revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None

_str = sqlmodel.sql.sqltypes.AutoString
_tz = tinbai.queue.models.UTCDateTime


def upgrade() -> None:
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile', _str(), nullable=False),
    sa.Column('name', _str(), nullable=False),
    sa.Column('domains', _str(), nullable=False),
    sa.Column('addresses', _str(), nullable=False),
    sa.Column('leaders', _str(), nullable=False),
    sa.Column('focal_name', _str(), nullable=True),
    sa.Column('focal_email', _str(), nullable=True),
    sa.Column('focal_phone', _str(), nullable=True),
    sa.Column('quota_per_month', sa.Integer(), nullable=True),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('created_at', _tz(timezone=True), nullable=False),
    sa.Column('updated_at', _tz(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('profile', 'name', name='uq_unit_name')
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_profile'), ['profile'], unique=False)

    op.create_table('contributor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile', _str(), nullable=False),
    sa.Column('name', _str(), nullable=False),
    sa.Column('email', _str(), nullable=False),
    sa.Column('phone', _str(), nullable=True),
    sa.Column('title', _str(), nullable=True),
    sa.Column('postal_address', _str(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('created_at', _tz(timezone=True), nullable=False),
    sa.Column('updated_at', _tz(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('profile', 'email', name='uq_contributor_email')
    )
    with op.batch_alter_table('contributor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contributor_profile'), ['profile'], unique=False)

    op.create_table('item_credit',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('authors', sa.Text(), nullable=True),
    sa.Column('kind', _str(), nullable=True),
    sa.Column('words', sa.Integer(), nullable=True),
    sa.Column('photos', sa.Integer(), nullable=True),
    sa.Column('set_by', _str(), nullable=False),
    sa.Column('set_at', _tz(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ),
    sa.PrimaryKeyConstraint('item_id')
    )

    op.create_table('duty_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', _str(), nullable=False),
    sa.Column('profile', _str(), nullable=False),
    sa.Column('period', _str(), nullable=False),
    sa.Column('done_at', _tz(timezone=True), nullable=False),
    sa.Column('emails', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('job', 'profile', 'period', name='uq_duty_run')
    )

    with op.batch_alter_table('review_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ground', _str(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('review_event', schema=None) as batch_op:
        batch_op.drop_column('ground')
    op.drop_table('duty_run')
    op.drop_table('item_credit')
    with op.batch_alter_table('contributor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contributor_profile'))
    op.drop_table('contributor')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_profile'))
    op.drop_table('unit')
