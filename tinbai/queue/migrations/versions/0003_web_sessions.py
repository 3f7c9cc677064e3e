"""server-side web sessions, login throttling, password-reset links; attachment names searchable

The sign-in lockout columns of user_account go: failed sign-ins are throttled per client
address and per account name in login_throttle instead, and nothing is locked any more.

Revision ID: 0003
Revises: 0005 (it comes after 0004 and 0005, which were merged first)
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import tinbai.queue.models
from tinbai.queue.store import search_key


revision = '0003'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('web_session',
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('csrf', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', tinbai.queue.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seen_at', tinbai.queue.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_user_id'), ['user_id'], unique=False)
    op.create_table('login_throttle',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', tinbai.queue.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_try_at', tinbai.queue.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('password_reset',
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tinbai.queue.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', tinbai.queue.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', tinbai.queue.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('locked_until')
    _attachment_names_searchable()


def _attachment_names_searchable() -> None:
    """Items stored before this revision: their attachments' file names join the search text
    (tinbai.queue.store does it for new items)."""
    conn = op.get_bind()
    names: dict[int, list[str]] = {}
    for item_id, filename in conn.execute(sa.text("SELECT item_id, filename FROM attachment ORDER BY id")):
        names.setdefault(item_id, []).append(filename or "")
    for item_id, files in names.items():
        conn.execute(sa.text("UPDATE item SET search_text = COALESCE(search_text, '') || ' ' || :names "
                             "WHERE id = :id"), {"names": search_key(" ".join(files)), "id": item_id})


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', tinbai.queue.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_user_id'))
    op.drop_table('password_reset')
    op.drop_table('login_throttle')
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_user_id'))
    op.drop_table('web_session')
