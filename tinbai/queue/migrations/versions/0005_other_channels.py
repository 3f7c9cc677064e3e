"""other channels: an item's channel (email, paper, USB, CD), its unnamed provider, feedback
forwarded to units (tinbai.config.duties)

Revision ID: 0005
Revises: 0002
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

import tinbai.queue.models

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default='email'))
        batch_op.add_column(sa.Column('provider_unnamed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('provider_search', sa.Text(), nullable=True))
    op.create_table('unit_forward',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('addresses', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('forwarded_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('forwarded_at', tinbai.queue.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', tinbai.queue.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', tinbai.queue.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answer_item_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answer_item_id'], ['item.id'], ),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unit_forward', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_forward_item_id'), ['item_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('unit_forward', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_forward_item_id'))
    op.drop_table('unit_forward')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('provider_search')
        batch_op.drop_column('provider_unnamed')
        batch_op.drop_column('channel')
