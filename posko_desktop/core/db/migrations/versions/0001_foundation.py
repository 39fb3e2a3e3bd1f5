"""foundation: regencies, categories, incidents, follow-ups, attachments

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 06:09:47.890946
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from posko_desktop.core.db.search import create_search_index
from posko_desktop.core.resources import load_json

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('agency',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_agency'))
    )
    op.create_table('blob',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blob'))
    )
    op.create_table('category',
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('parent_code', sa.String(length=4), nullable=True),
    sa.Column('label_id', sa.String(length=120), nullable=False),
    sa.Column('label_en', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['category.code'], name=op.f('fk_category_parent_code_category')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_category'))
    )
    op.create_table('local_site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_stamp', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_local_site'))
    )
    op.create_table('number_sequence',
    sa.Column('site', sa.String(length=5), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('site', 'year', name=op.f('pk_number_sequence'))
    )
    op.create_table('regency',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regency'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('incident',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('origin_site', sa.String(length=5), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('kecamatan', sa.String(length=100), nullable=False),
    sa.Column('desa', sa.String(length=100), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('occurred_date', sa.Date(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.Column('source_type', sa.String(length=20), nullable=False),
    sa.Column('source_detail', sa.String(length=500), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category_code', sa.String(length=4), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('severity_rank', sa.SmallInteger(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('people_involved', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=False),
    sa.Column('respond_by', sa.DateTime(), nullable=False),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('next_referral_due', sa.DateTime(), nullable=True),
    sa.Column('mod_stamp', sa.String(length=40), nullable=False),
    sa.Column('field_stamps', sa.JSON(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['category_code'], ['category.code'], name=op.f('fk_incident_category_code_category')),
    sa.ForeignKeyConstraint(['regency_code'], ['regency.code'], name=op.f('fk_incident_regency_code_regency')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_incident')),
    sa.UniqueConstraint('id', name=op.f('uq_incident_id')),
    sa.UniqueConstraint('number', name=op.f('uq_incident_number'))
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index('ix_incident_category_occurred', ['category_code', 'occurred_at'], unique=False)
        batch_op.create_index('ix_incident_day_regency', ['occurred_date', 'regency_code', 'category_code', 'severity_rank'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_mod_stamp'), ['mod_stamp'], unique=False)
        batch_op.create_index('ix_incident_occurred', ['occurred_at'], unique=False)
        batch_op.create_index('ix_incident_regency_occurred', ['regency_code', 'occurred_at'], unique=False)
        batch_op.create_index('ix_incident_severity_occurred', ['severity_rank', 'occurred_at'], unique=False)
        batch_op.create_index('ix_incident_status_occurred', ['status', 'occurred_at'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('incident_id', sa.Uuid(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('mime', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('added_by', sa.String(length=80), nullable=False),
    sa.Column('origin_site', sa.String(length=5), nullable=False),
    sa.Column('mod_stamp', sa.String(length=40), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_attachment_incident_id_incident')),
    sa.ForeignKeyConstraint(['sha256'], ['blob.sha256'], name=op.f('fk_attachment_sha256_blob')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_incident_id'), ['incident_id'], unique=False)

    op.create_table('followup',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('incident_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('author', sa.String(length=80), nullable=False),
    sa.Column('origin_site', sa.String(length=5), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status_from', sa.String(length=30), nullable=True),
    sa.Column('status_to', sa.String(length=30), nullable=True),
    sa.Column('agency_code', sa.String(length=20), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('referral_id', sa.Uuid(), nullable=True),
    sa.Column('referral_state', sa.String(length=20), nullable=True),
    sa.Column('mod_stamp', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_followup_incident_id_incident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup'))
    )
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_mod_stamp'), ['mod_stamp'], unique=False)
    create_search_index(op.get_bind())
    _seed()


def _seed() -> None:
    """Regencies, the category taxonomy and referral agencies from resources/."""
    regencies = load_json("regencies.json")["regencies"]
    op.bulk_insert(
        sa.table("regency", sa.column("code"), sa.column("kind"), sa.column("name")),
        [{"code": r["code"], "kind": r["kind"], "name": r["name"]} for r in regencies],
    )
    category = sa.table(
        "category", sa.column("code"), sa.column("parent_code"), sa.column("label_id"),
        sa.column("label_en"), sa.column("active"), sa.column("sort_order"),
    )
    rows = []
    # the taxonomy as this migration shipped it (frozen; 0017 brings it to categories.json)
    for gi, group in enumerate(load_json("categories-0001.json")["groups"]):
        rows.append({"code": group["code"], "parent_code": None, "label_id": group["id"],
                     "label_en": group["en"], "active": True, "sort_order": gi * 100})
        for ci, child in enumerate(group["children"]):
            rows.append({"code": child["code"], "parent_code": group["code"],
                         "label_id": child["id"], "label_en": child["en"], "active": True,
                         "sort_order": gi * 100 + ci + 1})
    op.bulk_insert(category, rows)
    op.bulk_insert(
        sa.table("agency", sa.column("code"), sa.column("name"), sa.column("active")),
        [{**a, "active": True} for a in load_json("agencies.json")["agencies"]],
    )


def downgrade() -> None:

    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followup_mod_stamp'))
        batch_op.drop_index(batch_op.f('ix_followup_incident_id'))

    op.drop_table('followup')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_incident_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_status_occurred')
        batch_op.drop_index('ix_incident_severity_occurred')
        batch_op.drop_index('ix_incident_regency_occurred')
        batch_op.drop_index('ix_incident_occurred')
        batch_op.drop_index(batch_op.f('ix_incident_mod_stamp'))
        batch_op.drop_index('ix_incident_day_regency')
        batch_op.drop_index('ix_incident_category_occurred')

    op.execute('DROP TABLE IF EXISTS incident_fts')
    op.drop_table('incident')
    op.drop_table('setting')
    op.drop_table('regency')
    op.drop_table('number_sequence')
    op.drop_table('local_site')
    op.drop_table('category')
    op.drop_table('blob')
    op.drop_table('agency')

